<?php

namespace MediaWiki\Extension\TestDomainAuth;

use MediaWiki\Auth\AuthenticationRequest;
use RawMessage;

/** A required `domain` select field, as LDAP-style providers add to the login form. */
class TestDomainAuthenticationRequest extends AuthenticationRequest {
	/** @var string|null */
	public $domain = null;

	/** @var string[] */
	public $domainList = [];

	/** @param string[] $domainList */
	public function __construct( array $domainList = [] ) {
		$this->domainList = $domainList;
		$this->required = self::REQUIRED;
	}

	public function getFieldInfo() {
		$options = [];
		foreach ( $this->domainList as $d ) {
			$options[$d] = new RawMessage( '$1', [ $d ] );
		}
		return [
			'domain' => [
				'type' => 'select',
				'options' => $options,
				'value' => $this->domainList[0] ?? null,
				'label' => wfMessage( 'testdomainauth-domain' ),
				'help' => wfMessage( 'testdomainauth-domain-help' ),
			],
		];
	}

	public function describeCredentials() {
		return [
			'provider' => wfMessage( 'testdomainauth-provider' ),
			'account' => new RawMessage( '$1', [ (string)$this->domain ] ),
		];
	}

	/**
	 * @param array $data
	 * @return TestDomainAuthenticationRequest
	 */
	public static function __set_state( $data ) {
		$ret = new static( $data['domainList'] ?? [] );
		foreach ( $data as $k => $v ) {
			$ret->$k = $v;
		}
		return $ret;
	}
}
