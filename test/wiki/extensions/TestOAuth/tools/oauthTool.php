<?php
/**
 * TEST ONLY. The harness's control of the fake OAuth 2 server (no MediaWiki boot):
 *   php oauthTool.php CONFIG.json create '{"owner":3,"callback":"http://...","grants":[...],...}'
 *   php oauthTool.php CONFIG.json revoke USER_ID CLIENT_ID        (Special:OAuthManageMyGrants "renounce")
 *   php oauthTool.php CONFIG.json tokens CLIENT_ID                 (rows of access/refresh, for assertions)
 */
require_once __DIR__ . '/../src/Store.php';

use MediaWiki\Extension\TestOAuth\Store;

$store = new Store( $argv[1] );
switch ( $argv[2] ?? '' ) {
	case 'create':
		echo json_encode( $store->createConsumer( json_decode( $argv[3], true ) ) ), "\n";
		break;
	case 'revoke':
		$store->revoke( (int)$argv[3], $argv[4] );
		echo "{}\n";
		break;
	case 'tokens':
		echo json_encode( [
			'access' => $store->q( 'SELECT jti, user, revoked, exp FROM access WHERE client_id = ?', [ $argv[3] ] ),
			'refresh' => $store->q( 'SELECT user, revoked, exp FROM refresh WHERE client_id = ?', [ $argv[3] ] ),
		] ), "\n";
		break;
	default:
		fwrite( STDERR, "unknown command\n" );
		exit( 1 );
}
