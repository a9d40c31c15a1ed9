<?php
namespace MediaWiki\Extension\TestOAuth;

use ApiMain;
use ApiUsageException;

class Hooks {
	/** As Extension:OAuth: the error is thrown before any module runs, so every action fails alike (HTTP 200). */
	public static function onApiBeforeMain( &$main ) {
		$session = $main->getRequest()->getSession();
		if ( !( $session->getProvider() instanceof SessionProvider ) ) {
			return true;
		}
		$meta = $session->getProviderMetadata();
		if ( isset( $meta['oauthError'] ) ) {
			throw ApiUsageException::newWithMessage( $main instanceof ApiMain ? $main : null,
				[ 'rawmessage', 'The authorization headers in your request are not valid: Invalid access token' ],
				'mwoauth-invalid-authorization' );
		}
		return true;
	}
}
