// The API client: one wiki, one session. Errors, tokens, retries and re-login live here and only here.

import * as l10n from '@vscode/l10n';
import { ApiError, HttpError, InputError, NotJsonError, WikiError } from './errors';
import { Transport, type TransportOptions } from './http';
import type { OAuth2Credentials } from './oauth2';
import { DEFAULT_RETRY, decide, parseRetryAfter, sleep, type RetryPolicy } from './retry';

export type ParamValue = string | number | boolean | readonly (string | number)[] | undefined | null;
export type ApiParams = Readonly<Record<string, ParamValue>>;

/** A decoded API answer (formatversion=2). */
export interface ApiResponse {
  [key: string]: unknown;
  continue?: Record<string, string>;
  batchcomplete?: boolean;
  warnings?: Record<string, unknown>;
}

export interface WikiUser {
  name: string;
  id: number;
}

export type TokenType = 'csrf' | 'watch' | 'patrol' | 'rollback' | 'userrights' | 'login' | 'createaccount' | 'deleteglobalaccount' | 'setglobalaccountstatus';

export interface RequestOptions {
  /** `assert` sent with the request. Default: `user` when the client is logged in. */
  assert?: 'user' | 'bot' | false;
  /** A login-flow request: never carries assert/maxlag and never triggers a re-login. */
  login?: boolean;
  /** Set on a POST that is safe to repeat (e.g. purge), so network errors may retry it. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** Logs the client in again with stored credentials. Called at most once at a time per client. */
export type Relogin = (client: ApiClient) => Promise<void>;

export interface ApiClientOptions {
  apiUrl: string;
  transport?: Transport | TransportOptions;
  /** The logged-in user, if this client holds a session already (e.g. restored). */
  user?: WikiUser;
  /** `maxlag` for every non-login request (off by default; bots should set 5). */
  maxlag?: number;
  retry?: Partial<RetryPolicy>;
  /** How to log in again when the session has expired; without it expiry is an error. */
  relogin?: Relogin;
  /** Told when the session has expired and could not be renewed. */
  onSessionExpired?: (error: WikiError) => void;
  /** Told about each retry (for the log). */
  onRetry?: (reason: string, delayMs: number, attempt: number) => void;
  /** OAuth 2: send `Authorization: Bearer` instead of cookies (see oauth2.ts). */
  oauth?: OAuth2Credentials;
}

// Answers meaning "this request ran without the session we thought we had".
const SESSION_LOST = new Set(['assertuserfailed', 'notloggedin', 'assertnameduserfailed']);
// Extension:OAuth's answer (HTTP 200) to a bad, expired or revoked Bearer token, for every module.
const OAUTH_TOKEN_REFUSED = 'mwoauth-invalid-authorization';

export class ApiClient {
  readonly apiUrl: string;
  readonly transport: Transport;
  user: WikiUser | undefined;
  maxlag: number | undefined;
  relogin: Relogin | undefined;
  readonly retry: RetryPolicy;
  /** Bumped on every login/logout; lets concurrent failures share one re-login. */
  private generation = 0;
  private reloginInFlight: Promise<void> | undefined;
  /** Set when a re-login failed: later calls fail fast instead of trying again and again. */
  private reloginFailure: WikiError | undefined;
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly onSessionExpired?: (error: WikiError) => void;
  private readonly onRetry?: (reason: string, delayMs: number, attempt: number) => void;
  /** Re-logins performed by this client (for tests and the benchmark). */
  reloginCount = 0;
  /** OAuth 2 session: every request carries the Bearer token and no cookies. */
  oauth: OAuth2Credentials | undefined;

  constructor(options: ApiClientOptions) {
    const url = new URL(options.apiUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError('bad-url', l10n.t('"{0}" is not an http(s) address.', options.apiUrl));
    url.search = '';
    url.hash = '';
    this.apiUrl = url.toString();
    this.transport = options.transport instanceof Transport ? options.transport : new Transport(options.transport);
    this.user = options.user;
    this.maxlag = options.maxlag;
    this.relogin = options.relogin;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.onSessionExpired = options.onSessionExpired;
    this.onRetry = options.onRetry;
    this.oauth = options.oauth;
  }

  get(params: ApiParams, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.request('GET', params, options);
  }

  post(params: ApiParams, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.request('POST', params, options);
  }

  /** POST with a token of the given type, fetched and cached; a `badtoken` answer refreshes it once. */
  postWithToken(type: TokenType, params: ApiParams, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.request('POST', params, options, type);
  }

  /** Follows `continue` until the end, yielding each batch. */
  async *continue(params: ApiParams, options: RequestOptions = {}): AsyncGenerator<ApiResponse, void, undefined> {
    let cont: Record<string, string> = {};
    let last = '';
    for (;;) {
      const res = await this.get({ ...params, ...cont }, options);
      yield res;
      if (!res.continue) return;
      const key = JSON.stringify(res.continue);
      if (key === last) throw new ApiError('continue-loop', l10n.t('The wiki returned the same continuation twice.'));
      last = key;
      cont = res.continue;
    }
  }

  /** A token of a type, from cache or one `meta=tokens` request. */
  getToken(type: TokenType = 'csrf', options: RequestOptions = {}): Promise<string> {
    let p = this.tokens.get(type);
    if (!p) {
      p = this.get({ action: 'query', meta: 'tokens', type }, options).then((res) => {
        const token = (res.query as { tokens?: Record<string, string> } | undefined)?.tokens?.[`${type}token`];
        if (typeof token !== 'string') throw new ApiError('notoken', l10n.t('The wiki gave no {0} token.', type));
        return token;
      });
      const fetched = p;
      this.tokens.set(type, fetched);
      fetched.catch(() => {
        if (this.tokens.get(type) === fetched) this.tokens.delete(type);
      });
    }
    return p;
  }

  clearTokens(): void {
    this.tokens.clear();
  }

  /** Record a new login (or logout, with undefined). Tokens belong to the old session, so they go. */
  setUser(user: WikiUser | undefined): void {
    this.user = user;
    this.generation++;
    // Answers to requests sent before this point belong to the session that ended here: a late one
    // (say, MediaWiki deleting a dead session's cookie) must not change the cookies of this one.
    this.transport.beginNewSession();
    this.reloginFailure = undefined;
    this.clearTokens();
  }

  /**
   * Forgets the session: its cookies (in a new cookie epoch, so that no late answer brings one back)
   * and tokens. The user goes too, unless the same user logs in again next (`forRelogin`): until that
   * login ends, calls keep asserting the user and a failed re-login still fails them fast, so none
   * goes out anonymous.
   */
  resetSession(options: { forRelogin?: boolean } = {}): void {
    this.transport.clearCookies();
    this.clearTokens();
    if (!options.forRelogin) this.setUser(undefined);
  }

  /**
   * Asks the wiki who this session is (one request). Returns undefined if the session is anonymous,
   * i.e. expired. Updates `user`.
   */
  async checkSession(options: RequestOptions = {}): Promise<WikiUser | undefined> {
    let res: ApiResponse;
    try {
      // login: true, so that the answer is reported, not acted on (no re-login from a check).
      res = await this.get({ action: 'query', meta: 'userinfo' }, { ...options, assert: false, login: true });
    } catch (e) {
      // A private wiki refuses even userinfo to anonymous sessions: that is the answer "expired".
      if (e instanceof ApiError && e.code === 'readapidenied') return undefined;
      // Under OAuth the wiki refuses a dead token outright (HTTP 200, for every module): also "expired".
      if (e instanceof ApiError && e.code === OAUTH_TOKEN_REFUSED && this.oauth) return undefined;
      throw e;
    }
    const ui = (res.query as { userinfo?: { id: number; name: string; anon?: boolean } } | undefined)?.userinfo;
    if (!ui || ui.anon || !ui.id) return undefined;
    return { name: ui.name, id: ui.id };
  }

  /** `action=logout` (needs a csrf token); the wiki expires the session cookies. */
  async logout(options: RequestOptions = {}): Promise<void> {
    if (this.oauth) {
      // The wiki refuses action=logout under OAuth (cannotlogout) and has no revocation endpoint:
      // forgetting the tokens is all a client can do (the grant is revoked on Special:OAuthManageMyGrants).
      this.oauth = undefined;
      this.setUser(undefined);
      return;
    }
    try {
      await this.postWithToken('csrf', { action: 'logout' }, { ...options, assert: false });
    } finally {
      this.setUser(undefined);
    }
  }

  /** The one place where a request is sent, decoded, and retried. */
  async request(method: 'GET' | 'POST', params: ApiParams, options: RequestOptions = {}, tokenType?: TokenType): Promise<ApiResponse> {
    const startedAt = Date.now();
    let attempt = 0;
    let tokenRefreshed = false;
    let reloggedIn = false;
    let usedToken: Promise<string> | undefined;
    for (;;) {
      attempt++;
      // While a re-login runs, the jar holds no usable session: wait for it rather than send a call
      // that can only fail, and whose answer could meddle with the login's cookies.
      if (!options.login && this.reloginInFlight) await this.reloginInFlight.catch(() => undefined);
      const generation = this.generation;
      if (!options.login && options.assert !== false && this.reloginFailure && this.user) throw this.reloginFailure;
      // An OAuth token known to have expired is renewed before the call, not after a refused one.
      if (!options.login && this.oauth?.expired && this.user && this.relogin && !reloggedIn) {
        await this.renewSession(generation, new ApiError(OAUTH_TOKEN_REFUSED, l10n.t('The OAuth access token has expired.')));
        reloggedIn = true;
        attempt--; // not a retry of a sent request
        continue;
      }
      try {
        const form = this.encode(params, options);
        if (tokenType) {
          usedToken = this.getToken(tokenType, { signal: options.signal, assert: options.assert });
          form.set('token', await usedToken);
        }
        return await this.sendOnce(method, form, options);
      } catch (error) {
        let retryAfter: number | undefined;
        if (error instanceof ApiError) {
          if (tokenType && error.code === 'badtoken' && !tokenRefreshed) {
            tokenRefreshed = true;
            // Only drop the token this call used: concurrent calls refused together share one refresh.
            if (this.tokens.get(tokenType) === usedToken) this.tokens.delete(tokenType);
            continue;
          }
          if (SESSION_LOST.has(error.code) || (error.code === 'readapidenied' && this.user) || (error.code === OAUTH_TOKEN_REFUSED && this.oauth)) {
            if (!options.login && this.user && !reloggedIn) {
              await this.renewSession(generation, error);
              reloggedIn = true;
              continue;
            }
          }
          retryAfter = numberish(error.details['retryAfterSeconds']);
        }
        if (error instanceof HttpError) retryAfter = error.retryAfterSeconds;
        const d = decide(error, { method: this.effectiveMethod(method, options), attempt, startedAt, now: Date.now(), retryAfterSeconds: retryAfter }, this.retry);
        if (!d.retry) throw error;
        this.onRetry?.(d.reason, d.delayMs, attempt);
        await sleep(d.delayMs, options.signal);
      }
    }
  }

  private effectiveMethod(method: 'GET' | 'POST', options: RequestOptions): 'GET' | 'POST' {
    return method === 'POST' && options.idempotent ? 'GET' : method;
  }

  /** Single-flight re-login: many calls failing together cause one login. */
  private async renewSession(sentGeneration: number, cause: ApiError): Promise<void> {
    if (this.generation !== sentGeneration) return; // someone logged in again since this call was sent
    if (this.reloginFailure) throw this.reloginFailure;
    if (!this.relogin) {
      this.reloginFailure = cause;
      this.onSessionExpired?.(cause);
      throw cause;
    }
    if (!this.reloginInFlight) {
      const relogin = this.relogin;
      this.reloginInFlight = (async () => {
        try {
          this.reloginCount++;
          this.transport.beginNewSession();
          await relogin(this);
        } catch (e) {
          const err = e instanceof WikiError ? e : cause;
          this.reloginFailure = err;
          this.onSessionExpired?.(err);
          throw err;
        } finally {
          this.reloginInFlight = undefined;
        }
      })();
    }
    await this.reloginInFlight;
  }

  private encode(params: ApiParams, options: RequestOptions): URLSearchParams {
    const form = new URLSearchParams();
    form.set('format', 'json');
    form.set('formatversion', '2');
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null || v === false) continue;
      if (v === true) form.set(k, '1');
      else if (Array.isArray(v)) {
        const parts = v.map(String);
        // Values containing "|" need the \x1f separator form.
        form.set(k, parts.some((p) => p.includes('|')) ? `\x1f${parts.join('\x1f')}` : parts.join('|'));
      } else form.set(k, String(v));
    }
    if (!options.login) {
      const assert = options.assert === undefined ? (this.user ? 'user' : undefined) : options.assert || undefined;
      if (assert && !form.has('assert')) form.set('assert', assert);
      if (this.maxlag !== undefined && !form.has('maxlag')) form.set('maxlag', String(this.maxlag));
    } else {
      form.delete('assert');
      form.delete('maxlag');
    }
    return form;
  }

  /** One HTTP exchange, decoded: the answer, or the error it carries (API error, HTTP status, not JSON). */
  private async sendOnce(method: 'GET' | 'POST', form: URLSearchParams, options: RequestOptions): Promise<ApiResponse> {
    // Long reads go as POST (servers cap URL length); they stay reads for the retry policy.
    const encoded = form.toString();
    const wire = method === 'GET' && encoded.length > 4000 ? 'POST' : method;
    const headers: Record<string, string> = {};
    if (wire === 'POST' && method === 'GET') headers['promise-non-write-api-action'] = 'true';
    if (this.oauth) headers['authorization'] = this.oauth.authorization;
    const res = await this.transport.send({
      method: wire,
      url: this.apiUrl,
      params: encoded,
      signal: options.signal,
      headers,
      // An OAuth session is the token alone: no cookie goes out or is kept.
      cookies: this.oauth ? false : undefined,
    });
    const retryAfterSeconds = parseRetryAfter(res.headers['retry-after']);
    const type = res.headers['content-type'] ?? '';
    if (!type.includes('json')) {
      if (res.status >= 400) throw new HttpError(res.status, res.url, retryAfterSeconds);
      throw new NotJsonError(res.url, res.status, type.split(';')[0], snippetOf(res.body));
    }
    let data: unknown;
    try {
      data = JSON.parse(res.body);
    } catch {
      if (res.status >= 400) throw new HttpError(res.status, res.url, retryAfterSeconds, 'unreadable body');
      throw new NotJsonError(res.url, res.status, 'broken JSON', snippetOf(res.body));
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new NotJsonError(res.url, res.status, 'unexpected JSON', snippetOf(res.body));
    }
    const err = apiErrorOf(data as ApiResponse);
    if (err) {
      err.details['retryAfterSeconds'] = retryAfterSeconds;
      throw err;
    }
    if (res.status >= 400) throw new HttpError(res.status, res.url, retryAfterSeconds);
    return data as ApiResponse;
  }
}

/** The error of an API answer, in either error format. */
export function apiErrorOf(data: ApiResponse): ApiError | undefined {
  const e = data['error'] as Record<string, unknown> | undefined;
  if (e && typeof e === 'object') {
    const { code, info, ...rest } = e;
    let text = String(info ?? rest['*'] ?? '');
    // readonly: the admin's reason (and so how long it may last) is in its own field.
    if (typeof rest['readonlyreason'] === 'string' && rest['readonlyreason'] && !text.includes(rest['readonlyreason'])) {
      text = `${text.replace(/\.?\s*$/, '.')} Reason: ${rest['readonlyreason']}`;
    }
    return new ApiError(String(code ?? 'unknown'), text, { ...rest });
  }
  const list = data['errors'];
  if (Array.isArray(list) && list.length > 0) {
    const first = list[0] as Record<string, unknown>;
    const text = first['text'] ?? first['html'] ?? first['*'] ?? first['key'] ?? '';
    return new ApiError(String(first['code'] ?? 'unknown'), String(text), { ...first, all: list });
  }
  return undefined;
}

function snippetOf(body: string): string {
  const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(body)?.[1];
  const text = (title ?? body).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function numberish(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
