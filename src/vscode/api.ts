// The versioned API for sibling extensions. Types: src/api/mediawiki-sessions.d.ts.
import * as vscode from 'vscode';
import type {
  GetClientOptions, MediaWikiClient, MediaWikiParams, MediaWikiRequestOptions, MediaWikiResponse,
  MediaWikiSessionLike, MediaWikiSessionsApiV1, MediaWikiSessionsChangeEvent, MediaWikiSessionsExtension,
  MediaWikiSite, MediaWikiTokenType, MediaWikiUser,
} from '../api/mediawiki-sessions';
import type { ApiClient } from '../mediawiki';
import { ExtensionError } from './extensionError';
import { looksLikeToken, type AccessTokens } from './accessTokens';
import type { LoginFlows } from './loginFlow';
import type { SessionManager } from './sessions';
import type { AccountRecord } from './storage';

export function createExtensionApi(sessions: SessionManager, flows: LoginFlows, tokens: AccessTokens, changes: vscode.Event<MediaWikiSessionsChangeEvent>): MediaWikiSessionsExtension {
  const v1: MediaWikiSessionsApiV1 = {
    version: 1,
    // Names, URLs and states only: nothing here unlocks anything.
    getSites: () =>
      sessions.sites().map((s): MediaWikiSite => {
        const current = sessions.currentAccount(s.apiUrl);
        return {
          apiUrl: s.apiUrl,
          name: s.name,
          articlePath: s.articlePath,
          account: current ? { name: current.userName, id: current.userId } : undefined,
          accounts: sessions.accounts(s.apiUrl).map((a) => ({ user: { name: a.userName, id: a.userId }, method: a.method, state: a.state })),
        };
      }),
    onDidChangeSessions: changes,
    async getClient(target: string | MediaWikiSessionLike, options: GetClientOptions = {}): Promise<MediaWikiClient | undefined> {
      const token = typeof target === 'string' ? (looksLikeToken(target) ? target : undefined) : target?.accessToken;
      if (token !== undefined) {
        // The key VS Code handed over with the user's consent. A guessed or dead one gets nothing.
        const account = typeof token === 'string' ? liveAccount(sessions, tokens, token) : undefined;
        if (!account) throw notLoggedIn();
        return new SiblingClient(sessions, tokens, token, account);
      }
      if (typeof target !== 'string') throw notLoggedIn();
      let site = sessions.findSite(target);
      if (!site) {
        if (!options.createIfNone) return undefined;
        site = await flows.addWiki({ url: target });
        if (!site) return undefined;
      }
      return new AnonymousClient(sessions.newClient(site.apiUrl));
    },
  };
  return {
    getAPI(version: number) {
      if (version !== 1) throw new ExtensionError('unknown-api-version', vscode.l10n.t('MediaWiki Sessions: API version {0} is not known; this extension offers version 1.', String(version)));
      return v1;
    },
  } as MediaWikiSessionsExtension;
}

/** The account a live token belongs to, if it is still logged in. */
function liveAccount(sessions: SessionManager, tokens: AccessTokens, token: string): AccountRecord | undefined {
  const id = tokens.accountId(token);
  return id === undefined ? undefined : sessions.accountById(id);
}

/** Not an answer of the wiki: nothing was sent. */
function notLoggedIn(): ExtensionError {
  return new ExtensionError('notloggedin', vscode.l10n.t('This MediaWiki session is not (or no longer) valid: the account was logged out, or you no longer allow this extension to use it. Get a new session with vscode.authentication.getSession(\'mediawiki\', …).'));
}

/**
 * A client without a session: public reads. It never carries cookies of a login, and asks for no
 * tokens (an edit through it would be an anonymous one, which nobody wants by accident).
 */
class AnonymousClient implements MediaWikiClient {
  readonly apiUrl: string;
  readonly user = undefined;
  constructor(private readonly client: ApiClient) {
    this.apiUrl = client.apiUrl;
  }

  get(params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse> {
    return this.client.get(params, options);
  }

  post(params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse> {
    return this.client.post(params, options);
  }

  async postWithToken(): Promise<MediaWikiResponse> {
    throw notLoggedIn();
  }

  async getToken(): Promise<string> {
    throw notLoggedIn();
  }

  continue(params: MediaWikiParams, options?: MediaWikiRequestOptions): AsyncIterable<MediaWikiResponse> {
    return this.client.continue(params, options);
  }
}

/**
 * A client bound to one account. Each call goes to the account's current ApiClient, so a login in
 * another window or after expiry is picked up without the sibling doing anything.
 */
class SiblingClient implements MediaWikiClient {
  readonly apiUrl: string;
  constructor(
    private readonly sessions: SessionManager,
    private readonly tokens: AccessTokens,
    private readonly token: string,
    private readonly account: AccountRecord,
  ) {
    this.apiUrl = account.apiUrl;
  }

  get user(): MediaWikiUser | undefined {
    const a = liveAccount(this.sessions, this.tokens, this.token);
    return a ? { name: a.userName, id: a.userId } : undefined;
  }

  /** Checked before every call: a dead token sends nothing. */
  private async inner(): Promise<ApiClient> {
    const a = liveAccount(this.sessions, this.tokens, this.token);
    const client = a && a.id === this.account.id && (await this.sessions.client(a));
    if (!client) throw notLoggedIn();
    return client;
  }

  async get(params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse> {
    return (await this.inner()).get(params, options);
  }

  async post(params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse> {
    return (await this.inner()).post(params, options);
  }

  async postWithToken(type: MediaWikiTokenType, params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse> {
    return (await this.inner()).postWithToken(type, params, options);
  }

  async getToken(type: MediaWikiTokenType = 'csrf'): Promise<string> {
    return (await this.inner()).getToken(type);
  }

  async *continue(params: MediaWikiParams, options?: MediaWikiRequestOptions): AsyncIterable<MediaWikiResponse> {
    yield* (await this.inner()).continue(params, options);
  }
}
