// The sessions of all registered wikis: restore (no network), login results, expiry, re-login,
// logout, account switching. No `vscode` import: the UI hooks come in through `SessionHooks`.

import {
  ApiClient, ApiError, WikiError, loginWithBotPassword, matchSite, neutralise, restoreSession, serializeSession,
  type SiteInfo, type TransportOptions, type WikiUser,
} from '../mediawiki';
import { randomUUID } from 'node:crypto';
import { Storage, sessionKey, type AccountMethod, type AccountRecord, type SiteRecord } from './storage';

export interface SessionHooks {
  /** Transport settings (timeout, User-Agent, proxy) for new clients. */
  transportOptions(): TransportOptions;
  /**
   * Ask the user to log in again into `client` (interactive accounts, or no stored password).
   * Rejects if the user declines.
   */
  interactiveRelogin?(account: AccountRecord, client: ApiClient): Promise<void>;
  log(line: string): void;
}

export interface LoginMeta {
  method: AccountMethod;
  loginName: string;
  domain?: string;
  /** Keep this password for automatic re-login (bot passwords only). */
  rememberPassword?: string;
}

type Listener = (sites: string[]) => void;

export class SessionManager {
  private readonly clients = new Map<string, ApiClient>();
  private accountsCache: AccountRecord[] = [];
  private writeChain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly storage: Storage,
    private readonly hooks: SessionHooks,
  ) {}

  /** Reads the account index from SecretStorage. No network. */
  async load(): Promise<void> {
    this.accountsCache = await this.storage.accounts();
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(sites: string[]): void {
    for (const l of [...this.listeners]) l(sites);
  }

  // ---- sites ---------------------------------------------------------------------------------

  /** The registered wikis. Names are the wikis' own: neutralised (also those stored by older versions). */
  sites(): SiteRecord[] {
    return this.storage.sites().map((s) => ({ ...s, name: neutralise(s.name) }));
  }

  site(apiUrl: string): SiteRecord | undefined {
    return this.sites().find((s) => s.apiUrl === apiUrl);
  }

  /**
   * Finds a registered site from any URL of it: api.php, article URL, server. By parsed origin and
   * path (core `matchSite`): a wiki's own claims about other origins are not trusted.
   */
  findSite(url: string): SiteRecord | undefined {
    return matchSite(this.sites(), url);
  }

  async addSite(info: SiteInfo): Promise<SiteRecord> {
    const record: SiteRecord = {
      apiUrl: info.apiUrl,
      name: info.name,
      articlePath: info.articlePath,
      server: info.server,
      wikiId: info.wikiId,
      generator: info.generator,
      requiresLogin: info.requiresLogin,
      addedAt: new Date().toISOString(),
    };
    const sites = this.sites().filter((s) => s.apiUrl !== record.apiUrl);
    sites.push(record);
    await this.storage.saveSites(sites);
    this.fire([record.apiUrl]);
    return record;
  }

  /** Logs out every account of the site (best effort), forgets them and the site. */
  async removeSite(apiUrl: string): Promise<void> {
    for (const a of this.accounts(apiUrl)) await this.logout(a, { remote: true }).catch(() => undefined);
    await this.storage.saveSites(this.sites().filter((s) => s.apiUrl !== apiUrl));
    this.fire([apiUrl]);
  }

  // ---- accounts ------------------------------------------------------------------------------

  accounts(apiUrl?: string): AccountRecord[] {
    return this.accountsCache.filter((a) => apiUrl === undefined || a.apiUrl === apiUrl);
  }

  currentAccount(apiUrl: string): AccountRecord | undefined {
    const list = this.accounts(apiUrl);
    return list.find((a) => a.current) ?? list[0];
  }

  account(apiUrl: string, userName: string): AccountRecord | undefined {
    return this.accountsCache.find((a) => a.apiUrl === apiUrl && a.userName === userName);
  }

  accountById(id: string): AccountRecord | undefined {
    return this.accountsCache.find((a) => a.id === id);
  }

  /** A fresh client (empty cookie jar) for a login that has not happened yet. */
  newClient(apiUrl: string): ApiClient {
    return new ApiClient({ apiUrl, transport: this.hooks.transportOptions(), onRetry: (r, d, n) => this.hooks.log(`retry ${n} after ${r}, waiting ${Math.round(d)} ms`) });
  }

  /** The client of an account, restored from SecretStorage on first use (no network). */
  async client(account: AccountRecord): Promise<ApiClient | undefined> {
    const key = clientKey(account);
    const cached = this.clients.get(key);
    if (cached) return cached;
    const json = await this.storage.getSession(account);
    if (!json) return undefined;
    try {
      const { client } = restoreSession(json, {
        transport: this.hooks.transportOptions(),
        onRetry: (r, d, n) => this.hooks.log(`retry ${n} after ${r}, waiting ${Math.round(d)} ms`),
      });
      this.wire(client, account);
      // Another caller may have restored it meanwhile.
      const again = this.clients.get(key);
      if (again) return again;
      this.clients.set(key, client);
      return client;
    } catch (e) {
      this.hooks.log(`stored session for ${account.userName} at ${account.apiUrl} is unreadable: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Records a successful login: session (and the password if asked) to SecretStorage. */
  async saveLogin(site: SiteRecord, client: ApiClient, meta: LoginMeta): Promise<AccountRecord> {
    const user = client.user as WikiUser;
    if (!user) throw new Error('saveLogin without a logged-in client');
    return this.mutate(async (accounts) => {
      const old = accounts.find((a) => a.apiUrl === site.apiUrl && a.userName === user.name);
      if (old && old.loginName !== meta.loginName && old.passwordStored) await this.storage.deletePassword(old);
      const record: AccountRecord = {
        id: old?.id ?? randomUUID(),
        apiUrl: site.apiUrl,
        userName: user.name,
        userId: user.id,
        loginName: meta.loginName,
        method: meta.method,
        domain: meta.domain,
        passwordStored: meta.method === 'botpassword' && meta.rememberPassword !== undefined,
        state: 'active',
        current: true,
        loggedInAt: new Date().toISOString(),
      };
      if (record.passwordStored) await this.storage.storePassword(record, meta.rememberPassword as string);
      else if (old?.passwordStored) await this.storage.deletePassword(old);
      await this.storage.storeSession(record, serializeSession(client, { method: meta.method, loginName: meta.loginName, domain: meta.domain }));
      const key = clientKey(record);
      const previous = this.clients.get(key);
      if (previous !== client) {
        this.wire(client, record);
        this.clients.set(key, client);
      }
      const rest = accounts.filter((a) => a !== old).map((a) => (a.apiUrl === site.apiUrl ? { ...a, current: false } : a));
      return { accounts: [...rest, record], result: record };
    }, [site.apiUrl]);
  }

  /** Makes an account the one its site uses. */
  async switchTo(account: AccountRecord): Promise<void> {
    await this.mutate(async (accounts) => ({
      accounts: accounts.map((a) => (a.apiUrl === account.apiUrl ? { ...a, current: a.id === account.id } : a)),
      result: undefined,
    }), [account.apiUrl]);
  }

  /** `action=logout` on the wiki (unless `remote: false`), then forget the session and password. */
  async logout(account: AccountRecord, options: { remote?: boolean } = {}): Promise<void> {
    const client = await this.client(account);
    let remoteError: unknown;
    if (client && options.remote !== false) {
      try {
        client.relogin = undefined;
        await client.logout();
      } catch (e) {
        remoteError = e;
        this.hooks.log(`logout at ${account.apiUrl} failed: ${(e as Error).message}`);
      }
    }
    this.clients.delete(clientKey(account));
    await this.storage.deleteSession(account);
    if (account.passwordStored) await this.storage.deletePassword(account);
    await this.mutate(async (accounts) => {
      const rest = accounts.filter((a) => a.id !== account.id);
      if (account.current) {
        const next = rest.find((a) => a.apiUrl === account.apiUrl);
        if (next) next.current = true;
      }
      return { accounts: rest, result: undefined };
    }, [account.apiUrl]);
    if (remoteError instanceof ApiError && remoteError.code !== 'assertuserfailed') this.hooks.log(`the wiki answered ${remoteError.code} to logout; the local session is deleted anyway`);
  }

  async markExpired(account: AccountRecord): Promise<void> {
    if (this.account(account.apiUrl, account.userName)?.state === 'expired') return;
    await this.mutate(async (accounts) => ({
      accounts: accounts.map((a) => (a.id === account.id ? { ...a, state: 'expired' as const } : a)),
      result: undefined,
    }), [account.apiUrl]);
  }

  /** Another window changed our secrets: re-read, and drop clients whose session changed. */
  async onSecretsChanged(key: string): Promise<void> {
    if (this.storage.consumeOwnWrite(key)) return;
    const before = JSON.stringify(this.accountsCache);
    await this.load();
    if (key.includes(':session:')) {
      for (const [k] of this.clients) {
        const [apiUrl, userName] = k.split('\n');
        if (key === sessionKey({ apiUrl, userName })) this.clients.delete(k);
      }
    }
    for (const [k] of this.clients) {
      if (!this.accountsCache.some((a) => clientKey(a) === k)) this.clients.delete(k);
    }
    if (JSON.stringify(this.accountsCache) !== before || key.includes(':session:')) {
      this.fire([...new Set(this.accountsCache.map((a) => a.apiUrl))]);
    }
  }

  /** Persist the jar after a re-login changed it. */
  async saveRenewal(account: AccountRecord, client: ApiClient): Promise<void> {
    const current = this.account(account.apiUrl, account.userName) ?? account;
    await this.storage.storeSession(current, serializeSession(client, { method: current.method, loginName: current.loginName, domain: current.domain }));
    if (current.state !== 'active') {
      await this.mutate(async (accounts) => ({
        accounts: accounts.map((a) => (a.id === current.id ? { ...a, state: 'active' as const } : a)),
        result: undefined,
      }), [current.apiUrl]);
    }
  }

  private wire(client: ApiClient, account: AccountRecord): void {
    client.relogin = async (c) => {
      try {
        await this.renew(account, c);
      } catch (e) {
        const rec = this.account(account.apiUrl, account.userName);
        if (rec) await this.markExpired(rec);
        throw e instanceof WikiError ? e : new ApiError('assertuserfailed', (e as Error).message);
      }
    };
  }

  /** Logs an expired account in again: with the stored bot password, else by asking the user. */
  private async renew(account: AccountRecord, c: ApiClient): Promise<void> {
    // Re-read the index: another window may have logged this account out meanwhile, and then
    // its calls here must end, not log back in or ask.
    const rec = (await this.storage.accounts()).find((a) => a.apiUrl === account.apiUrl && a.userName === account.userName);
    if (!rec) throw new ApiError('notloggedin', `${account.userName} was logged out of ${account.apiUrl}.`);
    this.hooks.log(`session of ${rec.userName} at ${rec.apiUrl} has expired; logging in again`);
    if (rec.method === 'botpassword' && rec.passwordStored) {
      const password = await this.storage.getPassword(rec);
      if (password) {
        c.transport.jar.removeAllCookiesSync();
        await loginWithBotPassword(c, { username: rec.loginName, password, domain: rec.domain });
        if (c.user?.name !== rec.userName) throw new ApiError('assertnameduserfailed', `Logged in as ${c.user?.name}, not ${rec.userName}.`);
        await this.saveRenewal(rec, c);
        return;
      }
    }
    if (this.hooks.interactiveRelogin) {
      await this.hooks.interactiveRelogin(rec, c);
      await this.saveRenewal(rec, c);
      return;
    }
    throw new ApiError('assertuserfailed', 'The session has expired and no password is stored.');
  }

  /** Serialised read-modify-write of the account index. */
  private mutate<T>(fn: (accounts: AccountRecord[]) => Promise<{ accounts: AccountRecord[]; result: T }>, sites: string[]): Promise<T> {
    const run = this.writeChain.then(async () => {
      const current = await this.storage.accounts();
      const { accounts, result } = await fn(current.map((a) => ({ ...a })));
      await this.storage.saveAccounts(accounts);
      this.accountsCache = accounts;
      this.fire(sites);
      return result;
    });
    this.writeChain = run.catch(() => undefined);
    return run;
  }
}

function clientKey(a: Pick<AccountRecord, 'apiUrl' | 'userName'>): string {
  return `${a.apiUrl}\n${a.userName}`;
}
