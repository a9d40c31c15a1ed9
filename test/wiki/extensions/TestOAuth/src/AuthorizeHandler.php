<?php
namespace MediaWiki\Extension\TestOAuth;

use MediaWiki\Rest\Handler;
use RequestContext;
use SpecialPage;

/**
 * GET rest.php/oauth2/authorize, as Extension:OAuth REL1_39 answers it: login redirect (307),
 * HTML error page with HTTP 200 for errors without a redirect, consent redirect (307), then
 * 302 to the redirect URI with the code (or the Cancel / invalid_scope error, without state).
 */
class AuthorizeHandler extends Handler {
	public function execute() {
		$rf = $this->getResponseFactory();
		$q = $this->getRequest()->getQueryParams();
		$user = RequestContext::getMain()->getUser();
		$selfPath = wfScript( 'rest' ) . '/oauth2/authorize';
		if ( !$user->isRegistered() ) {
			// Nothing is checked before login.
			$restUrl = $selfPath . ( $q ? '?' . wfArrayToCgi( $q ) : '' );
			$login = SpecialPage::getTitleFor( 'Userlogin' )->getFullURL( [
				'returnto' => 'Special:OAuth/rest_redirect',
				'returntoquery' => wfArrayToCgi( [ 'rest_url' => $restUrl ] ),
			] );
			return $rf->createTemporaryRedirect( wfExpandUrl( $login, PROTO_CURRENT ) );
		}
		if ( ( $q['response_type'] ?? '' ) !== 'code' || !isset( $q['client_id'] ) || $q['client_id'] === '' ) {
			return $this->errorPage( Util::INVALID_REQUEST );
		}
		$store = Util::store();
		$c = $store->consumer( (string)$q['client_id'] );
		// The grant type is checked at the token endpoint (an owner-only client reaches the consent page).
		if ( !$c ) {
			return $this->errorPage( Util::INVALID_CLIENT . ' (e.g., unknown client, no client authentication included, or unsupported authentication method)' );
		}
		$redirectUri = isset( $q['redirect_uri'] ) ? (string)$q['redirect_uri'] : null;
		// Exact match (strcmp), no prefix, no "any port".
		if ( $redirectUri !== null && strcmp( $redirectUri, $c['callback'] ) !== 0 ) {
			return $this->errorPage( Util::INVALID_CLIENT . ' (e.g., unknown client, no client authentication included, or unsupported authentication method)' );
		}
		$target = $redirectUri ?? $c['callback'];
		$requested = isset( $q['scope'] ) && trim( $q['scope'] ) !== '' ? preg_split( '/\s+/', trim( $q['scope'] ) ) : null;
		if ( $requested !== null ) {
			$valid = Util::validGrants();
			foreach ( $requested as $g ) {
				if ( !in_array( $g, $valid, true ) ) {
					return $rf->createLegacyTemporaryRedirect( wfAppendQuery( $target, [
						'error' => 'invalid_scope',
						'error_description' => 'The requested scope is invalid, unknown, or malformed',
						'hint' => "Check the `$g` scope",
						'message' => 'The requested scope is invalid, unknown, or malformed',
					] ) );
				}
			}
			// Grants the client was not registered for are dropped silently.
			$grants = array_values( array_intersect( $requested, $c['grants'] ) );
		} else {
			$grants = $c['grants'];
		}
		$challenge = $q['code_challenge'] ?? null;
		$method = $q['code_challenge_method'] ?? null;
		if ( $challenge === null || $challenge === '' ) {
			if ( !$c['confidential'] ) {
				return $this->errorPage( Util::INVALID_REQUEST );
			}
			$challenge = null;
		} else {
			$method = $method ?? 'plain';
			if ( !in_array( $method, [ 'plain', 'S256' ], true ) || !preg_match( '/^[A-Za-z0-9\-._~]{43,128}$/', $challenge ) ) {
				return $this->errorPage( Util::INVALID_REQUEST );
			}
		}
		if ( !empty( $q['approval_cancel'] ) ) {
			$msg = 'User has rejected the request from client application';
			return $rf->createLegacyTemporaryRedirect( wfAppendQuery( $target, [
				'error' => 'unauthorized_client', 'error_description' => $msg, 'message' => $msg,
			] ) );
		}
		$accepted = $store->acceptance( $user->getId(), $c['client_id'] );
		if ( !empty( $q['approval_pass'] ) && $accepted !== null && !array_diff( $grants, $accepted ) ) {
			$code = $store->issueCode( $c['client_id'], $user->getId(), $redirectUri, $challenge, $method, $grants );
			$back = [ 'code' => $code ];
			if ( isset( $q['state'] ) ) {
				$back['state'] = $q['state'];
			}
			return $rf->createLegacyTemporaryRedirect( wfAppendQuery( $target, $back ) );
		}
		// The consent page, every time.
		$rest = $q;
		unset( $rest['approval_pass'], $rest['approval_cancel'] );
		$approve = SpecialPage::getTitleFor( 'OAuth', 'approve' )->getFullURL( [
			'returnto' => $selfPath,
			'returntoquery' => wfArrayToCgi( $rest ),
			'client_id' => $c['client_id'],
			'oauth_version' => '2',
			'scope' => implode( ' ', $grants ),
		] );
		return $rf->createTemporaryRedirect( wfExpandUrl( $approve, PROTO_CURRENT ) );
	}

	/** showErrorPage + ResponseFactory::create(): HTML, HTTP 200. */
	private function errorPage( string $text ) {
		global $wgSitename;
		$r = $this->getResponseFactory()->create();
		$r->setHeader( 'Content-Type', 'text/html; charset=utf-8' );
		$r->getBody()->write( '<!DOCTYPE html><html><head><title>Application Connection Error - ' . htmlspecialchars( $wgSitename ) .
			'</title></head><body><h1>Application Connection Error</h1><p>' . htmlspecialchars( $text ) . '</p></body></html>' );
		return $r;
	}

	public function needsWriteAccess() {
		return false;
	}

	/** The OAuth routes answer for themselves (a bad Bearer makes the session rightless). */
	public function needsReadAccess() {
		return false;
	}
}
