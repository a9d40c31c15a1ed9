// What is stored where. Sites (not secret) live in globalState. Everything about accounts lives in
// SecretStorage: the session cookie jars, any password the user chose to keep, and the account index
// (kept there too so that secrets.onDidChange keeps every window in sync).
//
// This file does not import `vscode`: it takes the two stores as small interfaces.

export interface SecretStore {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
}

export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export interface SiteRecord {
  apiUrl: string;
  name: string;
  articlePath: string;
  server: string;
  wikiId: string;
  generator: string;
  requiresLogin: boolean;
  addedAt: string;
  /** Extension:OAuth's OAuth 2 endpoints answered when the wiki was added (undefined: not asked yet). */
  oauth2?: boolean;
  /** The OAuth 2 client id (client key) registered for this wiki. Not a secret; its secret is in SecretStorage. */
  oauthClientId?: string;
}

/** How an account logs in: the id of its method (login/index.ts). */
export type AccountMethod = 'botpassword' | 'interactive' | 'cookies' | 'oauth2' | 'oauth2token';

/** Names older versions stored for today's methods. */
const OLD_METHOD_NAMES: Readonly<Record<string, AccountMethod>> = { clientlogin: 'interactive' };

export interface AccountRecord {
  /** Opaque handle (also the AuthenticationSession id and accessToken). Not a secret of the wiki. */
  id: string;
  apiUrl: string;
  userName: string;
  userId: number;
  /** What was typed to log in (e.g. `Alice@vscode`); needed for re-login. */
  loginName: string;
  method: AccountMethod;
  domain?: string;
  /** A password is kept in SecretStorage for automatic re-login. */
  passwordStored: boolean;
  state: 'active' | 'expired';
  /** This is the account the site uses now. */
  current: boolean;
  loggedInAt: string;
}

const PREFIX = 'mediawiki-sessions';
const SITES_KEY = `${PREFIX}.sites`;
export const INDEX_KEY = `${PREFIX}:accounts`;

export function sessionKey(a: Pick<AccountRecord, 'apiUrl' | 'userName'>): string {
  return `${PREFIX}:session:${a.apiUrl}#${a.userName}`;
}

export function passwordKey(a: Pick<AccountRecord, 'apiUrl' | 'loginName'>): string {
  return `${PREFIX}:password:${a.apiUrl}#${a.loginName}`;
}

/** The OAuth 2 client secret of a wiki's client: one per wiki and client id, shared by its accounts. */
export function clientSecretKey(apiUrl: string, clientId: string): string {
  return `${PREFIX}:oauth-client-secret:${apiUrl}#${clientId}`;
}

export function isOurKey(key: string): boolean {
  return key.startsWith(`${PREFIX}:`);
}

export class Storage {
  /** Keys this window wrote and whose change event has not come back yet. */
  private readonly ownWrites = new Map<string, number>();
  private readonly secrets: SecretStore;

  constructor(
    secrets: SecretStore,
    private readonly state: StateStore,
  ) {
    const note = (key: string) => this.ownWrites.set(key, (this.ownWrites.get(key) ?? 0) + 1);
    this.secrets = {
      get: (key) => secrets.get(key),
      store: (key, value) => (note(key), secrets.store(key, value)),
      delete: (key) => (note(key), secrets.delete(key)),
    };
  }

  /** True (once) if a change event for this key is the echo of this window's own write. */
  consumeOwnWrite(key: string): boolean {
    const n = this.ownWrites.get(key) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.ownWrites.delete(key);
    else this.ownWrites.set(key, n - 1);
    return true;
  }

  sites(): SiteRecord[] {
    return [...(this.state.get<SiteRecord[]>(SITES_KEY) ?? [])];
  }

  async saveSites(sites: SiteRecord[]): Promise<void> {
    await this.state.update(SITES_KEY, sites);
  }

  async accounts(): Promise<AccountRecord[]> {
    const raw = await this.secrets.get(INDEX_KEY);
    if (!raw) return [];
    try {
      const list = JSON.parse(raw) as AccountRecord[];
      if (!Array.isArray(list)) return [];
      return list.map((a) => (Object.hasOwn(OLD_METHOD_NAMES, a.method) ? { ...a, method: OLD_METHOD_NAMES[a.method] } : a));
    } catch {
      return [];
    }
  }

  async saveAccounts(accounts: AccountRecord[]): Promise<void> {
    await this.secrets.store(INDEX_KEY, JSON.stringify(accounts));
  }

  /**
   * The session (cookie jar) of an account. How it logged in (method, login name, domain) is kept
   * in the account index only; sessions stored by older versions carry a copy, which is not read.
   */
  getSession(a: AccountRecord): Thenable<string | undefined> {
    return this.secrets.get(sessionKey(a));
  }

  storeSession(a: AccountRecord, json: string): Thenable<void> {
    return this.secrets.store(sessionKey(a), json);
  }

  deleteSession(a: AccountRecord): Thenable<void> {
    return this.secrets.delete(sessionKey(a));
  }

  getPassword(a: AccountRecord): Thenable<string | undefined> {
    return this.secrets.get(passwordKey(a));
  }

  storePassword(a: AccountRecord, password: string): Thenable<void> {
    return this.secrets.store(passwordKey(a), password);
  }

  deletePassword(a: AccountRecord): Thenable<void> {
    return this.secrets.delete(passwordKey(a));
  }

  getClientSecret(apiUrl: string, clientId: string): Thenable<string | undefined> {
    return this.secrets.get(clientSecretKey(apiUrl, clientId));
  }

  storeClientSecret(apiUrl: string, clientId: string, secret: string): Thenable<void> {
    return this.secrets.store(clientSecretKey(apiUrl, clientId), secret);
  }

  deleteClientSecret(apiUrl: string, clientId: string): Thenable<void> {
    return this.secrets.delete(clientSecretKey(apiUrl, clientId));
  }
}
