<?php

namespace MediaWiki\Extension\TestRedirectAuth;

use MediaWiki\Auth\ButtonAuthenticationRequest;

/**
 * The "Log in with TestIdP" button. Submitting `testidp=1` in the first clientlogin
 * request selects the TestRedirectAuth provider; `testidp=deny` / `testidp=hang` select it
 * and make the fake identity provider refuse / never answer; `testidp=sub:NAME` makes it
 * log in the external identity NAME (see $idpMode, $subject).
 */
class TestIdPButtonRequest extends ButtonAuthenticationRequest {
	public const NAME = 'testidp';

	/** @var bool Set by loadFromSubmission() (declared to avoid PHP 8.2 dynamic properties) */
	public $testidp = false;

	/**
	 * @var string What the fake identity provider is to do, from the submitted value:
	 *  `testidp=deny` -> 'deny' (it refuses: error=access_denied), `testidp=hang` -> 'hang'
	 *  (it never redirects back); `testidp=sub:NAME` -> 'sub' (it vouches for the external
	 *  identity NAME, which may or may not be linked to a wiki user); any other value (`1`) -> 'allow'.
	 */
	public $idpMode = 'allow';

	/** @var string|null The external identity for `testidp=sub:NAME` */
	public $subject = null;

	public function __construct() {
		parent::__construct(
			self::NAME,
			wfMessage( 'testredirectauth-button' ),
			wfMessage( 'testredirectauth-button-help' ),
			true
		);
	}

	/**
	 * @param array $data
	 * @return bool
	 */
	public function loadFromSubmission( array $data ) {
		if ( !parent::loadFromSubmission( $data ) ) {
			return false;
		}
		$value = $data[self::NAME] ?? null;
		$this->idpMode = ( $value === 'deny' || $value === 'hang' ) ? $value : 'allow';
		if ( is_string( $value ) && preg_match( '/^sub:(' . TestIdPLinkRequest::SUBJECT_RE . ')$/', $value, $m ) ) {
			$this->idpMode = 'sub';
			$this->subject = $m[1];
		}
		return true;
	}

	/**
	 * @param array $data
	 * @return TestIdPButtonRequest
	 */
	public static function __set_state( $data ) {
		$ret = new static();
		foreach ( $data as $k => $v ) {
			if ( $k !== 'label' && $k !== 'help' && $k !== 'name' ) {
				$ret->$k = $v;
			}
		}
		return $ret;
	}

	/**
	 * Shown as "provider" by authmanagerinfo / clientlogin.
	 * @return array
	 */
	public function describeCredentials() {
		return [
			'provider' => wfMessage( 'testredirectauth-provider' ),
			'account' => new \RawMessage( '' ),
		];
	}
}
