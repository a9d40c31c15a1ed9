<?php
/**
 * TEST ONLY. The state of the fake OAuth 2 server: consumers, approvals, codes, tokens.
 * Plain PHP + PDO/SQLite + openssl, no MediaWiki class: tools/oauthTool.php uses it without booting
 * the wiki. The settings come from a JSON file the test harness writes (and may rewrite between
 * requests, e.g. to shorten token lifetimes): {"db","privateKey","publicKey","accessTtl","refreshTtl"}.
 */

namespace MediaWiki\Extension\TestOAuth;

use DateInterval;
use PDO;

class Store {
	/** @var array */
	public $conf;
	/** @var PDO */
	private $pdo;

	public function __construct( string $configFile ) {
		$json = file_get_contents( $configFile );
		$this->conf = json_decode( $json === false ? '{}' : $json, true ) ?: [];
		$this->pdo = new PDO( 'sqlite:' . $this->conf['db'] );
		$this->pdo->setAttribute( PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION );
		$this->pdo->setAttribute( PDO::ATTR_TIMEOUT, 60 );
		$this->pdo->exec( 'PRAGMA journal_mode=WAL' );
		foreach ( [
			'CREATE TABLE IF NOT EXISTS consumer (client_id TEXT PRIMARY KEY, secret TEXT, name TEXT, owner INTEGER,
				callback TEXT, confidential INTEGER, grant_types TEXT, grants TEXT, owner_only INTEGER)',
			'CREATE TABLE IF NOT EXISTS acceptance (user INTEGER, client_id TEXT, grants TEXT, PRIMARY KEY (user, client_id))',
			'CREATE TABLE IF NOT EXISTS code (code TEXT PRIMARY KEY, client_id TEXT, user INTEGER, redirect_uri TEXT,
				challenge TEXT, method TEXT, grants TEXT, expires REAL, used INTEGER DEFAULT 0)',
			'CREATE TABLE IF NOT EXISTS access (jti TEXT PRIMARY KEY, client_id TEXT, user INTEGER, grants TEXT, exp REAL, revoked INTEGER DEFAULT 0)',
			'CREATE TABLE IF NOT EXISTS refresh (token TEXT PRIMARY KEY, client_id TEXT, user INTEGER, grants TEXT,
				access_jti TEXT, exp REAL, revoked INTEGER DEFAULT 0)',
		] as $sql ) {
			$this->pdo->exec( $sql );
		}
	}

	public function q( string $sql, array $args = [] ): array {
		$st = $this->pdo->prepare( $sql );
		$st->execute( $args );
		return $st->fetchAll( PDO::FETCH_ASSOC );
	}

	/** Seconds of an ISO 8601 duration; false/"infinity" = 1000 years, as in AuthorizationProvider. */
	public static function seconds( $duration ): float {
		if ( $duration === false || $duration === 'infinity' || $duration === null ) {
			return 1000 * 365.25 * 86400;
		}
		$i = new DateInterval( $duration );
		return ( ( ( $i->y * 365 + $i->m * 30 + $i->d ) * 24 + $i->h ) * 60 + $i->i ) * 60 + $i->s;
	}

	public function consumer( string $clientId ): ?array {
		$rows = $this->q( 'SELECT * FROM consumer WHERE client_id = ?', [ $clientId ] );
		if ( !$rows ) {
			return null;
		}
		$c = $rows[0];
		$c['grant_types'] = json_decode( $c['grant_types'], true );
		$c['grants'] = json_decode( $c['grants'], true );
		return $c;
	}

	/** The secret shown at registration; only a hash is kept. */
	public function checkSecret( array $consumer, ?string $secret ): bool {
		return is_string( $secret ) && $secret !== '' && hash_equals( $consumer['secret'], hash( 'sha256', $secret ) );
	}

	public function createConsumer( array $o ): array {
		$clientId = bin2hex( random_bytes( 16 ) );
		$secret = bin2hex( random_bytes( 20 ) );
		$ownerOnly = !empty( $o['ownerOnly'] );
		$this->q( 'INSERT INTO consumer VALUES (?,?,?,?,?,?,?,?,?)', [
			$clientId, hash( 'sha256', $secret ), $o['name'] ?? 'Test client', (int)$o['owner'],
			$ownerOnly ? ( $o['verifiedUrl'] ?? '' ) : (string)$o['callback'],
			!empty( $o['confidential'] ) ? 1 : 0,
			json_encode( $ownerOnly ? [ 'client_credentials' ] : ( $o['grantTypes'] ?? [ 'authorization_code', 'refresh_token' ] ) ),
			json_encode( array_values( $o['grants'] ?? [ 'basic' ] ) ),
			$ownerOnly ? 1 : 0,
		] );
		$out = [ 'name' => $o['name'] ?? 'Test client', 'client_key' => $clientId, 'secret' => $secret ];
		if ( $ownerOnly ) {
			// Owner-only: auto-accepted, and one access token (1000 years, no refresh token) shown once.
			$this->accept( (int)$o['owner'], $clientId, $o['grants'] ?? [ 'basic' ] );
			$out['access_token'] = $this->issueAccess( $clientId, (int)$o['owner'], $o['grants'] ?? [ 'basic' ], self::seconds( false ), $o['iss'] )['jwt'];
		}
		return $out;
	}

	public function accept( int $user, string $clientId, array $grants ): void {
		$this->q( 'INSERT OR REPLACE INTO acceptance VALUES (?,?,?)', [ $user, $clientId, json_encode( array_values( $grants ) ) ] );
	}

	public function acceptance( int $user, string $clientId ): ?array {
		$rows = $this->q( 'SELECT grants FROM acceptance WHERE user = ? AND client_id = ?', [ $user, $clientId ] );
		return $rows ? json_decode( $rows[0]['grants'], true ) : null;
	}

	/** Special:OAuthManageMyGrants "renounce": the acceptance and the access tokens go. */
	public function revoke( int $user, string $clientId ): void {
		$this->q( 'DELETE FROM acceptance WHERE user = ? AND client_id = ?', [ $user, $clientId ] );
		$this->q( 'DELETE FROM access WHERE user = ? AND client_id = ?', [ $user, $clientId ] );
	}

	public static function b64url( string $s ): string {
		return rtrim( strtr( base64_encode( $s ), '+/', '-_' ), '=' );
	}

	/** An RS256 JWT like league's AccessTokenTrait (float times with microseconds). */
	public function issueAccess( string $clientId, int $user, array $grants, float $ttl, string $iss ): array {
		$jti = bin2hex( random_bytes( 40 ) );
		$now = microtime( true );
		$claims = [
			'aud' => $clientId, 'jti' => $jti, 'iat' => $now, 'nbf' => $now, 'exp' => $now + $ttl,
			'sub' => (string)$user, 'iss' => $iss, 'scopes' => array_values( $grants ),
		];
		$input = self::b64url( '{"typ":"JWT","alg":"RS256"}' ) . '.' . self::b64url( json_encode( $claims, JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION ) );
		$key = openssl_pkey_get_private( file_get_contents( $this->conf['privateKey'] ) );
		openssl_sign( $input, $sig, $key, OPENSSL_ALGO_SHA256 );
		$this->q( 'INSERT INTO access VALUES (?,?,?,?,?,0)', [ $jti, $clientId, $user, json_encode( array_values( $grants ) ), $now + $ttl ] );
		return [ 'jwt' => $input . '.' . self::b64url( $sig ), 'jti' => $jti, 'expires_in' => (int)round( $ttl ) ];
	}

	/**
	 * Checks a JWT as the resource server does: signature, then time with no leeway, then the row.
	 * @return array|string claims + row, or the league hint of the failure
	 */
	public function verifyAccess( string $jwt ) {
		$parts = explode( '.', $jwt );
		if ( count( $parts ) !== 3 ) {
			return 'The JWT string must have two dots';
		}
		$key = openssl_pkey_get_public( file_get_contents( $this->conf['publicKey'] ) );
		$sig = base64_decode( strtr( $parts[2], '-_', '+/' ), true );
		if ( $sig === false || openssl_verify( $parts[0] . '.' . $parts[1], $sig, $key, OPENSSL_ALGO_SHA256 ) !== 1 ) {
			return 'Access token could not be verified';
		}
		$claims = json_decode( base64_decode( strtr( $parts[1], '-_', '+/' ) ), true );
		$now = microtime( true );
		if ( !is_array( $claims ) || $claims['nbf'] > $now || $claims['exp'] < $now ) {
			return 'Access token could not be verified';
		}
		$rows = $this->q( 'SELECT * FROM access WHERE jti = ?', [ $claims['jti'] ] );
		if ( !$rows || $rows[0]['revoked'] ) {
			return 'Access token has been revoked';
		}
		return $claims;
	}

	public function issueRefresh( string $clientId, int $user, array $grants, string $accessJti ): string {
		// Opaque like a defuse ciphertext.
		$token = 'def50200' . bin2hex( random_bytes( 200 ) );
		$exp = microtime( true ) + self::seconds( $this->conf['refreshTtl'] ?? 'PT1M' );
		$this->q( 'INSERT INTO refresh VALUES (?,?,?,?,?,?,0)', [ $token, $clientId, $user, json_encode( array_values( $grants ) ), $accessJti, $exp ] );
		return $token;
	}

	public function issueCode( string $clientId, int $user, ?string $redirectUri, ?string $challenge, ?string $method, array $grants ): string {
		$code = 'def50200' . bin2hex( random_bytes( 220 ) );
		$this->q( 'INSERT INTO code VALUES (?,?,?,?,?,?,?,?,0)', [
			$code, $clientId, $user, $redirectUri, $challenge, $method, json_encode( array_values( $grants ) ), microtime( true ) + 600,
		] );
		return $code;
	}
}
