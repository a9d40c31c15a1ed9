// The sessions of all registered wikis: restore (no network), login results, expiry, re-login,
// logout, account switching. No `vscode` import: the UI hooks come in through `SessionHooks`.

import * as l10n from '@vscode/l10n';
import {
  ApiClient, ApiError, WikiError, matchSite, neutralise, parseSession, restoreSession, serializeSession,
  type SiteInfo, type TransportOptions,
} from '../mediawiki';
import { randomUUID } from 'node:crypto';
import { ExtensionError } from './extensionError';
import { Storage, sessionKey, type AccountMethod, type AccountRecord, type SiteRecord } from './storage';

export interface SessionHooks {
  /** Transport settings (timeout, User-Agent, proxy) for new clients. */
  transportOptions(): TransportOptions;
  log(line: string): void;
}

/**
 * Logs an account whose session has expired in again, into `client` (silently where its method
 * can, else by asking). Rejects if that does not happen.
 */
export type ReloginHandler = (account: AccountRecord, client: ApiClient) => Promise<void>;

export interface LoginMeta {
  method: AccountMethod;
  loginName: string;
  domain?: string;
  /** Keep this password for automatic re-login (bot passwords only). */
  rememberPassword?: string;
}

type Listener = (sites: string[]) => void;

export class SessionManager {
  /** The clients of accounts, by account id. */
  private readonly clients = new Map<string, ApiClient>();
  private reloginHandler: ReloginHandler | undefined;
  private accountsCache: AccountRecord[] = [];
  private writeChain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly storage: Storage,
    private readonly hooks: SessionHooks,
  ) {}

  /**
   * Who logs expired accounts in again (the login methods, which are built on this manager: they
   * register here once both exist).
   */
  handleRelogin(handler: ReloginHandler): void {
    this.reloginHandler = handler;
  }

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

  async addSite(info: SiteInfo, extra: Pick<SiteRecord, 'oauth2'> = {}): Promise<SiteRecord> {
    const old = this.site(info.apiUrl);
    const record: SiteRecord = {
      ...(old?.oauthClientId ? { oauthClientId: old.oauthClientId } : {}),
      ...extra,
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

  /** Changes what is kept about a site (OAuth 2 availability, its client id). */
  async updateSite(apiUrl: string, patch: Pick<SiteRecord, 'oauth2' | 'oauthClientId'>): Promise<SiteRecord | undefined> {
    const sites = this.storage.sites();
    const i = sites.findIndex((s) => s.apiUrl === apiUrl);
    if (i < 0) return undefined;
    sites[i] = { ...sites[i], ...patch };
    await this.storage.saveSites(sites);
    this.fire([apiUrl]);
    return this.site(apiUrl);
  }

  /** Logs out every account of the site (best effort), forgets them and the site. */
  async removeSite(apiUrl: string): Promise<void> {
    for (const a of this.accounts(apiUrl)) await this.logout(a, { remote: true }).catch(() => undefined);
    const clientId = this.site(apiUrl)?.oauthClientId;
    if (clientId) await this.storage.deleteClientSecret(apiUrl, clientId);
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
    const cached = this.clients.get(account.id);
    if (cached) return cached;
    const json = await this.storage.getSession(account);
    if (!json) return undefined;
    try {
      // An OAuth 2 session: its client secret (kept apart, per wiki and client) enables refresh.
      const oauth = parseSession(json).oauth;
      const oauthClientSecret = oauth && !oauth.ownerOnly ? await this.storage.getClientSecret(account.apiUrl, oauth.clientId) : undefined;
      const { client } = restoreSession(json, {
        oauthClientSecret,
        transport: this.hooks.transportOptions(),
        onRetry: (r, d, n) => this.hooks.log(`retry ${n} after ${r}, waiting ${Math.round(d)} ms`),
      });
      this.wire(client, account);
      // Another caller may have restored it meanwhile.
      const again = this.clients.get(account.id);
      if (again) return again;
      this.clients.set(account.id, client);
      return client;
    } catch (e) {
      this.hooks.log(`stored session for ${account.userName} at ${account.apiUrl} is unreadable: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Records a successful login: session (and the password if asked) to SecretStorage. */
  async saveLogin(site: SiteRecord, client: ApiClient, meta: LoginMeta): Promise<AccountRecord> {
    const user = client.user;
    if (!user) throw new ExtensionError('notloggedin', l10n.t('The login ended without a logged-in user; nothing was stored.'));
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
        passwordStored: meta.rememberPassword !== undefined,
        state: 'active',
        current: true,
        loggedInAt: new Date().toISOString(),
      };
      if (record.passwordStored) await this.storage.storePassword(record, meta.rememberPassword as string);
      else if (old?.passwordStored) await this.storage.deletePassword(old);
      await this.storage.storeSession(record, serializeSession(client));
      if (this.clients.get(record.id) !== client) {
        this.wire(client, record);
        this.clients.set(record.id, client);
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
    this.clients.delete(account.id);
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
    for (const id of [...this.clients.keys()]) {
      const account = this.accountById(id);
      // Gone from the index, or its session was written by another window: restore it afresh.
      if (!account || key === sessionKey(account)) this.clients.delete(id);
    }
    if (JSON.stringify(this.accountsCache) !== before || key.includes(':session:')) {
      this.fire([...new Set(this.accountsCache.map((a) => a.apiUrl))]);
    }
  }

  /** Persist the jar after a re-login changed it. */
  async saveRenewal(account: AccountRecord, client: ApiClient): Promise<void> {
    const current = this.account(account.apiUrl, account.userName) ?? account;
    await this.storage.storeSession(current, serializeSession(client));
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
        throw e instanceof WikiError ? e : new ExtensionError('assertuserfailed', (e as Error).message);
      }
    };
  }

  /** Logs an expired account in again (its method decides how), then stores the new session. */
  private async renew(account: AccountRecord, c: ApiClient): Promise<void> {
    // Re-read the index: another window may have logged this account out meanwhile, and then
    // its calls here must end, not log back in or ask.
    const rec = (await this.storage.accounts()).find((a) => a.apiUrl === account.apiUrl && a.userName === account.userName);
    if (!rec) throw new ExtensionError('notloggedin', l10n.t('{0} was logged out of {1}.', account.userName, account.apiUrl));
    this.hooks.log(`session of ${rec.userName} at ${rec.apiUrl} has expired; logging in again`);
    if (!this.reloginHandler) throw new ExtensionError('assertuserfailed', l10n.t('The session has expired and cannot be renewed here.'));
    await this.reloginHandler(rec, c);
    await this.saveRenewal(rec, c);
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
