<?php
namespace MediaWiki\Extension\TestOAuth;

use Html;
use SpecialPage;

/**
 * Special:OAuth/approve (the consent page: Allow / Cancel) and Special:OAuth/rest_redirect (back to
 * the authorize URL after login), with the fields Extension:OAuth REL1_39 uses.
 */
class SpecialOAuth extends SpecialPage {
	public function __construct() {
		parent::__construct( 'OAuth' );
	}

	public function execute( $par ) {
		$req = $this->getRequest();
		$out = $this->getOutput();
		$rest = wfScript( 'rest' ) . '/';
		if ( $par === 'rest_redirect' ) {
			$url = (string)$req->getVal( 'rest_url', '' );
			if ( strpos( $url, $rest ) !== 0 ) {
				$out->showErrorPage( 'error', 'badtitletext' );
				return;
			}
			$out->redirect( wfExpandUrl( $url, PROTO_CURRENT ) );
			return;
		}
		if ( $par !== 'approve' ) {
			$out->showErrorPage( 'error', 'badtitletext' );
			return;
		}
		$this->requireLogin();
		$user = $this->getUser();
		$clientId = (string)$req->getVal( 'client_id', '' );
		$returnTo = (string)$req->getVal( 'returnto', '' );
		$returnQuery = (string)$req->getVal( 'returntoquery', '' );
		$scope = (string)$req->getVal( 'scope', '' );
		$c = Util::store()->consumer( $clientId );
		if ( !$c || strpos( $returnTo, $rest ) !== 0 ) {
			$out->showErrorPage( 'error', 'badtitletext' );
			return;
		}
		if ( $req->wasPosted() && $req->getVal( 'wpaction' ) === 'accept' ) {
			if ( !$user->matchEditToken( $req->getVal( 'wpEditToken' ) ) ) {
				$out->showErrorPage( 'error', 'sessionfailure' );
				return;
			}
			$back = wfExpandUrl( $returnTo, PROTO_CURRENT ) . '?' . $returnQuery;
			if ( $req->getCheck( 'cancel' ) ) {
				$out->redirect( $back . '&approval_cancel=1' );
				return;
			}
			if ( $req->getCheck( 'accept' ) ) {
				$grants = $scope === '' ? [] : preg_split( '/\s+/', $scope );
				Util::store()->accept( $user->getId(), $clientId, array_values( array_intersect( $grants, $c['grants'] ) ) );
				$out->redirect( $back . '&approval_pass=1' );
				return;
			}
		}
		$before = Util::store()->acceptance( $user->getId(), $clientId ) !== null;
		$out->setPageTitle( 'Allow ' . $c['name'] . ' to access your account?' );
		$fields = [
			'wpEditToken' => $user->getEditToken(), 'wpaction' => 'accept', 'wpconfirmUpdate' => $before ? '1' : '0',
			'oauth_version' => '2', 'client_id' => $clientId, 'scope' => $scope, 'returnto' => $returnTo, 'returntoquery' => $returnQuery,
		];
		$html = Html::element( 'p', [], 'Hi ' . $user->getName() . ', ' . $c['name'] . ' would like to: ' . $scope );
		foreach ( $fields as $k => $v ) {
			$html .= Html::hidden( $k, $v );
		}
		$html .= Html::submitButton( 'Allow', [ 'name' => 'accept' ] ) . ' ' . Html::submitButton( 'Cancel', [ 'name' => 'cancel' ] );
		$out->addHTML( Html::rawElement( 'form', [ 'method' => 'post', 'id' => 'mw-mwoauth-authorize-form',
			'action' => $this->getPageTitle( 'approve' )->getLocalURL() ], $html ) );
	}
}
