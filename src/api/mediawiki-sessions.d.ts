/**
 * Public API of the "MediaWiki Sessions" VS Code extension (wikisessions.mediawiki-sessions).
 *
 * Copy this file into your extension and get the API with:
 *
 *   const ext = vscode.extensions.getExtension<MediaWikiSessionsExtension>('wikisessions.mediawiki-sessions');
 *   const api = (await ext!.activate()).getAPI(1);
 *
 * An authenticated client needs the user's consent, given in VS Code's own dialog:
 *
 *   const session = await vscode.authentication.getSession('mediawiki', [siteUrl], { createIfNone: true });
 *   const wiki = await api.getClient(session);
 *
 * Without a session, getClient(siteUrl) gives an anonymous client (public reads only).
 *
 * Version 1. Additions are backwards compatible; a breaking change gets a new version number.
 */

/** A value for an API parameter; arrays are joined with "|", booleans become "1" or are left out. */
export type MediaWikiParamValue = string | number | boolean | readonly (string | number)[] | undefined | null;
export type MediaWikiParams = Readonly<Record<string, MediaWikiParamValue>>;

/** A decoded API answer (format=json, formatversion=2). */
export interface MediaWikiResponse {
  [key: string]: unknown;
  continue?: Record<string, string>;
  batchcomplete?: boolean;
  warnings?: Record<string, unknown>;
}

export type MediaWikiTokenType = 'csrf' | 'watch' | 'patrol' | 'rollback' | 'userrights';

export interface MediaWikiRequestOptions {
  /** `assert` for this request. Default `user` when logged in. */
  assert?: 'user' | 'bot' | false;
  /** A POST that is safe to repeat after a network error (e.g. purge). */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/**
 * Errors thrown by a client are `Error`s with a `code`: the MediaWiki error code (`badtoken`,
 * `assertuserfailed`, `blocked`, `maxlag`, ...), a login code (`Failed`, `login-throttled`,
 * `Aborted`, ...) or a transport code (`ECONNREFUSED`, `ETIMEDOUT`, `http-503`, `not-json`, ...).
 */
export interface MediaWikiError extends Error {
  readonly code: string;
}

export interface MediaWikiUser {
  name: string;
  id: number;
}

export interface MediaWikiSite {
  /** The site's api.php URL: its identity. */
  apiUrl: string;
  /** `$wgSitename`. */
  name: string;
  /** Absolute article path with `$1`. */
  articlePath: string;
  /** The account the site uses now, if one is logged in. */
  account?: MediaWikiUser;
  /** All accounts stored for the site. */
  accounts: readonly MediaWikiAccount[];
}

export interface MediaWikiAccount {
  user: MediaWikiUser;
  method: 'botpassword' | 'interactive' | 'cookies' | 'oauth2' | 'oauth2token';
  /** `expired` when the wiki no longer accepts the session and no automatic re-login worked. */
  state: 'active' | 'expired';
}

/**
 * A client for one site. It only ever talks to its own site.
 *
 * Made from a session (authenticated): writes carry `assert=user`; an expired session is renewed
 * once (with a stored bot password) or the user is asked with a notification, and the call does not
 * wait for the answer longer than `mediawiki.requestTimeoutSeconds` (then it rejects with
 * `assertuserfailed`, and a later call works once the user logged in again); tokens are fetched,
 * cached and refreshed on `badtoken`; maxlag/readonly/429/5xx are retried within a deadline. When
 * the session's token ends (Log Out, Remove Wiki, the user no longer allows your extension), every
 * call rejects with `notloggedin` without sending anything: get a new session.
 *
 * Made from a URL (anonymous): public reads; `getToken` and `postWithToken` reject with `notloggedin`.
 */
export interface MediaWikiClient {
  readonly apiUrl: string;
  /** Who this client is logged in as (undefined for an anonymous client). */
  readonly user: MediaWikiUser | undefined;
  get(params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse>;
  post(params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse>;
  postWithToken(type: MediaWikiTokenType, params: MediaWikiParams, options?: MediaWikiRequestOptions): Promise<MediaWikiResponse>;
  getToken(type?: MediaWikiTokenType): Promise<string>;
  /** Follows `continue` to the end, one answer per batch. */
  continue(params: MediaWikiParams, options?: MediaWikiRequestOptions): AsyncIterable<MediaWikiResponse>;
}

export interface GetClientOptions {
  /** Anonymous clients: if the site is not registered, ask the user to add it. */
  createIfNone?: boolean;
}

/**
 * What getClient() needs of a `vscode.AuthenticationSession` from
 * `vscode.authentication.getSession('mediawiki', [siteUrl], …)`: its `accessToken`. The scopes are
 * `[apiUrl]` of the site; `account.label` is `User @ Site name`. The token is a random handle, valid
 * while that account stays logged in and the user allows your extension; keep it like a password.
 */
export interface MediaWikiSessionLike {
  readonly accessToken: string;
}

export interface MediaWikiSessionsChangeEvent {
  /** api.php URLs of the sites whose sessions changed. */
  sites: readonly string[];
}

/** A minimal event type, compatible with `vscode.Event`. */
export type MediaWikiEvent<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: { dispose(): unknown }[]) => { dispose(): unknown };

export interface MediaWikiSessionsApiV1 {
  readonly version: 1;
  /** The registered sites, with their account names and states (nothing that unlocks anything). */
  getSites(): readonly MediaWikiSite[];
  /** Fired when a login, logout, expiry, account switch or site change happens (in any window). */
  readonly onDidChangeSessions: MediaWikiEvent<MediaWikiSessionsChangeEvent>;
  /**
   * With a session (or its accessToken): the authenticated client of that account. Rejects with
   * `notloggedin` for a token that is not (or no longer) valid, without any request.
   *
   * With any URL of a site (api.php, article URL, the registered site URL): an anonymous client.
   * Resolves to undefined when the site is not registered and `createIfNone` is not set or the user
   * cancelled.
   */
  getClient(sessionOrSiteUrl: MediaWikiSessionLike | string, options?: GetClientOptions): Promise<MediaWikiClient | undefined>;
}

export interface MediaWikiSessionsExtension {
  /** Throws for an unknown version. */
  getAPI(version: 1): MediaWikiSessionsApiV1;
}
