<?php
namespace MediaWiki\Extension\TestOAuth;

use MediaWiki\MediaWikiServices;
use MediaWiki\Rest\Response;
use MediaWiki\Rest\ResponseFactory;

/** Shared bits of the handlers. */
class Util {
	/** @var Store|null */
	private static $store;

	public static function store(): Store {
		global $wgTestOAuthConfigFile;
		self::$store = self::$store ?? new Store( $wgTestOAuthConfigFile );
		return self::$store;
	}

	public static function issuer(): string {
		global $wgCanonicalServer;
		return $wgCanonicalServer;
	}

	/** league's OAuthServerException JSON: error, error_description, hint (sometimes), message. */
	public static function oauthError( ResponseFactory $rf, int $status, string $error, string $description, ?string $hint = null ): Response {
		$body = [ 'error' => $error, 'error_description' => $description ];
		if ( $hint !== null ) {
			$body['hint'] = $hint;
		}
		$body['message'] = $description;
		$r = $rf->createJson( $body );
		$r->setStatus( $status );
		return $r;
	}

	const INVALID_CLIENT = 'Client authentication failed';
	const INVALID_REQUEST = 'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';
	const INVALID_GRANT = 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
	const INVALID_REFRESH = 'The refresh token is invalid.';
	const ACCESS_DENIED = 'The resource owner or authorization server denied the request.';

	/** Grant names the wiki knows (plus the two OAuth-only ones). */
	public static function validGrants(): array {
		return array_merge( MediaWikiServices::getInstance()->getGrantsInfo()->getValidGrants(),
			[ 'mwoauth-authonly', 'mwoauth-authonlyprivate' ] );
	}

	public static function grantRights( array $grants ): array {
		return MediaWikiServices::getInstance()->getGrantsInfo()->getGrantRights(
			array_values( array_diff( $grants, [ 'mwoauth-authonly', 'mwoauth-authonlyprivate' ] ) ) );
	}
}
