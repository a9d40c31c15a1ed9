// The versioned API for sibling extensions. Types: src/api/mediawiki-sessions.d.ts.
import * as vscode from 'vscode';
import type {
  GetClientOptions, MediaWikiClient, MediaWikiParams, MediaWikiRequestOptions, MediaWikiResponse,
  MediaWikiSessionsApiV1, MediaWikiSessionsChangeEvent, MediaWikiSessionsExtension, MediaWikiSite,
  MediaWikiTokenType, MediaWikiUser,
} from '../api/mediawiki-sessions';
import { ApiClient, ApiError } from '../mediawiki';
import type { LoginFlows } from './loginFlow';
import type { SessionManager } from './sessions';
import type { AccountRecord } from './storage';

export function createExtensionApi(sessions: SessionManager, flows: LoginFlows, changes: vscode.Event<MediaWikiSessionsChangeEvent>): MediaWikiSessionsExtension {
  const v1: MediaWikiSessionsApiV1 = {
    version: 1,
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
    async getClient(url: string, options: GetClientOptions = {}): Promise<MediaWikiClient | undefined> {
      let site = sessions.findSite(url);
      if (!site) {
        if (!options.createIfNone) return undefined;
        site = await flows.addWiki({ url });
        if (!site) return undefined;
      }
      let account = options.account ? sessions.account(site.apiUrl, canonicalUser(options.account)) : sessions.currentAccount(site.apiUrl);
      if (!account) {
        if (!options.createIfNone) return undefined;
        account = await flows.logIn({ site: site.apiUrl, username: options.account });
        if (!account) return undefined;
      }
      return new SiblingClient(sessions, account);
    },
  };
  return {
    getAPI(version: number) {
      if (version !== 1) throw new Error(`MediaWiki Sessions: API version ${version} is not known; this extension offers version 1.`);
      return v1;
    },
  } as MediaWikiSessionsExtension;
}

/**
 * A client bound to one account. Each call goes to the account's current ApiClient, so a login in
 * another window or after expiry is picked up without the sibling doing anything.
 */
class SiblingClient implements MediaWikiClient {
  readonly apiUrl: string;
  constructor(
    private readonly sessions: SessionManager,
    private readonly account: AccountRecord,
  ) {
    this.apiUrl = account.apiUrl;
  }

  get user(): MediaWikiUser | undefined {
    const a = this.sessions.account(this.account.apiUrl, this.account.userName);
    return a ? { name: a.userName, id: a.userId } : undefined;
  }

  private async inner(): Promise<ApiClient> {
    const a = this.sessions.account(this.account.apiUrl, this.account.userName);
    const client = a && (await this.sessions.client(a));
    if (!client) throw new ApiError('notloggedin', `${this.account.userName} is no longer logged in to ${this.account.apiUrl}.`);
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

function canonicalUser(name: string): string {
  const n = name.replace(/_/g, ' ').trim().split('@')[0];
  return n.charAt(0).toUpperCase() + n.slice(1);
}
