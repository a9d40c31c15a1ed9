<?php
/**
 * Direct edits of a test wiki's object cache (CACHE_DB = the `objectcache` table of
 * DATA/wikicache.sqlite), without booting MediaWiki (fast enough for beforeEach()).
 *
 * php cacheTool.php WIKICACHE_SQLITE reset-throttles
 *     Deletes login throttle (throttler:*), ConfirmEdit bad-login counters (captcha:badlogin:*),
 *     rate limiter counters (limiter:*, ratelimit) and OATHAuth used-token markers. Prints the count.
 * php cacheTool.php WIKICACHE_SQLITE invalidate-sessions USERNAME
 *     Deletes every stored session (MWSession:*) whose metadata.userName is USERNAME,
 *     both normal (_session) and bot-password (_BPsession) ones. Prints the count.
 * php cacheTool.php WIKICACHE_SQLITE list
 *     Prints the keys (debugging).
 */

[ , $file, $cmd ] = $argv + [ null, null, null ];
if ( !$file || !$cmd ) {
	fwrite( STDERR, "usage: cacheTool.php WIKICACHE_SQLITE reset-throttles|invalidate-sessions USER|list\n" );
	exit( 2 );
}
$pdo = new PDO( "sqlite:$file", null, null, [ PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 30 ] );
$pdo->exec( 'CREATE TABLE IF NOT EXISTS objectcache (keyname BLOB NOT NULL default \'\' PRIMARY KEY, value BLOB, exptime TEXT NOT NULL, modtoken TEXT NOT NULL DEFAULT \'00000000000000000000000000000000\', flags INTEGER)' );

function decodeValue( $raw ) {
	if ( $raw === null ) {
		return null;
	}
	$inflated = @gzinflate( $raw );
	$s = $inflated !== false ? $inflated : $raw;
	$v = @unserialize( $s, [ 'allowed_classes' => false ] );
	return $v === false ? null : $v;
}

switch ( $cmd ) {
	case 'reset-throttles':
		$n = $pdo->exec( "DELETE FROM objectcache WHERE keyname LIKE '%:throttler:%'"
			. " OR keyname LIKE '%:captcha:badlogin:%'"
			. " OR keyname LIKE '%limiter%'"
			. " OR keyname LIKE '%:ratelimit:%'"
			. " OR keyname LIKE '%:oathauth-totp:usedtokens:%'" );
		echo json_encode( [ 'deleted' => $n ] ), "\n";
		break;

	case 'invalidate-sessions':
		$user = $argv[3] ?? '';
		$pdo->beginTransaction();
		$del = $pdo->prepare( 'DELETE FROM objectcache WHERE keyname = ?' );
		$n = 0;
		foreach ( $pdo->query( "SELECT keyname, value FROM objectcache WHERE keyname LIKE '%:MWSession:%'" ) as $row ) {
			$v = decodeValue( $row['value'] );
			if ( is_array( $v ) && ( $v['metadata']['userName'] ?? null ) === $user ) {
				$del->execute( [ $row['keyname'] ] );
				$n++;
			}
		}
		$pdo->commit();
		echo json_encode( [ 'deleted' => $n ] ), "\n";
		break;

	case 'list':
		foreach ( $pdo->query( 'SELECT keyname, exptime FROM objectcache ORDER BY keyname' ) as $row ) {
			echo $row['keyname'], "\t", $row['exptime'], "\n";
		}
		break;

	default:
		fwrite( STDERR, "unknown command $cmd\n" );
		exit( 2 );
}
