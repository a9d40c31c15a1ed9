<?php

namespace MediaWiki\Extension\TestRedirectAuth;

use MediaWiki\Auth\AuthenticationRequest;
use MediaWiki\Auth\AuthManager;

/**
 * An external TestIdP identity that no wiki user is linked to yet. Returned as linkRequest
 * (and createRequest) with PASS(null), which AuthManager turns into RESTART, as SSO
 * extensions do (GoogleLogin, LDAPAuthentication2, ...). Kept in the login session; linked by
 * providerChangeAuthenticationData() once the user logged in another way and confirmed.
 */
class TestIdPLinkRequest extends AuthenticationRequest {
	public const SUBJECT_RE = '[A-Za-z0-9_-]{1,64}';

	/** @var string */
	public $subject;

	/**
	 * @param string $subject
	 */
	public function __construct( $subject ) {
		$this->subject = $subject;
		$this->action = AuthManager::ACTION_LINK;
	}

	public function getFieldInfo() {
		return [];
	}

	public function getUniqueId() {
		return parent::getUniqueId() . ':' . $this->subject;
	}

	/**
	 * Shown as the option label of the "link these accounts" step.
	 * @return array
	 */
	public function describeCredentials() {
		return [
			'provider' => wfMessage( 'testredirectauth-provider' ),
			'account' => new \RawMessage( '$1', [ $this->subject ] ),
		];
	}

	/**
	 * @param array $data
	 * @return TestIdPLinkRequest
	 */
	public static function __set_state( $data ) {
		$ret = new static( $data['subject'] );
		foreach ( $data as $k => $v ) {
			$ret->$k = $v;
		}
		return $ret;
	}
}
