<?php
/**
 * Prints the number of revisions of a page (0 if it does not exist or the title is invalid).
 * php revisionCount.php --conf LocalSettings.php "Title"
 */

$IP = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
require_once "$IP/maintenance/Maintenance.php";

class MwTestRevisionCount extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addArg( 'title', 'Page title', true );
	}

	public function execute() {
		$title = Title::newFromText( $this->getArg( 0 ) );
		if ( !$title ) {
			$this->output( "0\n" );
			return;
		}
		$dbr = $this->getDB( DB_PRIMARY );
		$pageId = (int)$dbr->selectField( 'page', 'page_id', [
			'page_namespace' => $title->getNamespace(),
			'page_title' => $title->getDBkey(),
		], __METHOD__ );
		$n = $pageId ? (int)$dbr->selectField( 'revision', 'COUNT(*)', [ 'rev_page' => $pageId ], __METHOD__ ) : 0;
		$this->output( "$n\n" );
	}
}

$maintClass = MwTestRevisionCount::class;
require_once RUN_MAINTENANCE_IF_MAIN;
