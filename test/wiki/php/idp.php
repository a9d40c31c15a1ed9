<?php
/**
 * Fake identity provider for the TestRedirectAuth extension (test only).
 *
 * GET /idp.php?client_id=mediawiki&state=STATE&redirect_uri=URL[&deny=1|&hang=1|&sub=NAME]
 *   -> 302 to URL?code=CODE&state=STATE          (CODE = first 32 hex of HMAC-SHA256(STATE, secret))
 *   -> 302 to URL?code=NAME.MAC&state=STATE      (when sub=NAME: the external identity NAME,
 *                                                 MAC = first 32 hex of HMAC-SHA256("STATE|NAME", secret))
 *   -> 302 to URL?error=access_denied&state=STATE (when deny=1)
 *   -> 200 with a page and no redirect            (when hang=1: a login the user never finishes)
 * Anything malformed -> 400.
 */

$secret = (string)getenv( 'MWTEST_IDP_SECRET' );
$redirectUri = $_GET['redirect_uri'] ?? '';
$state = $_GET['state'] ?? '';
$sub = $_GET['sub'] ?? null;

if ( !is_string( $redirectUri ) || !preg_match( '#^https?://#i', $redirectUri )
	|| !is_string( $state ) || $state === '' || $secret === ''
	|| ( $sub !== null && ( !is_string( $sub ) || !preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $sub ) ) )
) {
	http_response_code( 400 );
	header( 'Content-Type: text/plain' );
	echo "idp: bad request (need state and an http(s) redirect_uri)\n";
	return;
}

if ( !empty( $_GET['hang'] ) ) {
	header( 'Content-Type: text/html; charset=utf-8' );
	header( 'Cache-Control: no-store' );
	echo "<!doctype html><title>TestIdP</title><h1>TestIdP</h1><p>Waiting for you to sign in (this test page never sends you back).</p>\n";
	return;
}

if ( !empty( $_GET['deny'] ) ) {
	$query = [ 'error' => 'access_denied', 'state' => $state ];
} elseif ( $sub !== null ) {
	$query = [ 'code' => $sub . '.' . substr( hash_hmac( 'sha256', "$state|$sub", $secret ), 0, 32 ), 'state' => $state ];
} else {
	$query = [ 'code' => substr( hash_hmac( 'sha256', $state, $secret ), 0, 32 ), 'state' => $state ];
}
$sep = strpos( $redirectUri, '?' ) === false ? '?' : '&';
$location = $redirectUri . $sep . http_build_query( $query );
header( 'Location: ' . $location, true, 302 );
header( 'Content-Type: text/plain' );
echo "Redirecting to $location\n";
