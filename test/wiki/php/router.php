<?php
/**
 * Router for `php -S 127.0.0.1:PORT -t DOCROOT router.php` serving one test wiki.
 *
 * Environment (set by test/wiki/index.ts):
 *   MWTEST_CONF        absolute path of the wiki's private LocalSettings.php
 *   MWTEST_LOG         request log file (one JSON line per request, names only, no values)
 *   MWTEST_MW          MediaWiki install dir (default /usr/share/mediawiki)
 *   MWTEST_IDP_SECRET  shared secret of the fake identity provider (idp.php)
 *
 * Routes: /w/api.php, /w/index.php, /w/load.php, /w/rest.php/..., /wiki/Title,
 * /idp.php (fake identity provider for the TestRedirectAuth extension), static files under /w/.
 */

$mwDir = getenv( 'MWTEST_MW' ) ?: '/usr/share/mediawiki';
$conf = getenv( 'MWTEST_CONF' );
$log = getenv( 'MWTEST_LOG' );

$uri = $_SERVER['REQUEST_URI'] ?? '/';
$path = parse_url( $uri, PHP_URL_PATH );
if ( !is_string( $path ) || $path === '' ) {
	$path = '/';
}

// ---- request log (written synchronously, before the request is handled) ----
if ( $log ) {
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
		'path' => $path,
		'paramNames' => $paramNames,
		'cookieNames' => $cookieNames,
		'time' => microtime( true ),
	];
	if ( is_string( $action ) ) {
		$entry['action'] = $action;
	}
	file_put_contents( $log, json_encode( $entry, JSON_UNESCAPED_SLASHES ) . "\n", FILE_APPEND | LOCK_EX );
}

function mwtest_run_entry_point( string $mwDir, string $conf, string $script, ?string $pathInfo = null ) {
	$_SERVER['SCRIPT_NAME'] = "/w/$script";
	$_SERVER['PHP_SELF'] = "/w/$script" . ( $pathInfo ?? '' );
	$_SERVER['SCRIPT_FILENAME'] = "$mwDir/$script";
	if ( $pathInfo !== null ) {
		$_SERVER['PATH_INFO'] = $pathInfo;
	} else {
		unset( $_SERVER['PATH_INFO'] );
	}
	define( 'MW_CONFIG_FILE', $conf );
	chdir( $mwDir );
	require "$mwDir/$script";
}

if ( $path === '/' ) {
	header( 'Location: /wiki/', true, 302 );
	return true;
}

if ( $path === '/idp.php' ) {
	require __DIR__ . '/idp.php';
	return true;
}

if ( preg_match( '#^/w/(api|index|load|opensearch_desc)\.php$#', $path, $m ) ) {
	mwtest_run_entry_point( $mwDir, $conf, $m[1] . '.php' );
	return true;
}

if ( preg_match( '#^/w/rest\.php(/.*)?$#', $path, $m ) ) {
	mwtest_run_entry_point( $mwDir, $conf, 'rest.php', $m[1] ?? '' );
	return true;
}

if ( $path === '/wiki' || strpos( $path, '/wiki/' ) === 0 ) {
	// MediaWiki's PathRouter reads the title from REQUEST_URI using $wgArticlePath.
	mwtest_run_entry_point( $mwDir, $conf, 'index.php' );
	return true;
}

// ---- static files under /w/ (served here: php -S gave empty bodies for symlinked files) ----
if ( strpos( $path, '/w/' ) === 0 ) {
	$rel = rawurldecode( substr( $path, 3 ) );
	$file = realpath( "$mwDir/$rel" );
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
echo "Not found: $path\n";
return true;
