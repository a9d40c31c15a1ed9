<?php

namespace MediaWiki\Extension\TestRedirectAuth;

use MediaWiki\Auth\AuthenticationRequest;

/**
 * What the client sends with logincontinue=1 after the identity provider redirected
 * back to its return URL: `state` and either `code` or `error`.
 */
class TestRedirectContinueRequest extends AuthenticationRequest {
	/** @var string|null */
	public $code = null;
	/** @var string|null */
	public $state = null;
	/** @var string|null */
	public $error = null;

	public function getFieldInfo() {
		return [
			'code' => [
				'type' => 'string',
				'label' => wfMessage( 'testredirectauth-code' ),
				'help' => wfMessage( 'testredirectauth-code' ),
				'optional' => true,
			],
			'state' => [
				'type' => 'string',
				'label' => wfMessage( 'testredirectauth-state' ),
				'help' => wfMessage( 'testredirectauth-state' ),
			],
			'error' => [
				'type' => 'string',
				'label' => wfMessage( 'testredirectauth-error' ),
				'help' => wfMessage( 'testredirectauth-error' ),
				'optional' => true,
			],
		];
	}

	/**
	 * The default implementation refuses a request when an optional field is absent;
	 * here `state` is required and `code`/`error` are each optional.
	 * @param array $data
	 * @return bool
	 */
	public function loadFromSubmission( array $data ) {
		if ( !isset( $data['state'] ) || !is_string( $data['state'] ) || $data['state'] === '' ) {
			return false;
		}
		$this->state = $data['state'];
		$this->code = isset( $data['code'] ) && is_string( $data['code'] ) && $data['code'] !== ''
			? $data['code'] : null;
		$this->error = isset( $data['error'] ) && is_string( $data['error'] ) && $data['error'] !== ''
			? $data['error'] : null;
		return true;
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
