<?php
namespace MediaWiki\Extension\TestOAuth;

use MediaWiki\Session\ImmutableSessionProviderWithCookie;
use MediaWiki\Session\SessionBackend;
use MediaWiki\Session\SessionInfo;
use MediaWiki\Session\UserInfo;
use WebRequest;

/**
 * `Authorization: Bearer <JWT>` on api.php and rest.php (not index.php), like Extension:OAuth's
 * SessionProvider: detection is case-sensitive (strpos 'Bearer' === 0), no cookies, the session id
 * comes from the token, Bearer wins over cookies, the user cannot be changed (login/logout refused)
 * and the rights are cut to the token's grants. A bad token gives an anonymous session carrying the
 * error, which Hooks::onApiBeforeMain turns into mwoauth-invalid-authorization.
 */
class SessionProvider extends ImmutableSessionProviderWithCookie {
	public function provideSessionInfo( WebRequest $request ) {
		if ( !defined( 'MW_API' ) && !defined( 'MW_REST_API' ) ) {
			return null;
		}
		$header = (string)$request->getHeader( 'Authorization' );
		if ( strpos( $header, 'Bearer' ) !== 0 ) {
			return null;
		}
		$jwt = trim( substr( $header, strlen( 'Bearer' ) ) );
		$claims = Util::store()->verifyAccess( $jwt );
		$ok = is_array( $claims ) && Util::store()->acceptance( (int)$claims['sub'], (string)$claims['aud'] ) !== null;
		if ( !$ok ) {
			return new SessionInfo( SessionInfo::MAX_PRIORITY, [
				'provider' => $this,
				'id' => $this->hashToSessionId( 'invalid:' . bin2hex( random_bytes( 8 ) ) ),
				'userInfo' => UserInfo::newAnonymous(),
				'persisted' => true,
				'forceUse' => true,
				'metadata' => [ 'oauthError' => 'mwoauth-invalid-authorization' ],
			] );
		}
		return new SessionInfo( SessionInfo::MAX_PRIORITY, [
			'provider' => $this,
			// Stable per approval and token, so CSRF tokens kept in the session work across requests.
			'id' => $this->hashToSessionId( 'oauth2:' . $claims['aud'] . ':' . $claims['sub'] . ':' . $claims['jti'] ),
			'userInfo' => UserInfo::newFromId( (int)$claims['sub'], true ),
			'persisted' => true,
			'forceUse' => true,
			'metadata' => [ 'oauthGrants' => $claims['scopes'], 'oauthClient' => $claims['aud'] ],
		] );
	}

	public function refreshSessionInfo( SessionInfo $info, WebRequest $request, &$metadata ) {
		return true;
	}

	public function preventSessionsForUser( $username ) {
	}

	public function getAllowedUserRights( SessionBackend $backend ) {
		$meta = $backend->getProviderMetadata();
		if ( isset( $meta['oauthError'] ) ) {
			return [];
		}
		return Util::grantRights( $meta['oauthGrants'] ?? [] );
	}

	public function getVaryHeaders() {
		return [ 'Authorization' => null ];
	}
}
