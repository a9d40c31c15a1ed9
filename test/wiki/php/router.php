<?php
/**
 * Router for `php -S 127.0.0.1:PORT -t DOCROOT router.php` serving one test wiki.
 *
 * Environment (set by test/wiki/index.ts):
 *   MWTEST_CONF        absolute path of the wiki's private LocalSettings.php
 *   MWTEST_LOG         request log file (one JSON line per request, names only, no values)
 *   MWTEST_MW          MediaWiki install dir (default /usr/share/mediawiki)
 *   MWTEST_IDP_SECRET  shared secret of the fake identity provider (idp.php)
 *   MWTEST_HOLD        while this file exists, action=login requests wait (up to 60 s) before
 *                      MediaWiki handles them: a slow wiki, for cancelling a login in flight
 *
 * Routes: /w/api.php, /w/index.php, /w/load.php, /w/rest.php/..., /wiki/Title,
 * /idp.php (fake identity provider for the TestRedirectAuth extension), static files under /w/.
 */

$mwtestMwDir = getenv( 'MWTEST_MW' ) ?: '/usr/share/mediawiki';
$mwtestConf = getenv( 'MWTEST_CONF' );
$mwtestLog = getenv( 'MWTEST_LOG' );

$mwtestUri = $_SERVER['REQUEST_URI'] ?? '/';
$mwtestPath = parse_url( $mwtestUri, PHP_URL_PATH );
if ( !is_string( $mwtestPath ) || $mwtestPath === '' ) {
	$mwtestPath = '/';
}

// ---- request log (written synchronously, before the request is handled) ----
if ( $mwtestLog ) {
	$cookieNames = [];
	foreach ( explode( ';', $_SERVER['HTTP_COOKIE'] ?? '' ) as $pair ) {
		$pair = trim( $pair );
		if ( $pair === '' ) {
			continue;
		}
		$eq = strpos( $pair, '=' );
		$cookieNames[] = $eq === false ? $pair : substr( $pair, 0, $eq );
	}
	$paramNames = array_values( array_unique( array_map( 'strval', array_merge(
		array_keys( $_GET ), array_keys( $_POST ), array_keys( $_FILES )
	) ) ) );
	$action = $_POST['action'] ?? $_GET['action'] ?? null;
	$entry = [
		'method' => $_SERVER['REQUEST_METHOD'] ?? 'GET',
		'path' => $mwtestPath,
		'paramNames' => $paramNames,
		'cookieNames' => $cookieNames,
		'time' => microtime( true ),
	];
	if ( is_string( $action ) ) {
		$entry['action'] = $action;
	}
	file_put_contents( $mwtestLog, json_encode( $entry, JSON_UNESCAPED_SLASHES ) . "\n", FILE_APPEND | LOCK_EX );
}

/**
 * Prepare $_SERVER for a MediaWiki entry point. The caller must `require` the returned file
 * at the top level of this router: entry points and LocalSettings.php assume file (global)
 * scope, inside a function every `$wgFoo = ...` would silently be a local variable.
 */
function mwtest_entry_point( string $mwtestMwDir, string $mwtestConf, string $script, ?string $pathInfo = null ): string {
	$_SERVER['SCRIPT_NAME'] = "/w/$script";
	$_SERVER['PHP_SELF'] = "/w/$script" . ( $pathInfo ?? '' );
	$_SERVER['SCRIPT_FILENAME'] = "$mwtestMwDir/$script";
	if ( $pathInfo !== null ) {
		$_SERVER['PATH_INFO'] = $pathInfo;
	} else {
		unset( $_SERVER['PATH_INFO'] );
	}
	define( 'MW_CONFIG_FILE', $mwtestConf );
	chdir( $mwtestMwDir );
	return "$mwtestMwDir/$script";
}

if ( $mwtestPath === '/' ) {
	header( 'Location: /wiki/', true, 302 );
	return true;
}

if ( $mwtestPath === '/idp.php' ) {
	require __DIR__ . '/idp.php';
	return true;
}

// ---- a slow wiki on demand (StartedWiki.holdLogins): logged above, answered once released ----
$mwtestHold = getenv( 'MWTEST_HOLD' );
if ( $mwtestHold && ( $_POST['action'] ?? $_GET['action'] ?? null ) === 'login' ) {
	for ( $i = 0; $i < 600 && file_exists( $mwtestHold ); $i++ ) {
		usleep( 100000 );
	}
}
unset( $mwtestHold, $i );

$mwtestEntry = null;
if ( preg_match( '#^/w/(api|index|load|opensearch_desc)\.php$#', $mwtestPath, $m ) ) {
	$mwtestEntry = mwtest_entry_point( $mwtestMwDir, $mwtestConf, $m[1] . '.php' );
} elseif ( preg_match( '#^/w/rest\.php(/.*)?$#', $mwtestPath, $m ) ) {
	$mwtestEntry = mwtest_entry_point( $mwtestMwDir, $mwtestConf, 'rest.php', $m[1] ?? '' );
} elseif ( $mwtestPath === '/wiki' || strpos( $mwtestPath, '/wiki/' ) === 0 ) {
	// MediaWiki's PathRouter reads the title from REQUEST_URI using $wgArticlePath.
	$mwtestEntry = mwtest_entry_point( $mwtestMwDir, $mwtestConf, 'index.php' );
}
if ( $mwtestEntry !== null ) {
	// Global scope on purpose (see mwtest_entry_point).
	unset( $m, $pair, $eq, $cookieNames, $paramNames, $action, $entry, $mwtestUri );
	require $mwtestEntry;
	return true;
}

// ---- static files under /w/ (served here: php -S gave empty bodies for symlinked files) ----
if ( strpos( $mwtestPath, '/w/' ) === 0 ) {
	$rel = rawurldecode( substr( $mwtestPath, 3 ) );
	$file = realpath( "$mwtestMwDir/$rel" );
	$allowed = preg_match( '#^(resources|skins|extensions|images)/#', $rel )
		&& !preg_match( '/\.(php|json|sql)$/i', $rel );
	if ( $allowed && $file !== false && is_file( $file ) ) {
		$types = [
			'css' => 'text/css', 'js' => 'text/javascript', 'png' => 'image/png', 'gif' => 'image/gif',
			'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'svg' => 'image/svg+xml', 'ico' => 'image/x-icon',
			'woff' => 'font/woff', 'woff2' => 'font/woff2', 'ttf' => 'font/ttf', 'txt' => 'text/plain',
			'html' => 'text/html',
		];
		$ext = strtolower( pathinfo( $file, PATHINFO_EXTENSION ) );
		header( 'Content-Type: ' . ( $types[$ext] ?? 'application/octet-stream' ) );
		header( 'Content-Length: ' . filesize( $file ) );
		readfile( $file );
		return true;
	}
}

http_response_code( 404 );
header( 'Content-Type: text/plain' );
echo "Not found: $mwtestPath\n";
return true;
