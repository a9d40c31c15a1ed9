// The login conversations: which wiki, which method, the credentials, then the core does the rest.
// Everything can be scripted through arguments (tasks, tests, sibling extensions); what is not given
// is asked for. Escape anywhere cancels cleanly: nothing is stored and the return listener closes.

import * as vscode from 'vscode';
import {
  ApiClient, InputError, LoginError, checkRedirectTarget, clientLogin, discoverSite, identityProviderError, loginWithBotPassword, parseCookiePaste, toRequests,
  untrustedArticleHost, useExistingSession,
  type FieldValues, type LoginStep,
} from '../mediawiki';
import type { Log } from './log';
import { VsCodePrompter } from './prompter';
import { openRedirectReturn, type RedirectReturn, type UriReturnHandler } from './redirectReceiver';
import type { SessionManager } from './sessions';
import { securitySettings, settings, transportOptions } from './settings';
import type { AccountRecord, SiteRecord } from './storage';

export type LoginMethodChoice = 'botpassword' | 'interactive';

export interface AddWikiArgs {
  url?: string;
}

export interface LogInArgs {
  /** Any URL of a registered wiki (or of a new one, which is then added). */
  site?: string;
  method?: LoginMethodChoice;
  username?: string;
  password?: string;
  /** Keep the bot password in SecretStorage for automatic re-login. */
  rememberPassword?: boolean;
  domain?: string;
  /** Interactive login: answers for fields, by field name (e.g. OATHToken, captchaWord). */
  values?: Record<string, string>;
  /** Interactive login: ask the wiki for a long-lived session. */
  rememberMe?: boolean;
  /** Do not show error notifications; reject instead (for scripted callers). */
  silent?: boolean;
  /**
   * Interactive login: how long to wait for the identity provider's return, in seconds (tests,
   * scripts). Users set mediawiki.redirectTimeoutMinutes instead; this overrides it for one login.
   */
  redirectTimeoutSeconds?: number;
}

export interface UseExistingSessionArgs {
  /** Any URL of the wiki (added if new). */
  site?: string;
  /** The Cookie header of a request to the wiki, or name=value pairs. */
  cookies?: string;
}

export class LoginFlows {
  constructor(
    private readonly sessions: SessionManager,
    private readonly log: Log,
    private readonly uriHandler: UriReturnHandler,
  ) {}

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
          transport: transportOptions((l) => this.log.trace(l)),
          signal: abort.signal,
          confirmOtherHost: (pasted, other) => this.confirmOtherHost(pasted, other),
        });
      },
    );
    const site = await this.sessions.addSite(info);
    this.log.info(`added ${site.name} (${site.apiUrl}, ${site.generator})`);
    const claimed = untrustedArticleHost(site);
    if (claimed) {
      // The wiki says its pages are elsewhere: not believed for matching, and the user is told.
      const host = new URL(site.apiUrl).host;
      this.log.warn(`${site.name} (${host}) says its pages are at ${claimed}; addresses there are not matched to it`);
      void vscode.window.showWarningMessage(this.log.clean(vscode.l10n.t('{0} ({1}) says its pages are at {2}, which is not where its api.php is. Addresses there are not treated as this wiki\'s.', site.name, host, claimed)));
    }
    if (site.requiresLogin) {
      this.log.info(`${site.name} refuses anonymous reads (readapidenied): a login is needed to read it`);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is private: log in to read it. [readapidenied]', site.name));
    }
    return site;
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
      const found = this.sessions.findSite(siteArg);
      return found ?? (await this.addWiki({ url: siteArg }));
    }
    const sites = this.sessions.sites();
    const add = { label: `$(add) ${vscode.l10n.t('Add Wiki…')}`, site: undefined as SiteRecord | undefined, url: undefined as string | undefined };
    // Wikis named in settings but not contacted yet: picking one adds it (discovery) first.
    const configured = settings().sites.filter((u) => !this.sessions.findSite(u)).map((u) => ({
      label: u.replace(/^https?:\/\//, '').replace(/\/.*$/, ''),
      description: u,
      detail: vscode.l10n.t('From settings (mediawiki.sites); not contacted yet'),
      site: undefined as SiteRecord | undefined,
      url: u as string | undefined,
    }));
    const items = [
      ...sites.map((s) => {
        const account = this.sessions.currentAccount(s.apiUrl);
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
    const method = args.method ?? (await this.pickMethod(site));
    if (!method) return undefined;
    const client = this.sessions.newClient(site.apiUrl);
    const result = method === 'botpassword' ? await this.botPassword(site, client, args) : await this.interactive(site, client, args);
    if (!result) return undefined;
    const account = await this.sessions.saveLogin(site, client, result);
    this.log.info(`logged in to ${site.name} as ${account.userName} (${method})`);
    if (!args.silent) void vscode.window.setStatusBarMessage(vscode.l10n.t('Logged in to {0} as {1}', site.name, account.userName), 5000);
    return account;
  }

  private async pickMethod(site: SiteRecord): Promise<LoginMethodChoice | undefined> {
    const preset = settings().defaultLoginMethod;
    if (preset !== 'ask') return preset;
    const picked = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Bot password'), description: 'User@appid', detail: vscode.l10n.t('For scripts and editing. Create one on Special:BotPasswords.'), method: 'botpassword' as const },
        { label: vscode.l10n.t('Interactive'), description: vscode.l10n.t('password, 2FA, captcha, SSO'), detail: vscode.l10n.t('Log in the way the wiki asks: two-factor codes, captchas and external identity providers.'), method: 'interactive' as const },
      ],
      { title: vscode.l10n.t('Log in to {0}', site.name), placeHolder: vscode.l10n.t('How do you want to log in?'), ignoreFocusOut: true },
    );
    return picked?.method;
  }

  /** Bot password: User@appid, the password, and whether to keep it. Returns the login meta. */
  async botPassword(site: SiteRecord, client: ApiClient, args: LogInArgs, fixedName?: string) {
    const username = fixedName ?? args.username ?? (await vscode.window.showInputBox({
      title: vscode.l10n.t('{0} ({1}): bot password login name', site.name, new URL(site.apiUrl).host),
      prompt: vscode.l10n.t('The login name from Special:BotPasswords, as User@appid.'),
      placeHolder: 'Alice@vscode',
      ignoreFocusOut: true,
      validateInput: (v) => {
        if (!v.trim()) return vscode.l10n.t('Enter the login name.');
        if (!v.includes('@')) return { message: vscode.l10n.t('A bot password login name has the form User@appid (see Special:BotPasswords). Without "@" the main account password is used, which wikis are phasing out.'), severity: vscode.InputBoxValidationSeverity.Warning };
        return undefined;
      },
    }));
    if (username === undefined) return undefined;
    if (!username.trim()) throw new InputError('empty-username', vscode.l10n.t('The user name is empty.'));
    const password = args.password ?? (await vscode.window.showInputBox({
      title: vscode.l10n.t('{0} ({1}): password for {2}', site.name, new URL(site.apiUrl).host, username),
      prompt: vscode.l10n.t('The generated bot password (shown once on Special:BotPasswords).'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => {
        if (!v) return vscode.l10n.t('Enter the password.');
        if (v !== v.trim()) return { message: vscode.l10n.t('The password starts or ends with a space. Bot passwords never do: remove it if it was copied by mistake.'), severity: vscode.InputBoxValidationSeverity.Warning };
        return undefined;
      },
    }));
    if (password === undefined) return undefined;
    this.log.addSecret(password);
    if (args.password !== undefined && password !== password.trim()) {
      throw new InputError('password-spaces', vscode.l10n.t('The password starts or ends with a space. Bot passwords never do; pass it without the spaces.'));
    }
    if (!(await this.confirmTransport(site))) return undefined;
    // LDAP-style wikis want a domain with a main-account login (bot passwords ignore it). It is
    // remembered with the account (not a secret) and offered when the wiki's login form has one.
    let domain = args.domain ?? this.sessions.accounts(site.apiUrl).find((a) => a.loginName === username && a.domain)?.domain;
    if (domain === undefined && !username.includes('@')) {
      const offered = await this.domainChoices(client);
      if (offered) {
        const pick = await vscode.window.showQuickPick(
          Object.entries(offered).map(([value, label]) => ({ label, description: value === label ? undefined : value, value })),
          { title: vscode.l10n.t('{0}: domain', site.name), placeHolder: vscode.l10n.t('The wiki asks for the domain of your account.'), ignoreFocusOut: true },
        );
        if (!pick) return undefined;
        domain = pick.value;
      }
    }
    // Scripted callers that pass the password choose explicitly; the default is not to keep it.
    let remember = args.rememberPassword ?? (args.password !== undefined ? false : undefined);
    if (remember === undefined && fixedName === undefined) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('Don\'t remember the password'), detail: vscode.l10n.t('When the session ends, you will be asked again.'), remember: false },
          { label: vscode.l10n.t('Remember the password'), detail: vscode.l10n.t('Kept in VS Code\'s secret storage (the OS keychain) to log in again automatically.'), remember: true },
        ],
        { title: vscode.l10n.t('{0}: remember password?', site.name), ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      remember = pick.remember;
    }
    // Cancel on the notification, like the wiki lookup: the request in flight is aborted.
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Logging in to {0} as {1}…', site.name, username), cancellable: true },
      async (_p, token) => {
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        try {
          return await loginWithBotPassword(client, { username, password, domain }, abort.signal);
        } catch (e) {
          if (token.isCancellationRequested) throw new LoginError('cancelled', vscode.l10n.t('The login was cancelled.'));
          throw e;
        } finally {
          cancelled.dispose();
        }
      },
    );
    return { method: 'botpassword' as const, loginName: username, domain, rememberPassword: remember ? password : undefined };
  }

  /** The domain options of the wiki's login form (authmanagerinfo), if it has a domain field. */
  private async domainChoices(client: ApiClient): Promise<Record<string, string> | undefined> {
    try {
      const res = await client.get({ action: 'query', meta: 'authmanagerinfo', amirequestsfor: 'login', amimessageformat: 'html' }, { login: true });
      const info = (res.query as { authmanagerinfo?: { requests?: Parameters<typeof toRequests>[0] } } | undefined)?.authmanagerinfo;
      const field = toRequests(info?.requests).flatMap((r) => r.fields).find((f) => f.name === 'domain' && f.options);
      return field?.options && Object.keys(field.options).length > 0 ? field.options : undefined;
    } catch (e) {
      this.log.trace(`no domain list: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** "Use Existing Session…": adopt the session of a browser where the user is logged in. */
  async useExistingSession(args: UseExistingSessionArgs = {}): Promise<AccountRecord | undefined> {
    const site = await this.pickSite(args.site, vscode.l10n.t('Use the browser session of which wiki?'));
    if (!site) return undefined;
    const host = new URL(site.apiUrl).host;
    const pasted = args.cookies ?? (await vscode.window.showInputBox({
      title: vscode.l10n.t('{0} ({1}): use an existing session', site.name, host),
      prompt: vscode.l10n.t('Paste the Cookie header of a request to {0} from a browser tab where you are logged in (developer tools, Network tab), or the cookies as name=value; name=value.', host),
      placeHolder: 'Cookie: …_session=…; …UserName=…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the cookies.')),
    }));
    if (pasted === undefined) return undefined;
    this.log.addSecret(pasted.trim());
    if (!(await this.confirmTransport(site, 'cookies'))) return undefined;
    try {
      for (const c of parseCookiePaste(pasted)) this.log.addSecret(c.value);
    } catch {
      // the core reports the problem below
    }
    const client = this.sessions.newClient(site.apiUrl);
    const user = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the session on {0}…', site.name) },
      () => useExistingSession(client, pasted),
    );
    const account = await this.sessions.saveLogin(site, client, { method: 'cookies', loginName: user.name });
    this.log.info(`using an existing browser session on ${site.name} as ${user.name}`);
    return account;
  }

  /** clientlogin: the wiki drives the steps; REDIRECT goes through the browser and back. */
  async interactive(site: SiteRecord, client: ApiClient, args: LogInArgs, fixedName?: string) {
    if (!(await this.confirmTransport(site))) return undefined;
    const scripted: Record<string, string> = { ...args.values };
    if (args.username ?? fixedName) scripted['username'] = (args.username ?? fixedName) as string;
    if (args.password) scripted['password'] = args.password;
    // An LDAP-style wiki's domain: given, or the one kept with this account by an earlier login.
    const knownDomain = args.domain ?? this.sessions.accounts(site.apiUrl).find((a) => a.userName === scripted['username'] && a.domain)?.domain;
    if (knownDomain) scripted['domain'] = knownDomain;
    // Every answer given up front is a secret to scrub, whatever its length, but the public ones.
    for (const [k, v] of Object.entries(scripted)) if (k !== 'username' && k !== 'domain') this.log.addSecret(v);
    const timeoutSeconds = args.redirectTimeoutSeconds;
    if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) {
      throw new InputError('bad-timeout', vscode.l10n.t('redirectTimeoutSeconds must be a positive number of seconds (got {0}).', String(timeoutSeconds)));
    }
    const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : settings().redirectTimeoutMinutes * 60_000;
    // A fresh return (listener, nonce) for every round of the login: after RESTART the wiki gets a
    // new return URL, and the second REDIRECT can never be answered with the first one's return.
    // The first is open from the start (while the first step is asked), the next ones per round.
    let receiver: RedirectReturn | undefined = await openRedirectReturn(this.uriHandler, timeoutMs);
    let unused = true;
    const nextReturnUrl = async () => {
      if (!unused || !receiver) {
        receiver?.dispose();
        receiver = undefined;
        receiver = await openRedirectReturn(this.uriHandler, timeoutMs);
      }
      unused = false;
      return receiver.returnUrl;
    };
    const host = new URL(site.apiUrl).host;
    try {
      const prompter = new VsCodePrompter({
        siteName: site.name,
        host,
        clean: (t) => this.log.clean(t),
        secret: (v) => this.log.addSecret(v),
        scripted,
        redirect: async (target: string, step: LoginStep) => {
          // The core refuses anything but http(s) already; checked again right before opening.
          checkRedirectTarget(target);
          if (!receiver) throw new Error('No return address is open for this login.');
          this.log.info(`opening the identity provider for ${site.name} in the browser`);
          const cts = new vscode.CancellationTokenSource();
          // Waiting starts before the browser opens, so a quick identity provider cannot be missed.
          const wait = receiver.wait(cts.token);
          wait.catch(() => undefined);
          const opened = await vscode.env.openExternal(vscode.Uri.parse(target, true));
          if (!opened) {
            cts.cancel();
            return undefined;
          }
          const params = await Promise.resolve(vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Waiting for the login in the browser…'), cancellable: true },
            (_p, token) => {
              token.onCancellationRequested(() => cts.cancel());
              return wait;
            },
          )).finally(() => cts.dispose());
          // The return's values are secrets (tickets, codes, assertions): the core masks them in traces,
          // and any that is not a mere flag is scrubbed from the log and notifications too.
          for (const [k, v] of params) if (k !== 'mwsnonce' && v.length >= 6) this.log.addSecret(v);
          const refused = identityProviderError(Object.fromEntries(params));
          if (refused) throw refused;
          // Only the fields the wiki asked for go back (the return URL may carry others).
          const wanted = new Set(step.fields.map((f) => f.name));
          const values: FieldValues = Object.create(null) as FieldValues;
          for (const [k, v] of params) if (wanted.size === 0 || wanted.has(k)) values[k] = v;
          return values;
        },
      });
      // The domain the wiki's form got (asked or scripted) is kept with the account.
      let domain: string | undefined;
      const fill = prompter.fill.bind(prompter);
      prompter.fill = async (step) => {
        const values = await fill(step);
        if (values?.['domain'] !== undefined && step.fields.some((f) => f.name === 'domain')) domain = values['domain'];
        return values;
      };
      prompter.retryAfterFailure = async (e) => {
        if (args.values || args.silent) return false;
        // After RESTART the same external login fails the same way; logging in another way in this
        // session lets a wiki that supports it offer to link the external account.
        const again = e.code === 'RESTART' ? vscode.l10n.t('Log In Another Way') : vscode.l10n.t('Try Again');
        const picked = await vscode.window.showErrorMessage(this.log.clean(`${site.name} (${host}): ${e.message}`), again);
        return picked === again;
      };
      const result = await clientLogin(client, {
        returnUrl: nextReturnUrl,
        prompter,
        rememberMe: args.rememberMe ?? settings().rememberMe,
      });
      this.log.info(`clientlogin PASS for ${result.name} in ${result.requests} requests`);
      return { method: 'clientlogin' as const, loginName: result.name, domain };
    } finally {
      receiver?.dispose();
    }
  }

  /** The login behind each account's "session has expired" notification, while it is shown. */
  private readonly expiryNotices = new Map<string, Promise<void>>();

  /**
   * Re-login for an account whose session expired and could not be renewed silently: a
   * notification asks. The call that needed it (often a sibling extension's) waits at most
   * `mediawiki.requestTimeoutSeconds`, then fails with assertuserfailed; the notification stays, and
   * when the user answers later the login still happens and the next call works. One notification
   * per account, however many calls wait on it.
   */
  async relogin(account: AccountRecord, client: ApiClient): Promise<void> {
    const site = this.sessions.site(account.apiUrl);
    if (!site) throw new LoginError('assertuserfailed', 'The wiki is no longer registered.');
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
        this.log.info(`nobody answered the expiry notification for ${account.userName} at ${site.name} within ${seconds} s; the call fails, the notification stays`);
        throw new LoginError('assertuserfailed', vscode.l10n.t('The session on {0} as {1} has expired and nobody logged in again within {2} seconds. Log in from the notification or the status bar, then try again.', site.name, account.userName, String(seconds)));
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
    if (picked !== go) throw new LoginError('assertuserfailed', vscode.l10n.t('The session has expired and the login was not renewed.'));
    // Logged in some other way meanwhile (Log In, another window): nothing to do.
    const now = this.sessions.account(account.apiUrl, account.userName);
    if (!now) throw new LoginError('assertuserfailed', vscode.l10n.t('The session has expired and the login was not renewed.'));
    if (now.state === 'active' && (await this.sessions.client(now)) !== client) return;
    client.transport.jar.removeAllCookiesSync();
    if (account.method === 'botpassword') await this.botPassword(site, client, { rememberPassword: account.passwordStored, domain: account.domain }, account.loginName);
    else await this.interactive(site, client, { domain: account.domain }, account.userName);
    if (!client.user) throw new LoginError('cancelled', 'The login was cancelled.');
    // The caller that asked may have given up (deadline): store the new session here.
    await this.sessions.saveRenewal(now, client);
  }

  /**
   * Plain http to a host that is not loopback: the password (or pasted cookies) would cross the
   * network unencrypted. The switch is read from user settings only: a workspace cannot silence it.
   */
  private async confirmTransport(site: SiteRecord, what: 'password' | 'cookies' = 'password'): Promise<boolean> {
    const u = new URL(site.apiUrl);
    if (u.protocol !== 'http:' || isLoopback(u.hostname) || !securitySettings().warnOnInsecureHttp) return true;
    const send = vscode.l10n.t('Send Anyway');
    const picked = await vscode.window.showWarningMessage(
      what === 'cookies'
        ? vscode.l10n.t('{0} uses plain http. Your session cookies would be sent to {1} unencrypted.', site.name, u.host)
        : vscode.l10n.t('{0} uses plain http. Your password would be sent to {1} unencrypted.', site.name, u.host),
      { modal: true, detail: vscode.l10n.t('Use the https address of the wiki if it has one.') },
      send,
    );
    return picked === send;
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export { transportOptions };
