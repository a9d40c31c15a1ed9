/**
 * Public API of the "MediaWiki Sessions" VS Code extension (wikisessions.mediawiki-sessions).
 *
 * Copy this file into your extension and get the API with:
 *
 *   const ext = vscode.extensions.getExtension<MediaWikiSessionsExtension>('wikisessions.mediawiki-sessions');
 *   const api = (await ext!.activate()).getAPI(1);
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
  method: 'botpassword' | 'clientlogin' | 'cookies';
  /** `expired` when the wiki no longer accepts the session and no automatic re-login worked. */
  state: 'active' | 'expired';
}

/**
 * An authenticated client for one site. It only ever talks to its own site. Writes carry
 * `assert=user`; an expired session is renewed once (with a stored bot password) or the user is
 * asked; tokens are fetched, cached and refreshed on `badtoken`; maxlag/readonly/429/5xx are retried
 * within a deadline.
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
  /** If no session exists (or the site is not registered), ask the user to add the site / log in. */
  createIfNone?: boolean;
  /** A user name of an account stored for the site; default the site's current account. */
  account?: string;
}

export interface MediaWikiSessionsChangeEvent {
  /** api.php URLs of the sites whose sessions changed. */
  sites: readonly string[];
}

/** A minimal event type, compatible with `vscode.Event`. */
export type MediaWikiEvent<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: { dispose(): unknown }[]) => { dispose(): unknown };

export interface MediaWikiSessionsApiV1 {
  readonly version: 1;
  /** The registered sites, with their accounts. */
  getSites(): readonly MediaWikiSite[];
  /** Fired when a login, logout, expiry, account switch or site change happens (in any window). */
  readonly onDidChangeSessions: MediaWikiEvent<MediaWikiSessionsChangeEvent>;
  /**
   * A client for a site, given any URL of it (api.php, article URL, or the registered site URL).
   * Resolves to undefined when there is no session and `createIfNone` is not set or the user cancelled.
   */
  getClient(siteUrlOrApiUrl: string, options?: GetClientOptions): Promise<MediaWikiClient | undefined>;
}

export interface MediaWikiSessionsExtension {
  /** Throws for an unknown version. */
  getAPI(version: 1): MediaWikiSessionsApiV1;
}
