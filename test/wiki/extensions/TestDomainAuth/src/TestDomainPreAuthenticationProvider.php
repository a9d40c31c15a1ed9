<?php

namespace MediaWiki\Extension\TestDomainAuth;

use MediaWiki\Auth\AbstractPreAuthenticationProvider;
use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthManager;
use StatusValue;

/**
 * TEST ONLY. Offers the domain request on login and refuses a login whose domain is missing or
 * is not the user's. Works for action=clientlogin and for action=login with a main-account
 * password (lgdomain); bot passwords do not go through AuthManager and ignore the domain.
 */
class TestDomainPreAuthenticationProvider extends AbstractPreAuthenticationProvider {
	public function getAuthenticationRequests( $action, array $options ) {
		if ( $action !== AuthManager::ACTION_LOGIN ) {
			return [];
		}
		return [ new TestDomainAuthenticationRequest( $this->config->get( 'TestDomainAuthDomains' ) ) ];
	}

	public function testForAuthentication( array $reqs ) {
		$req = AuthenticationRequest::getRequestByClass( $reqs, TestDomainAuthenticationRequest::class );
		if ( !$req || $req->domain === null || $req->domain === '' ) {
			return StatusValue::newFatal( 'testdomainauth-nodomain' );
		}
		$username = AuthenticationRequest::getUsernameFromRequests( $reqs );
		if ( $username === null ) {
			return StatusValue::newGood();
		}
		$domains = $this->config->get( 'TestDomainAuthDomains' );
		$map = $this->config->get( 'TestDomainAuthUserDomains' );
		$name = ucfirst( trim( $username ) );
		$expected = $map[$name] ?? ( $domains[0] ?? '' );
		if ( $req->domain !== $expected ) {
			return StatusValue::newFatal( 'testdomainauth-wrongdomain', $name, $req->domain );
		}
		return StatusValue::newGood();
	}
}
