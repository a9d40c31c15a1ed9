<?php

namespace MediaWiki\Extension\TestRedirectAuth;

use MediaWiki\Auth\AbstractPrimaryAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthenticationResponse;
use MediaWiki\Auth\AuthManager;
use StatusValue;

/**
 * TEST ONLY primary authentication provider.
 *
 * begin: only when the client submits the `testidp` button field; answers REDIRECT to
 *        $wgServer/idp.php?client_id=mediawiki&state=S&redirect_uri=<returnToUrl>
 *        (plus &deny=1 for `testidp=deny`, &hang=1 for `testidp=hang`).
 * continue: `state` must match, `code` must be HMAC-SHA256(state, $wgTestRedirectAuthSecret)[0..32];
 *        `error=...` gives FAIL (testredirectauth-denied). PASS logs in $wgTestRedirectAuthUser.
 */
class TestRedirectPrimaryAuthenticationProvider extends AbstractPrimaryAuthenticationProvider {
	private const STATE_KEY = 'TestRedirectAuth:state';

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
		$secret = (string)$this->config->get( 'TestRedirectAuthSecret' );
		$code = substr( hash_hmac( 'sha256', $expected, $secret ), 0, 32 );
		if ( $secret === '' || !hash_equals( $code, $req->code ) ) {
			return AuthenticationResponse::newFail( wfMessage( 'testredirectauth-badcode' ) );
		}
		$this->manager->removeAuthenticationSessionData( self::STATE_KEY );
		return AuthenticationResponse::newPass( (string)$this->config->get( 'TestRedirectAuthUser' ) );
	}

	public function testUserExists( $username, $flags = 0 ) {
		return false;
	}

	public function providerAllowsAuthenticationDataChange(
		AuthenticationRequest $req, $checkData = true
	) {
		return StatusValue::newGood( 'ignored' );
	}

	public function providerChangeAuthenticationData( AuthenticationRequest $req ) {
	}

	public function accountCreationType() {
		return self::TYPE_NONE;
	}

	public function beginPrimaryAccountCreation( $user, $creator, array $reqs ) {
		return AuthenticationResponse::newAbstain();
	}
}
