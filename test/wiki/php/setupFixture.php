<?php
/**
 * Creates the fixture's users in a freshly installed test wiki (one MediaWiki boot instead
 * of one per createAndPromote.php / createBotPassword.php / blockUsers.php call; it does what
 * those scripts do). Reads a JSON spec file, prints {"users": {"Name": userId, ...}} as JSON.
 *
 * php setupFixture.php --conf LocalSettings.php --spec spec.json
 *
 * spec: {
 *   "blockPerformer": "Admin",
 *   "users": [ { "name", "password", "groups": [], "exists": bool,
 *                "botPasswords": [ { "appId", "password", "grants": [] } ],
 *                "totpSecret": "BASE32" | null, "blocked": bool } ]
 * }
 */

use MediaWiki\Auth\AuthManager;
use MediaWiki\MediaWikiServices;

$IP = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
require_once "$IP/maintenance/Maintenance.php";

class MwTestSetupFixture extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addOption( 'spec', 'JSON spec file', true, true );
	}

	public function execute() {
		$spec = json_decode( file_get_contents( $this->getOption( 'spec' ) ), true );
		$services = MediaWikiServices::getInstance();
		$userFactory = $services->getUserFactory();
		$groupManager = $services->getUserGroupManager();
		$passwordFactory = $services->getPasswordFactory();
		$dbw = $this->getDB( DB_PRIMARY );
		$ids = [];

		foreach ( $spec['users'] as $u ) {
			$user = $userFactory->newFromName( $u['name'] );
			if ( !$user ) {
				$this->fatalError( "invalid username {$u['name']}" );
			}
			if ( $user->idForName() === 0 ) {
				$status = $services->getAuthManager()->autoCreateUser(
					$user, AuthManager::AUTOCREATE_SOURCE_MAINT, false
				);
				if ( !$status->isGood() ) {
					$this->fatalError( "create {$u['name']}: " . $status->getMessage( false, false, 'en' )->text() );
				}
			}
			$status = $user->changeAuthenticationData( [
				'username' => $user->getName(),
				'password' => $u['password'],
				'retype' => $u['password'],
			] );
			if ( !$status->isGood() ) {
				$this->fatalError( "password {$u['name']}: " . $status->getMessage( false, false, 'en' )->text() );
			}
			$user->saveSettings();
			if ( !empty( $u['groups'] ) ) {
				$groupManager->addUserToMultipleGroups( $user, $u['groups'] );
			}

			foreach ( $u['botPasswords'] ?? [] as $bpSpec ) {
				$bp = BotPassword::newUnsaved( [
					'username' => $user->getName(),
					'appId' => $bpSpec['appId'],
					'grants' => $bpSpec['grants'],
				] );
				if ( !$bp ) {
					$this->fatalError( "bot password for {$u['name']}" );
				}
				$st = $bp->save( 'insert', $passwordFactory->newFromPlaintext( $bpSpec['password'] ) );
				if ( !$st->isGood() ) {
					$this->fatalError( "bot password for {$u['name']}: " . print_r( $st->getErrors(), true ) );
				}
			}

			if ( !empty( $u['totpSecret'] ) ) {
				// OATHAuth 1.39 schema: oathauth_users(id = central id, module, data JSON)
				$centralId = $services->getCentralIdLookupFactory()->getLookup()->centralIdFromLocalUser( $user );
				$dbw->replace( 'oathauth_users', 'id', [
					'id' => $centralId,
					'module' => 'totp',
					'data' => json_encode( [ 'keys' => [ [ 'secret' => $u['totpSecret'], 'scratch_tokens' => [] ] ] ] ),
				], __METHOD__ );
			}

			if ( !empty( $u['blocked'] ) ) {
				$performer = $userFactory->newFromName( $spec['blockPerformer'] ?? 'Admin' );
				$st = $services->getBlockUserFactory()->newBlockUser(
					$user, $performer, 'infinity', 'Blocked by the test fixture',
					// no autoblock: it would block 127.0.0.1, i.e. every test client
					[ 'isAutoblocking' => false ]
				)->placeBlockUnsafe();
				if ( !$st->isOK() ) {
					$this->fatalError( "block {$u['name']}: " . $st->getMessage( false, false, 'en' )->text() );
				}
			}
			$ids[$user->getName()] = $user->getId();
		}
		$this->output( json_encode( [ 'users' => $ids ] ) . "\n" );
	}
}

$maintClass = MwTestSetupFixture::class;
require_once RUN_MAINTENANCE_IF_MAIN;
