<?php
namespace MediaWiki\Extension\TestOAuth;

use MediaWiki\MediaWikiServices;
use MediaWiki\Rest\Handler;
use User;

/** GET rest.php/oauth2/resource/profile with `Authorization: Bearer <JWT>`. */
class ProfileHandler extends Handler {
	public function execute() {
		$rf = $this->getResponseFactory();
		$auth = $this->getRequest()->getHeaderLine( 'Authorization' );
		if ( $auth === '' ) {
			// REL1_39 with guzzlehttp/psr7 2.4.5: "Header value can not be an empty array".
			$r = $rf->createJson( [ 'message' => 'Error: exception of type InvalidArgumentException', 'httpCode' => 500, 'httpReason' => 'Internal Server Error' ] );
			$r->setStatus( 500 );
			return $r;
		}
		$jwt = trim( (string)preg_replace( '/^(?:\s+)?Bearer\s/', '', $auth ) );
		$claims = Util::store()->verifyAccess( $jwt );
		if ( is_string( $claims ) ) {
			return Util::oauthError( $rf, 401, 'access_denied', Util::ACCESS_DENIED, $claims );
		}
		$user = User::newFromId( (int)$claims['sub'] );
		$grants = $claims['scopes'];
		$out = [
			'sub' => (string)$user->getId(),
			'username' => $user->getName(),
			'editcount' => $user->getEditCount(),
			'confirmed_email' => $user->isEmailConfirmed(),
			'blocked' => $user->getBlock() !== null,
			'registered' => $user->getRegistration(),
			'groups' => MediaWikiServices::getInstance()->getUserGroupManager()->getUserEffectiveGroups( $user ),
			'rights' => array_values( array_intersect(
				MediaWikiServices::getInstance()->getPermissionManager()->getUserPermissions( $user ),
				Util::grantRights( $grants ) ) ),
			'grants' => $grants,
		];
		if ( in_array( 'mwoauth-authonlyprivate', $grants, true ) || in_array( 'viewmyprivateinfo', $grants, true ) ) {
			$out['realname'] = $user->getRealName();
			$out['email'] = $user->getEmail();
		}
		return $rf->createJson( $out );
	}

	public function needsWriteAccess() {
		return false;
	}

	/** The OAuth routes answer for themselves (a bad Bearer makes the session rightless). */
	public function needsReadAccess() {
		return false;
	}
}
