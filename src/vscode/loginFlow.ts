// The login conversations: which wiki, which method, the credentials, then the core does the rest.
// Everything can be scripted through arguments (tasks, tests, sibling extensions); what is not given
// is asked for. Escape anywhere cancels cleanly: nothing is stored and the return listener closes.

import * as vscode from 'vscode';
import { InputError, LoginError, Transport, discoverOAuth2, discoverSite, untrustedArticleHost, type ApiClient } from '../mediawiki';
import { ExtensionError } from './extensionError';
import { existingSession } from './login/existingSession';
import { LOGIN_METHODS, loginMethod, methodOf, type LogInArgs, type LoginContext, type LoginMethod } from './login';
import { settings, transportOptions } from './settings';
import type { AccountRecord, SiteRecord } from './storage';

export type { LogInArgs } from './login';

export interface AddWikiArgs {
  url?: string;
}

export interface UseExistingSessionArgs {
  /** Any URL of the wiki (added if new). */
  site?: string;
  /** The Cookie header of a request to the wiki, or name=value pairs. */
  cookies?: string;
}

export class LoginFlows {
  constructor(private readonly ctx: LoginContext) {}

  async addWiki(args: AddWikiArgs = {}): Promise<SiteRecord | undefined> {
    const url =
      args.url ??
      (await vscode.window.showInputBox({
        title: vscode.l10n.t('Add Wiki'),
        prompt: vscode.l10n.t('Paste any address of the wiki: a page, the main page, or its api.php.'),
        placeHolder: 'https://en.wikipedia.org/wiki/Main_Page',
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter an address.')),
      }));
    if (url === undefined) return undefined;
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Looking for the wiki at {0}…', url.trim()), cancellable: true },
      (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return discoverSite(url, {
          transport: transportOptions((l) => this.ctx.log.trace(l)),
          signal: abort.signal,
          confirmOtherHost: (pasted, other) => this.confirmOtherHost(pasted, other),
        });
      },
    );
    const oauth2 = await this.hasOAuth2(info.apiUrl);
    const site = await this.ctx.sessions.addSite(info, { oauth2 });
    if (oauth2) this.ctx.log.info(`${site.name} offers OAuth 2.0 (Extension:OAuth)`);
    this.ctx.log.info(`added ${site.name} (${site.apiUrl}, ${site.generator})`);
    const claimed = untrustedArticleHost(site);
    if (claimed) {
      // The wiki says its pages are elsewhere: not believed for matching, and the user is told.
      const host = new URL(site.apiUrl).host;
      this.ctx.log.warn(`${site.name} (${host}) says its pages are at ${claimed}; addresses there are not matched to it`);
      void vscode.window.showWarningMessage(this.ctx.log.clean(vscode.l10n.t('{0} ({1}) says its pages are at {2}, which is not where its api.php is. Addresses there are not treated as this wiki\'s.', site.name, host, claimed)));
    }
    if (site.requiresLogin) {
      this.ctx.log.info(`${site.name} refuses anonymous reads (readapidenied): a login is needed to read it`);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is private: log in to read it. [readapidenied]', site.name));
    }
    return site;
  }

  /** Does the wiki run Extension:OAuth with OAuth 2 (one request to its token endpoint)? False if it cannot tell. */
  private async hasOAuth2(apiUrl: string): Promise<boolean> {
    try {
      return (await discoverOAuth2(new Transport(transportOptions((l) => this.ctx.log.trace(l))), apiUrl)) !== undefined;
    } catch (e) {
      this.ctx.log.info(`could not tell whether ${apiUrl} offers OAuth 2: ${(e as Error).message}`);
      return false;
    }
  }

  /** The page pasted points to an api.php on another host: use it only if the user says so. */
  private async confirmOtherHost(pasted: string, other: string): Promise<boolean> {
    const use = vscode.l10n.t('Use {0}', other);
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} points to a wiki on another host, {1}. Register the wiki at {1}?', pasted, other),
      { modal: true, detail: vscode.l10n.t('Logins to the wiki will go to {0}. Only continue if you expect {1} to be served from there.', other, pasted) },
      use,
    );
    return picked === use;
  }

  /** Finds or asks for the site; `Add Wiki…` is the last choice. */
  async pickSite(siteArg?: string, placeHolder?: string): Promise<SiteRecord | undefined> {
    if (siteArg) {
      const found = this.ctx.sessions.findSite(siteArg);
      return found ?? (await this.addWiki({ url: siteArg }));
    }
    const sites = this.ctx.sessions.sites();
    const add = { label: `$(add) ${vscode.l10n.t('Add Wiki…')}`, site: undefined as SiteRecord | undefined, url: undefined as string | undefined };
    // Wikis named in settings but not contacted yet: picking one adds it (discovery) first.
    const configured = settings().sites.filter((u) => !this.ctx.sessions.findSite(u)).map((u) => ({
      label: u.replace(/^https?:\/\//, '').replace(/\/.*$/, ''),
      description: u,
      detail: vscode.l10n.t('From settings (mediawiki.sites); not contacted yet'),
      site: undefined as SiteRecord | undefined,
      url: u as string | undefined,
    }));
    const items = [
      ...sites.map((s) => {
        const account = this.ctx.sessions.currentAccount(s.apiUrl);
        return {
          label: s.name,
          description: new URL(s.apiUrl).host,
          detail: account ? vscode.l10n.t('Logged in as {0}', account.userName) : undefined,
          site: s as SiteRecord | undefined,
          url: undefined as string | undefined,
        };
      }),
      ...configured,
      add,
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('MediaWiki: Log In'), placeHolder: placeHolder ?? vscode.l10n.t('Which wiki?'), ignoreFocusOut: true });
    if (!picked) return undefined;
    return picked.site ?? (await this.addWiki({ url: picked.url }));
  }

  async logIn(args: LogInArgs = {}): Promise<AccountRecord | undefined> {
    const site = await this.pickSite(args.site);
    if (!site) return undefined;
    const method = args.method !== undefined ? loginMethod(args.method) : await this.pickMethod(site);
    if (!method) {
      if (args.method === undefined) return undefined;
      throw new InputError('bad-method', vscode.l10n.t('"{0}" is not a login method. Use one of: {1}.', String(args.method), LOGIN_METHODS.map((m) => m.id).join(', ')));
    }
    const account = await this.run(method, site, args);
    if (account && !args.silent) void vscode.window.setStatusBarMessage(vscode.l10n.t('Logged in to {0} as {1}', site.name, account.userName), 5000);
    return account;
  }

  /** "Use Existing Session…": adopt the session of a browser where the user is logged in. */
  async useExistingSession(args: UseExistingSessionArgs = {}): Promise<AccountRecord | undefined> {
    const site = await this.pickSite(args.site, vscode.l10n.t('Use the browser session of which wiki?'));
    if (!site) return undefined;
    return this.run(existingSession, site, { cookies: args.cookies });
  }

  /** One login with one method into a fresh client; the result is stored. */
  private async run(method: LoginMethod, site: SiteRecord, args: LogInArgs): Promise<AccountRecord | undefined> {
    const client = this.ctx.sessions.newClient(site.apiUrl);
    const result = await method.logIn(this.ctx, site, client, args);
    if (!result) return undefined;
    const account = await this.ctx.sessions.saveLogin(site, client, result);
    this.ctx.log.info(`logged in to ${site.name} as ${account.userName} (${method.id})`);
    return account;
  }

  private async pickMethod(site: SiteRecord): Promise<LoginMethod | undefined> {
    const preset = settings().defaultLoginMethod;
    if (preset !== 'ask') return loginMethod(preset);
    // Sites added by older versions were never asked about OAuth 2: asked now, once.
    if (site.oauth2 === undefined) site = (await this.ctx.sessions.updateSite(site.apiUrl, { oauth2: await this.hasOAuth2(site.apiUrl) })) ?? site;
    const picked = await vscode.window.showQuickPick(
      LOGIN_METHODS.flatMap((method) => (method.picker && (method.availableOn?.(site) ?? true) ? [{ label: method.label(), ...method.picker(), method }] : [])),
      { title: vscode.l10n.t('Log in to {0}', site.name), placeHolder: vscode.l10n.t('How do you want to log in?'), ignoreFocusOut: true },
    );
    return picked?.method;
  }

  /** The login behind each account's "session has expired" notification, while it is shown. */
  private readonly expiryNotices = new Map<string, Promise<void>>();

  /**
   * Re-login for an account whose session expired (SessionManager calls it). Silently where its
   * method can (a kept bot password); else a notification asks. The call that needed it (often a
   * sibling extension's) waits at most `mediawiki.requestTimeoutSeconds`, then fails with
   * assertuserfailed; the notification stays, and when the user answers later the login still
   * happens and the next call works. One notification per account, however many calls wait on it.
   */
  async relogin(account: AccountRecord, client: ApiClient): Promise<void> {
    const method = methodOf(account);
    if (method.canReloginSilently && (await method.reloginSilently?.(this.ctx, account, client))) return;
    const site = this.ctx.sessions.site(account.apiUrl);
    if (!site) throw new ExtensionError('assertuserfailed', vscode.l10n.t('The wiki is no longer registered.'));
    let login = this.expiryNotices.get(account.id);
    if (!login) {
      login = this.askToLogInAgain(site, account, client).finally(() => this.expiryNotices.delete(account.id));
      login.catch(() => undefined); // nobody may be waiting any more when it ends
      this.expiryNotices.set(account.id, login);
    }
    const seconds = settings().requestTimeoutSeconds;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), seconds * 1000);
    });
    try {
      if ((await Promise.race([login, deadline])) === 'timeout') {
        this.ctx.log.info(`nobody answered the expiry notification for ${account.userName} at ${site.name} within ${seconds} s; the call fails, the notification stays`);
        throw new ExtensionError('assertuserfailed', vscode.l10n.t('The session on {0} as {1} has expired and nobody logged in again within {2} seconds. Log in from the notification or the status bar, then try again.', site.name, account.userName, String(seconds)));
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async askToLogInAgain(site: SiteRecord, account: AccountRecord, client: ApiClient): Promise<void> {
    const go = vscode.l10n.t('Log In Again');
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t('Your session on {0} as {1} has expired. [assertuserfailed]', site.name, account.userName),
      go,
    );
    const notRenewed = () => new ExtensionError('assertuserfailed', vscode.l10n.t('The session has expired and the login was not renewed.'));
    if (picked !== go) throw notRenewed();
    // Logged in some other way meanwhile (Log In, another window): nothing to do.
    const now = this.ctx.sessions.account(account.apiUrl, account.userName);
    if (!now) throw notRenewed();
    if (now.state === 'active' && (await this.ctx.sessions.client(now)) !== client) return;
    client.resetSession({ forRelogin: true });
    const via = loginMethod(methodOf(account).renewWith) ?? methodOf(account);
    const result = await via.logIn(this.ctx, site, client, {}, account);
    if (!result || !client.user) throw new LoginError('cancelled', vscode.l10n.t('The login was cancelled.'));
    // The caller that asked may have given up (deadline): store the new session here.
    await this.ctx.sessions.saveRenewal(now, client);
  }
}
