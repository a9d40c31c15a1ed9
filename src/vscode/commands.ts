// The "MediaWiki: …" commands. Each takes an optional argument object so tasks, tests and other
// extensions can script it; without one it asks. With arguments, failures reject the command
// (after logging); without, they are shown to the user.
import * as vscode from 'vscode';
import { neutralise } from '../mediawiki';
import { errorText, showError } from './errors';
import { ExtensionError } from './extensionError';
import type { Log } from './log';
import { logInAgainArgs, type LogInArgs } from './login';
import type { AddWikiArgs, LoginFlows, UseExistingSessionArgs } from './loginFlow';
import type { SessionManager } from './sessions';
import type { AccountRecord, SiteRecord } from './storage';

export interface AccountArgs {
  site?: string;
  /** User name of the account. */
  account?: string;
}

/** What commands return: never a secret. */
export interface AccountSummary {
  site: string;
  siteName: string;
  user: string;
  userId: number;
  method: AccountRecord['method'];
  /** The domain of an LDAP-style wiki the account logged in with (not a secret). */
  domain?: string;
  state: AccountRecord['state'];
  current: boolean;
  passwordStored: boolean;
}

export function summary(a: AccountRecord, sessions: SessionManager): AccountSummary {
  return {
    site: a.apiUrl,
    siteName: sessions.site(a.apiUrl)?.name ?? a.apiUrl,
    user: a.userName,
    userId: a.userId,
    method: a.method,
    domain: a.domain,
    state: a.state,
    current: a.current,
    passwordStored: a.passwordStored,
  };
}

export function registerCommands(context: vscode.ExtensionContext, sessions: SessionManager, flows: LoginFlows, log: Log): void {
  const run = <A, R>(name: string, title: string, fn: (args: A | undefined) => Promise<R>) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(name, async (args?: A) => {
        const scripted = args !== undefined && args !== null && typeof args === 'object';
        try {
          return await fn(scripted ? args : undefined);
        } catch (e) {
          if (scripted) {
            log.error(`${title}: ${errorText(e)}`);
            throw e;
          }
          await showError(log, title, e);
          return undefined;
        }
      }),
    );

  run<AddWikiArgs, SiteRecord | undefined>('mediawiki.addWiki', vscode.l10n.t('Add Wiki'), (args) => flows.addWiki(args));

  run<LogInArgs, AccountSummary | undefined>('mediawiki.logIn', vscode.l10n.t('Log In'), async (args) => {
    const account = await flows.logIn(args);
    return account && summary(account, sessions);
  });

  run<UseExistingSessionArgs, AccountSummary | undefined>('mediawiki.useExistingSession', vscode.l10n.t('Use Existing Session'), async (args) => {
    const account = await flows.useExistingSession(args);
    if (account && !args) void vscode.window.setStatusBarMessage(vscode.l10n.t('Using the existing session of {0}', account.userName), 5000);
    return account && summary(account, sessions);
  });

  run<AccountArgs, boolean>('mediawiki.logOut', vscode.l10n.t('Log Out'), async (args) => {
    const account = await pickAccount(sessions, args, vscode.l10n.t('Log out of which account?'));
    if (!account) return false;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Logging out…') }, () => sessions.logout(account));
    log.info(`logged out ${account.userName} at ${account.apiUrl}`);
    if (account.method === 'oauth2' || account.method === 'oauth2token') {
      // Extension:OAuth has no revocation endpoint: the grant stays until the user renounces it.
      const grants = `${new URL('index.php', account.apiUrl).toString()}?title=Special:OAuthManageMyGrants`;
      void vscode.window.showInformationMessage(vscode.l10n.t('The OAuth tokens of {0} are forgotten. The wiki still has the grant: revoke it on {1}.', account.userName, grants));
    }
    return true;
  });

  run<AccountArgs, AccountSummary | undefined>('mediawiki.switchAccount', vscode.l10n.t('Switch Account'), async (args) => {
    const site = args?.site ? sessions.findSite(args.site) : await flows.pickSite(undefined, vscode.l10n.t('Switch the account of which wiki?'));
    if (!site) return undefined;
    let account: AccountRecord | undefined;
    if (args?.account) {
      account = sessions.account(site.apiUrl, args.account);
      if (!account) throw new ExtensionError('no-such-account', vscode.l10n.t('No stored account {0} for {1}.', args.account, site.name));
    } else {
      const other = { label: `$(add) ${vscode.l10n.t('Log in with another account…')}`, account: undefined as AccountRecord | undefined };
      const picked = await vscode.window.showQuickPick(
        [...sessions.accounts(site.apiUrl).map((a) => ({ label: a.userName, description: a.current ? vscode.l10n.t('current') : a.state === 'expired' ? vscode.l10n.t('expired') : undefined, account: a as AccountRecord | undefined })), other],
        { title: vscode.l10n.t('Switch Account on {0}', site.name), ignoreFocusOut: true },
      );
      if (!picked) return undefined;
      account = picked.account ?? (await flows.logIn({ site: site.apiUrl }));
      if (!account) return undefined;
    }
    await sessions.switchTo(account);
    const now = sessions.account(account.apiUrl, account.userName);
    return now && summary(now, sessions);
  });

  run<{ site?: string }, boolean>('mediawiki.removeWiki', vscode.l10n.t('Remove Wiki'), async (args) => {
    const site = args?.site ? sessions.findSite(args.site) : await flows.pickSite(undefined, vscode.l10n.t('Remove which wiki?'));
    if (!site) return false;
    if (!args) {
      const remove = vscode.l10n.t('Remove');
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove {0}? Its accounts are logged out and their stored sessions and passwords deleted.', site.name),
        { modal: true },
        remove,
      );
      if (ok !== remove) return false;
    }
    await sessions.removeSite(site.apiUrl);
    log.info(`removed ${site.name}`);
    return true;
  });

  run<{ site?: string; account?: string }, AccountSummary | undefined>('mediawiki.checkSession', vscode.l10n.t('Check Session'), async (args) => {
    const account = await pickAccount(sessions, args, vscode.l10n.t('Check which session?'));
    if (!account) return undefined;
    const client = await sessions.client(account);
    const user = client && (await client.checkSession());
    if (!user) await sessions.markExpired(account);
    const now = sessions.account(account.apiUrl, account.userName) ?? account;
    if (!args) {
      const site = sessions.site(account.apiUrl)?.name ?? account.apiUrl;
      if (user) void vscode.window.showInformationMessage(vscode.l10n.t('{0}: logged in as {1}.', site, neutralise(user.name)));
      else void vscode.window.showWarningMessage(vscode.l10n.t('{0}: the session of {1} has expired. [assertuserfailed]', site, account.userName));
    }
    return summary(now, sessions);
  });

  run<unknown, void>('mediawiki.showLog', vscode.l10n.t('Show Log'), async () => log.show());

  // The status bar's click: the actions that make sense now, each with its command's icon.
  const icon = commandIcons(context);
  run<unknown, void>('mediawiki.statusMenu', 'MediaWiki', async () => {
    type Item = vscode.QuickPickItem & { action?: () => Thenable<unknown> };
    const item = (command: string, label: string, args?: unknown): Item => ({
      label: `${icon(command)} ${label}`,
      action: () => (args === undefined ? vscode.commands.executeCommand(command) : vscode.commands.executeCommand(command, args)),
    });
    const items: Item[] = [];
    for (const a of sessions.accounts()) {
      const site = sessions.site(a.apiUrl)?.name ?? a.apiUrl;
      if (a.state === 'expired') {
        // A warning, not the Log In icon: this is what needs attention.
        const again = vscode.l10n.t('Log in again as {0} on {1}', a.userName, site);
        items.push({ ...item('mediawiki.logIn', again, logInAgainArgs(a)), label: `$(warning) ${again}` });
      }
      items.push(item('mediawiki.logOut', vscode.l10n.t('Log out {0} on {1}', a.userName, site), { site: a.apiUrl, account: a.userName }));
    }
    const hasAccounts = sessions.accounts().length > 0;
    items.push(
      item('mediawiki.logIn', vscode.l10n.t('Log In…')),
      ...(hasAccounts ? [item('mediawiki.switchAccount', vscode.l10n.t('Switch Account…')), item('mediawiki.checkSession', vscode.l10n.t('Check Session'))] : []),
      item('mediawiki.addWiki', vscode.l10n.t('Add Wiki…')),
      item('mediawiki.showLog', vscode.l10n.t('Show Log')),
    );
    const picked = await vscode.window.showQuickPick(items, { title: 'MediaWiki Sessions' });
    await picked?.action?.();
  });
}

/** `$(name)` of a command's icon as package.json declares it: one place for each command's icon. */
function commandIcons(context: vscode.ExtensionContext): (command: string) => string {
  const declared = (context.extension.packageJSON as { contributes?: { commands?: { command: string; icon?: unknown }[] } }).contributes?.commands ?? [];
  const icons = new Map(declared.filter((c) => typeof c.icon === 'string').map((c) => [c.command, c.icon as string]));
  return (command) => icons.get(command) ?? '';
}

async function pickAccount(sessions: SessionManager, args: AccountArgs | undefined, placeHolder: string): Promise<AccountRecord | undefined> {
  if (args?.site) {
    const site = sessions.findSite(args.site);
    if (!site) throw new ExtensionError('no-such-wiki', vscode.l10n.t('{0} is not a registered wiki.', args.site));
    const account = args.account ? sessions.account(site.apiUrl, args.account) : sessions.currentAccount(site.apiUrl);
    if (!account) throw new ExtensionError('notloggedin', vscode.l10n.t('No account is logged in to {0}.', site.name));
    return account;
  }
  const accounts = sessions.accounts();
  if (accounts.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No MediaWiki account is logged in.'));
    return undefined;
  }
  if (accounts.length === 1 && args) return accounts[0];
  const picked = await vscode.window.showQuickPick(
    accounts.map((a) => ({ label: a.userName, description: sessions.site(a.apiUrl)?.name ?? a.apiUrl, detail: a.state === 'expired' ? vscode.l10n.t('session expired') : undefined, account: a })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.account;
}
