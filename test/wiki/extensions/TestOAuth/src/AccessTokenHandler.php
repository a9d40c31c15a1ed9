<?php
namespace MediaWiki\Extension\TestOAuth;

use MediaWiki\Rest\Handler;

/**
 * POST rest.php/oauth2/access_token: authorization_code (PKCE; a public client needs no secret),
 * refresh_token (always needs the secret; rotates both tokens), client_credentials (owner-only).
 * Errors are league's JSON with the statuses in the facts file.
 */
class AccessTokenHandler extends Handler {
	public function execute() {
		$rf = $this->getResponseFactory();
		$req = $this->getRequest();
		$p = $req->getPostParams();
		$auth = $req->getHeaderLine( 'Authorization' );
		if ( strpos( $auth, 'Basic ' ) === 0 ) {
			$pair = explode( ':', (string)base64_decode( substr( $auth, 6 ) ), 2 );
			$p['client_id'] = $p['client_id'] ?? $pair[0];
			$p['client_secret'] = $p['client_secret'] ?? ( $pair[1] ?? null );
		}
		$grantType = $p['grant_type'] ?? '';
		if ( !in_array( $grantType, [ 'authorization_code', 'refresh_token', 'client_credentials' ], true ) ) {
			return Util::oauthError( $rf, 400, 'invalid_request', Util::INVALID_REQUEST, 'Check the `grant_type` parameter' );
		}
		if ( !isset( $p['client_id'] ) || $p['client_id'] === '' ) {
			return Util::oauthError( $rf, 400, 'invalid_request', Util::INVALID_REQUEST, 'Check the `client_id` parameter' );
		}
		$store = Util::store();
		$c = $store->consumer( (string)$p['client_id'] );
		if ( !$c ) {
			return $this->invalidClient( $auth );
		}
		// Confidential clients always, and every client for refresh / client_credentials.
		$needsSecret = $c['confidential'] || $grantType !== 'authorization_code';
		if ( $needsSecret && !$store->checkSecret( $c, $p['client_secret'] ?? null ) ) {
			return $this->invalidClient( $auth );
		}
		if ( !in_array( $grantType, $c['grant_types'], true ) ) {
			return $this->invalidClient( $auth );
		}
		if ( $grantType === 'authorization_code' ) {
			return $this->code( $store, $c, $p );
		}
		if ( $grantType === 'refresh_token' ) {
			return $this->refresh( $store, $c, $p );
		}
		$t = $store->issueAccess( $c['client_id'], (int)$c['owner'], $c['grants'],
			Store::seconds( $store->conf['accessTtl'] ?? 'PT1H' ), Util::issuer() );
		return $this->tokens( [ 'token_type' => 'Bearer', 'expires_in' => $t['expires_in'], 'access_token' => $t['jwt'] ] );
	}

	private function invalidClient( string $auth ) {
		$r = Util::oauthError( $this->getResponseFactory(), 401, 'invalid_client', Util::INVALID_CLIENT );
		if ( $auth !== '' ) {
			$r->setHeader( 'WWW-Authenticate', 'Basic realm="OAuth"' );
		}
		return $r;
	}

	private function code( Store $store, array $c, array $p ) {
		$rf = $this->getResponseFactory();
		$bad = static function ( string $hint, string $error = 'invalid_request' ) use ( $rf ) {
			return Util::oauthError( $rf, 400, $error, $error === 'invalid_grant' ? Util::INVALID_GRANT : Util::INVALID_REQUEST, $hint );
		};
		if ( !isset( $p['code'] ) ) {
			return $bad( 'Check the `code` parameter' );
		}
		$rows = $store->q( 'SELECT * FROM code WHERE code = ?', [ (string)$p['code'] ] );
		if ( !$rows ) {
			return $bad( 'Cannot decrypt the authorization code' );
		}
		$code = $rows[0];
		if ( $code['expires'] < microtime( true ) ) {
			return $bad( 'Authorization code has expired' );
		}
		if ( $code['client_id'] !== $c['client_id'] ) {
			return $bad( 'Authorization code was not issued to this client' );
		}
		if ( $code['used'] ) {
			return $bad( 'Authorization code has been revoked' );
		}
		if ( $code['redirect_uri'] === null ) {
			if ( isset( $p['redirect_uri'] ) ) {
				return $bad( 'Invalid redirect URI' );
			}
		} elseif ( !isset( $p['redirect_uri'] ) ) {
			return $bad( 'Check the `redirect_uri` parameter' );
		} elseif ( $p['redirect_uri'] !== $code['redirect_uri'] ) {
			return $bad( 'Invalid redirect URI' );
		}
		if ( $code['challenge'] !== null ) {
			$v = $p['code_verifier'] ?? null;
			if ( $v === null || $v === '' ) {
				return $bad( 'Check the `code_verifier` parameter' );
			}
			if ( !preg_match( '/^[A-Za-z0-9\-._~]{43,128}$/', $v ) ) {
				return $bad( 'Code Verifier must follow the specifications of RFC-7636.' );
			}
			$computed = $code['method'] === 'S256' ? Store::b64url( hash( 'sha256', $v, true ) ) : $v;
			if ( !hash_equals( $code['challenge'], $computed ) ) {
				return $bad( 'Failed to verify `code_verifier`.', 'invalid_grant' );
			}
		}
		// Only a successful exchange uses the code up.
		$store->q( 'UPDATE code SET used = 1 WHERE code = ?', [ $code['code'] ] );
		$grants = json_decode( $code['grants'], true );
		return $this->pair( $store, $c, (int)$code['user'], $grants );
	}

	private function refresh( Store $store, array $c, array $p ) {
		$rf = $this->getResponseFactory();
		$bad = static function ( string $hint ) use ( $rf ) {
			return Util::oauthError( $rf, 401, 'invalid_request', Util::INVALID_REFRESH, $hint );
		};
		if ( !isset( $p['refresh_token'] ) ) {
			return Util::oauthError( $rf, 400, 'invalid_request', Util::INVALID_REQUEST, 'Check the `refresh_token` parameter' );
		}
		$rows = $store->q( 'SELECT * FROM refresh WHERE token = ?', [ (string)$p['refresh_token'] ] );
		if ( !$rows ) {
			return $bad( 'Cannot decrypt the refresh token' );
		}
		$r = $rows[0];
		if ( $r['client_id'] !== $c['client_id'] ) {
			return $bad( 'Token is not linked to client' );
		}
		if ( $r['exp'] < microtime( true ) ) {
			return $bad( 'Token has expired' );
		}
		if ( $r['revoked'] || $store->acceptance( (int)$r['user'], $c['client_id'] ) === null ) {
			return $bad( 'Token has been revoked' );
		}
		$grants = json_decode( $r['grants'], true );
		if ( isset( $p['scope'] ) && trim( $p['scope'] ) !== '' ) {
			$asked = preg_split( '/\s+/', trim( $p['scope'] ) );
			if ( array_diff( $asked, $grants ) ) {
				return Util::oauthError( $rf, 400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed', 'Check the `' . implode( ' ', array_diff( $asked, $grants ) ) . '` scope' );
			}
			$grants = $asked;
		}
		// Rotation: the old refresh token and the old access token are revoked at once.
		$store->q( 'UPDATE refresh SET revoked = 1 WHERE token = ?', [ $r['token'] ] );
		$store->q( 'UPDATE access SET revoked = 1 WHERE jti = ?', [ $r['access_jti'] ] );
		return $this->pair( $store, $c, (int)$r['user'], $grants );
	}

	private function pair( Store $store, array $c, int $user, array $grants ) {
		$t = $store->issueAccess( $c['client_id'], $user, $grants, Store::seconds( $store->conf['accessTtl'] ?? 'PT1H' ), Util::issuer() );
		// A refresh token comes with every exchange, even for a client without the refresh_token grant type.
		$refresh = $store->issueRefresh( $c['client_id'], $user, $grants, $t['jti'] );
		return $this->tokens( [ 'token_type' => 'Bearer', 'expires_in' => $t['expires_in'], 'access_token' => $t['jwt'], 'refresh_token' => $refresh ] );
	}

	private function tokens( array $body ) {
		$r = $this->getResponseFactory()->createJson( $body );
		$r->setHeader( 'Cache-Control', 'no-store' );
		$r->setHeader( 'Pragma', 'no-cache' );
		return $r;
	}

	public function needsWriteAccess() {
		return false;
	}

	/** The OAuth routes answer for themselves (a bad Bearer makes the session rightless). */
	public function needsReadAccess() {
		return false;
	}

	public function requireSafeAgainstCsrf() {
		return false;
	}
}
