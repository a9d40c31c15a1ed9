// One status-bar item: who is logged in where. Expired sessions are shown plainly (warning
// background) and a click logs in again.
import * as vscode from 'vscode';
import { neutralise } from '../mediawiki';
import { logInAgainArgs, methodOf } from './login';
import type { SessionManager } from './sessions';
import type { AccountRecord } from './storage';

const STATUS_ITEM_ID = 'wikisessions.mediawiki-sessions.status';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly sessions: SessionManager) {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'MediaWiki Sessions';
    this.update();
    this.item.show();
  }

  /** What the item shows now (also read by tests). */
  get text(): string {
    return this.item.text;
  }

  get isWarning(): boolean {
    return this.item.backgroundColor !== undefined;
  }

  update(): void {
    const sites = this.sessions.sites();
    const current = sites
      .map((s) => ({ site: s, account: this.sessions.currentAccount(s.apiUrl) }))
      .filter((x): x is { site: typeof x.site; account: AccountRecord } => x.account !== undefined);
    const expired = current.filter((x) => x.account.state === 'expired');
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${vscode.l10n.t('MediaWiki Sessions')}**\n\n`);
    for (const s of sites) {
      const accounts = this.sessions.accounts(s.apiUrl);
      if (accounts.length === 0) tooltip.appendMarkdown(`- ${escape(s.name)}: ${vscode.l10n.t('not logged in')}\n`);
      for (const a of accounts) {
        const state = a.state === 'expired' ? ` — $(warning) ${vscode.l10n.t('session expired')}` : '';
        tooltip.appendMarkdown(`- ${escape(s.name)}: ${a.current ? '**' : ''}${escape(a.userName)}${a.current ? '**' : ''} (${methodOf(a).label()})${state}\n`);
      }
    }
    if (sites.length === 0) tooltip.appendMarkdown(vscode.l10n.t('No wiki registered yet. Click to add one.'));

    if (expired.length > 0) {
      const first = expired[0];
      this.item.text = `$(warning) ${neutralise(first.account.userName)} · ${first.site.name}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.command = { title: vscode.l10n.t('Log In Again'), command: 'mediawiki.logIn', arguments: [logInAgainArgs(first.account)] };
      this.item.accessibilityInformation = { label: vscode.l10n.t('MediaWiki session of {0} on {1} has expired; click to log in again', first.account.userName, first.site.name) };
    } else if (current.length > 0) {
      const latest = [...current].sort((a, b) => b.account.loggedInAt.localeCompare(a.account.loggedInAt))[0];
      const more = current.length > 1 ? ` +${current.length - 1}` : '';
      this.item.text = `$(account) ${neutralise(latest.account.userName)} · ${latest.site.name}${more}`;
      this.item.backgroundColor = undefined;
      this.item.command = 'mediawiki.statusMenu';
      this.item.accessibilityInformation = { label: vscode.l10n.t('Logged in to {0} as {1}', latest.site.name, latest.account.userName) };
    } else {
      this.item.text = `$(sign-in) MediaWiki`;
      this.item.backgroundColor = undefined;
      this.item.command = sites.length === 0 ? 'mediawiki.addWiki' : 'mediawiki.statusMenu';
      this.item.accessibilityInformation = { label: vscode.l10n.t('MediaWiki: not logged in') };
    }
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
