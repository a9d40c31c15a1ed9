<?php

namespace MediaWiki\Extension\TestRedirectAuth;

use MediaWiki\Auth\AbstractPrimaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\AuthManager;
use MediaWiki\MediaWikiServices;
use StatusValue;

/**
 * TEST ONLY primary authentication provider.
 *
 * begin: only when the client submits the `testidp` button field; answers REDIRECT to
 *        $wgServer/idp.php?client_id=mediawiki&state=S&redirect_uri=<returnToUrl>
 *        (plus &deny=1 for `testidp=deny`, &hang=1 for `testidp=hang`, &sub=NAME for `testidp=sub:NAME`).
 * continue: `state` must match, `code` must be HMAC-SHA256(state, $wgTestRedirectAuthSecret)[0..32];
 *        `error=...` gives FAIL (testredirectauth-denied). PASS logs in $wgTestRedirectAuthUser.
 *        A code `NAME.HMAC(state|NAME)` (from &sub=NAME) is the external identity NAME: PASS as the
 *        wiki user linked to it, else PASS(null) with a link request, i.e. RESTART (see TYPE_LINK).
 * Links live in user_properties (up_property testredirectauth-link:NAME); they are made by AuthManager's
 * ConfirmLinkSecondaryAuthenticationProvider (if configured) after a login with loginpreservestate.
 */
class TestRedirectPrimaryAuthenticationProvider extends AbstractPrimaryAuthenticationProvider {
	private const STATE_KEY = 'TestRedirectAuth:state';
	/** user_properties row per linked identity: up_property LINK_PREFIX . NAME, up_user the wiki user */
	public const LINK_PREFIX = 'testredirectauth-link:';

	public function getAuthenticationRequests( $action, array $options ) {
		if ( $action === AuthManager::ACTION_LOGIN ) {
			return [ new TestIdPButtonRequest() ];
		}
		return [];
	}

	public function beginPrimaryAuthentication( array $reqs ) {
		$button = AuthenticationRequest::getRequestByClass( $reqs, TestIdPButtonRequest::class );
		if ( !$button || !$button->testidp ) {
			return AuthenticationResponse::newAbstain();
		}
		$returnTo = $button->returnToUrl;
		if ( !$returnTo ) {
			return AuthenticationResponse::newFail( wfMessage( 'testredirectauth-noreturnurl' ) );
		}
		$state = bin2hex( random_bytes( 16 ) );
		$this->manager->setAuthenticationSessionData( self::STATE_KEY, $state );

		$idp = $this->config->get( 'TestRedirectAuthIdpUrl' )
			?: rtrim( $this->config->get( 'Server' ), '/' ) . '/idp.php';
		$query = [
			'client_id' => 'mediawiki',
			'state' => $state,
			'redirect_uri' => $returnTo,
		];
		// testidp=deny / testidp=hang: the fake identity provider refuses / never redirects back.
		if ( $button->idpMode === 'deny' ) {
			$query['deny'] = '1';
		} elseif ( $button->idpMode === 'hang' ) {
			$query['hang'] = '1';
		} elseif ( $button->idpMode === 'sub' ) {
			$query['sub'] = $button->subject;
		}
		$target = $idp . '?' . http_build_query( $query );
		return AuthenticationResponse::newRedirect( [ new TestRedirectContinueRequest() ], $target );
	}

	public function continuePrimaryAuthentication( array $reqs ) {
		/** @var TestRedirectContinueRequest|null $req */
		$req = AuthenticationRequest::getRequestByClass( $reqs, TestRedirectContinueRequest::class );
		$expected = $this->manager->getAuthenticationSessionData( self::STATE_KEY );
		if ( !$req || !is_string( $expected ) || !hash_equals( $expected, (string)$req->state ) ) {
			return AuthenticationResponse::newFail( wfMessage( 'testredirectauth-badstate' ) );
		}
		if ( $req->error !== null ) {
			$this->manager->removeAuthenticationSessionData( self::STATE_KEY );
			return AuthenticationResponse::newFail(
				wfMessage( 'testredirectauth-denied' )->plaintextParams( $req->error )
			);
		}
		if ( $req->code === null ) {
			return AuthenticationResponse::newFail( wfMessage( 'testredirectauth-nocode' ) );
		}
		// The code stands for an identity, as a real one does once redeemed at the token endpoint.
		$subject = null;
		$mac = $req->code;
		if ( preg_match( '/^(' . TestIdPLinkRequest::SUBJECT_RE . ')\.([0-9a-f]{32})$/', $req->code, $m ) ) {
			[ , $subject, $mac ] = $m;
		}
		$secret = (string)$this->config->get( 'TestRedirectAuthSecret' );
		$signed = $subject === null ? $expected : "$expected|$subject";
		$code = substr( hash_hmac( 'sha256', $signed, $secret ), 0, 32 );
		if ( $secret === '' || !hash_equals( $code, $mac ) ) {
			return AuthenticationResponse::newFail( wfMessage( 'testredirectauth-badcode' ) );
		}
		$this->manager->removeAuthenticationSessionData( self::STATE_KEY );
		if ( $subject === null ) {
			return AuthenticationResponse::newPass( (string)$this->config->get( 'TestRedirectAuthUser' ) );
		}
		$linked = $this->linkedUser( $subject );
		if ( $linked !== null ) {
			return AuthenticationResponse::newPass( $linked );
		}
		// No local user: what SSO extensions answer. AuthManager makes it RESTART and keeps the
		// linkRequest for ConfirmLink; the createRequest makes the API say canpreservestate.
		$res = AuthenticationResponse::newPass( null );
		$res->linkRequest = new TestIdPLinkRequest( $subject );
		$res->createRequest = $res->linkRequest;
		return $res;
	}

	/**
	 * @param string $subject
	 * @return string|null Name of the wiki user linked to the external identity
	 */
	private function linkedUser( $subject ) {
		$dbr = MediaWikiServices::getInstance()->getDBLoadBalancer()->getConnectionRef( DB_PRIMARY );
		$id = $dbr->selectField( 'user_properties', 'up_user',
			[ 'up_property' => self::LINK_PREFIX . $subject ], __METHOD__ );
		$user = $id ? MediaWikiServices::getInstance()->getUserFactory()->newFromId( (int)$id ) : null;
		return $user && $user->isRegistered() ? $user->getName() : null;
	}

	public function testUserExists( $username, $flags = 0 ) {
		return false;
	}

	public function providerAllowsAuthenticationDataChange(
		AuthenticationRequest $req, $checkData = true
	) {
		return $req instanceof TestIdPLinkRequest ? StatusValue::newGood() : StatusValue::newGood( 'ignored' );
	}

	/**
	 * Called by AuthManager::changeAuthenticationData() when the user confirmed the link.
	 * @param AuthenticationRequest $req
	 */
	public function providerChangeAuthenticationData( AuthenticationRequest $req ) {
		if ( !$req instanceof TestIdPLinkRequest || $req->action === AuthManager::ACTION_REMOVE ) {
			return;
		}
		$services = MediaWikiServices::getInstance();
		$user = $services->getUserFactory()->newFromName( (string)$req->username );
		if ( !$user || !$user->isRegistered() ) {
			return;
		}
		$dbw = $services->getDBLoadBalancer()->getConnectionRef( DB_PRIMARY );
		// One identity links to one user: a new link replaces an old one.
		$dbw->delete( 'user_properties', [ 'up_property' => self::LINK_PREFIX . $req->subject ], __METHOD__ );
		$dbw->insert( 'user_properties',
			[ 'up_user' => $user->getId(), 'up_property' => self::LINK_PREFIX . $req->subject, 'up_value' => '1' ],
			__METHOD__ );
	}

	/**
	 * TYPE_LINK: external identities are linked to existing users (what makes AuthManager keep the
	 * linkRequest of a RESTART). Creating accounts from them is not supported.
	 */
	public function accountCreationType() {
		return self::TYPE_LINK;
	}

	public function beginPrimaryAccountLink( $user, array $reqs ) {
		// Linking through Special:LinkAccounts / action=linkaccount is not offered by this fixture.
		return AuthenticationResponse::newAbstain();
	}

	public function beginPrimaryAccountCreation( $user, $creator, array $reqs ) {
		return AuthenticationResponse::newAbstain();
	}
}
