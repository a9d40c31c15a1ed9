// Context keys for `when` clauses in package.json: commands that act on a wiki or an account show
// in the Command Palette only when there is one (like the git extension's scm keys).
import * as vscode from 'vscode';
import type { SessionManager } from './sessions';

/** Any wiki registered: Remove Wiki. */
const HAS_WIKIS = 'mediawiki.hasWikis';
/** Any account stored (logged in or expired): Log Out, Switch Account, Check Session. */
const HAS_ACCOUNTS = 'mediawiki.hasAccounts';

export function updateContextKeys(sessions: SessionManager): void {
  void vscode.commands.executeCommand('setContext', HAS_WIKIS, sessions.sites().length > 0);
  void vscode.commands.executeCommand('setContext', HAS_ACCOUNTS, sessions.accounts().length > 0);
}
