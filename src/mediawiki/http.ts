// HTTP for one wiki session: undici for the wire (keep-alive pool, timeouts), tough-cookie for the
// jar (domain/path/expiry rules are the library's). Cookies are only ever sent where the jar says,
// and redirects to another origin are never followed with a session.

import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as l10n from '@vscode/l10n';
import type { Agent, Dispatcher } from 'undici';
import type { CookieJar, SerializedCookieJar } from 'tough-cookie';
import { toughCookie, undici } from './lazy';
import { HttpError, InsecureRedirectError, NetworkError, WikiError, formatMessage, hostOf } from './errors';
import { describeParams, redactUrl } from './redact';
import { userAgent } from './userAgent';

export type RedirectPolicy = 'same-origin' | 'any' | 'none';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as application/x-www-form-urlencoded for POST, appended to the query for GET (a string: already encoded). */
  params?: URLSearchParams | string;
  headers?: Record<string, string>;
  /** Default `same-origin` for GET and `none` for POST (a POST body must never be replayed elsewhere). */
  redirects?: RedirectPolicy;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Send and store cookies (default true). Discovery of an unknown site turns this off. */
  cookies?: boolean;
}

/** A cookie in the jar, without tough-cookie's methods. */
export interface StoredCookie {
  key: string;
  value: string;
  domain: string | null;
  path: string | null;
}

export interface HttpResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The URL that finally answered (after same-origin redirects). */
  url: string;
}

export interface TransportOptions {
  userAgent?: string;
  /** Per-request time limit in ms (default 30 s). */
  timeoutMs?: number;
  /** undici dispatcher, e.g. a ProxyAgent. Default: a shared keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Receives one redacted line per request. Never gets secrets. */
  trace?: (line: string) => void;
  /** Largest body accepted, in bytes (default 32 MiB); applies to the compressed and to the decoded body. */
  maxBodyBytes?: number;
}

let sharedAgent: Agent | undefined;
function defaultAgent(): Agent {
  sharedAgent ??= new (undici().Agent)({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 16 });
  return sharedAgent;
}

const MAX_REDIRECTS = 5;

export class Transport {
  private cookieJar: CookieJar;
  readonly userAgent: string;
  readonly timeoutMs: number;
  /** HTTP requests sent through this transport (each redirect hop counts). */
  requestCount = 0;
  /**
   * Bumped when a new login starts. Answers to requests sent before that belong to the old session:
   * their Set-Cookie (often the wiki clearing the dead session) must not clobber the new login.
   */
  private cookieEpoch = 0;
  private jarMayHaveCookies: boolean;
  private readonly dispatcher: Dispatcher;
  private readonly trace?: (line: string) => void;
  private readonly maxBodyBytes: number;

  constructor(options: TransportOptions = {}) {
    this.cookieJar = new (toughCookie().CookieJar)();
    // A new, empty jar can skip the (comparatively slow) lookup until the first Set-Cookie.
    this.jarMayHaveCookies = false;
    this.userAgent = options.userAgent ?? userAgent();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.dispatcher = options.dispatcher ?? defaultAgent();
    this.trace = options.trace;
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
  }

  /** Start a new cookie epoch (see `cookieEpoch`). */
  beginNewSession(): void {
    this.cookieEpoch++;
  }

  /** Empties the jar, in a new cookie epoch: no answer to an earlier request can put a cookie back. */
  clearCookies(): void {
    this.cookieJar.removeAllCookiesSync();
    this.jarMayHaveCookies = false;
    this.beginNewSession();
  }

  /** Puts a cookie (a Set-Cookie value) into the jar as if `url` had set it. */
  async setCookie(setCookie: string, url: string): Promise<void> {
    await this.cookieJar.setCookie(setCookie, url);
    this.jarMayHaveCookies = true;
  }

  /** The cookies the jar would send to a URL. */
  async cookies(url: string): Promise<StoredCookie[]> {
    return (await this.cookieJar.getCookies(url)).map((c) => ({ key: c.key, value: c.value, domain: c.domain ?? null, path: c.path ?? null }));
  }

  /** The Cookie header the jar would send to a URL. */
  cookieHeader(url: string): Promise<string> {
    return this.cookieJar.getCookieString(url);
  }

  /** The jar as JSON-able data (for a stored session). */
  serializeCookies(): SerializedCookieJar {
    return this.cookieJar.serializeSync() as SerializedCookieJar;
  }

  /**
   * Replaces the jar's cookies with stored ones (`serializeCookies`), keeping only those for `host`:
   * a stored session cannot carry cookies for another site.
   */
  restoreCookies(data: SerializedCookieJar, host: string): void {
    const jar = toughCookie().CookieJar.deserializeSync(data);
    for (const c of jar.serializeSync()?.cookies ?? []) {
      const domain = typeof c.domain === 'string' ? c.domain : undefined;
      if (domain && !toughCookie().domainMatch(host, domain)) {
        jar.store.removeCookie(domain, typeof c.path === 'string' ? c.path : '/', typeof c.key === 'string' ? c.key : '', () => {});
      }
    }
    this.cookieJar = jar;
    this.jarMayHaveCookies = true;
    this.beginNewSession();
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const policy = req.redirects ?? (req.method === 'GET' ? 'same-origin' : 'none');
    let url = new URL(req.url);
    // Serialised once, and the query set in one step: URL.searchParams.append re-serialises the
    // whole URL on every call, which shows in the per-call overhead.
    const encoded = typeof req.params === 'string' ? req.params : (req.params?.toString() ?? '');
    if (req.method === 'GET' && encoded) url.search = url.search ? `${url.search.slice(1)}&${encoded}` : encoded;
    const origin = url.origin;
    let method = req.method;
    let body = req.method === 'POST' ? encoded : undefined;
    for (let hop = 0; ; hop++) {
      const res = await this.once(method, url, body, req);
      const location = res.headers['location'];
      if (res.status >= 300 && res.status < 400 && location && res.status !== 304) {
        const next = new URL(location, url);
        const allowed =
          policy === 'any' || (policy === 'same-origin' && next.origin === origin) ||
          // http -> https upgrade of the same host is the one cross-origin hop a wiki commonly makes
          (policy === 'same-origin' && next.host === url.host && url.protocol === 'http:' && next.protocol === 'https:');
        if (!allowed || hop >= MAX_REDIRECTS) {
          throw new OffsiteRedirectError(url.toString(), next.toString(), res.status);
        }
        // Whatever the policy: never from https down to http.
        if (url.protocol === 'https:' && next.protocol === 'http:') throw new InsecureRedirectError(url.toString(), next.toString());
        if (res.status !== 307 && res.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        url = next;
        continue;
      }
      return res;
    }
  }

  private async once(method: 'GET' | 'POST', url: URL, body: string | undefined, req: HttpRequest): Promise<HttpResponse> {
    const useCookies = req.cookies !== false;
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      accept: 'application/json, text/html;q=0.5, */*;q=0.1',
      // MediaWiki (OutputHandler) and the servers and CDNs in front of wikis compress for clients that ask.
      'accept-encoding': ACCEPT_ENCODING,
      ...req.headers,
    };
    const epoch = this.cookieEpoch;
    if (useCookies && this.jarMayHaveCookies) {
      const cookie = await this.cookieJar.getCookieString(url.toString());
      if (cookie) headers['cookie'] = cookie;
    }
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const timeout = req.timeoutMs ?? this.timeoutMs;
    const started = Date.now();
    this.requestCount++;
    // undici's headersTimeout bounds the wait for the headers (undici keeps such timers coarse, to
    // about a second, for speed); readBody bounds the whole exchange with one plain timer, so a
    // trickling body cannot outlive the limit (bodyTimeout is an idle timer). No AbortSignal of our
    // own: passing one to undici costs about as much as the rest of our work per request.
    let res: Dispatcher.ResponseData;
    try {
      res = await undici().request(url, {
        method,
        headers,
        body,
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: req.signal,
      });
    } catch (e) {
      const err = toNetworkError(e, url.toString(), method);
      this.trace?.(`${method} ${redactUrl(url)}${body ? ` ${describeParams(new URLSearchParams(body))}` : ''} -> ${err.code} (${Date.now() - started} ms)`);
      throw err;
    }
    let text: string;
    let wire: number;
    let size: number;
    const encoding = res.headers['content-encoding'];
    try {
      const raw = await readBody(res.body, this.maxBodyBytes, started + timeout);
      wire = raw.length;
      const decoded = await decodeBody(raw, Array.isArray(encoding) ? encoding.join(',') : encoding, this.maxBodyBytes);
      size = decoded.length;
      text = decoded.toString('utf8');
    } catch (e) {
      throw toNetworkError(e, url.toString(), method);
    }
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      flat[k.toLowerCase()] = Array.isArray(v) ? v.join(k.toLowerCase() === 'set-cookie' ? '\n' : ', ') : v;
    }
    if (useCookies && epoch === this.cookieEpoch) {
      const setCookie = res.headers['set-cookie'];
      const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
      if (list.length > 0) this.jarMayHaveCookies = true;
      for (const c of list) {
        // ignoreError: a cookie the jar refuses (wrong domain, bad syntax) is dropped, as a browser would.
        await this.cookieJar.setCookie(c, url.toString(), { ignoreError: true });
      }
    }
    this.trace?.(
      `${method} ${redactUrl(url)}${body ? ` ${describeParams(new URLSearchParams(body))}` : ''} -> ${res.statusCode} (${Date.now() - started} ms, ${size} B${encoding ? `, ${wire} B on the wire` : ''})`,
    );
    return { status: res.statusCode, headers: flat, body: text, url: url.toString() };
  }

  /** Names of the cookies the jar would send to a URL (values stay inside). */
  async cookieNames(url: string): Promise<string[]> {
    return (await this.cookieJar.getCookies(url)).map((c) => c.key);
  }
}

/** The body as it came: at most `max` bytes, and done by `deadline` (ms since the epoch). */
function readBody(body: Dispatcher.ResponseData['body'], max: number, deadline: number): Promise<Buffer> {
  // Stream events rather than `for await`: the async iterator costs more per answer than the rest
  // of our own work on a small one (measured in `npm run bench`, overhead breakdown).
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (e?: unknown) => {
      clearTimeout(timer);
      // A late 'error' (the deadline's destroy racing the end) must find a listener, or Node throws it.
      body.off('data', onData).off('end', onEnd).off('error', onError).on('error', () => undefined);
      if (e) reject(e);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        body.destroy();
        done(tooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = (e: unknown) => done(e);
    const timer = setTimeout(() => body.destroy(Object.assign(new Error(), { code: 'UND_ERR_BODY_TIMEOUT' })) /* becomes ETIMEDOUT (toNetworkError) */, Math.max(0, deadline - Date.now()));
    body.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function tooLarge(max: number): Error {
  return Object.assign(new Error(l10n.t('the answer is larger than {0} bytes', max)), { code: 'body-too-large' });
}

export const ACCEPT_ENCODING = 'gzip, deflate, br';

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

/**
 * Undo the Content-Encoding (codings in reverse order of application). zlib stops each step at
 * `max` output bytes (maxOutputLength), so a small answer that inflates to gigabytes ("zip bomb")
 * ends with body-too-large after `max` bytes, not with the extension host out of memory.
 * Decoding runs in libuv's thread pool, off the extension host's main thread.
 */
async function decodeBody(raw: Buffer, header: string | undefined, max: number): Promise<Buffer> {
  const codings = (header ?? '').toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0 || raw.length === 0) return raw;
  let buf = raw;
  for (const coding of codings.reverse()) {
    const opts = { maxOutputLength: max };
    try {
      if (coding === 'gzip' || coding === 'x-gzip') buf = await gunzip(buf, opts);
      // "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate, as browsers accept.
      else if (coding === 'deflate') buf = (buf[0] & 0x0f) === 0x08 ? await inflate(buf, opts) : await inflateRaw(buf, opts);
      else if (coding === 'br') buf = await brotli(buf, opts);
      else throw Object.assign(new Error(l10n.t('the answer is encoded as "{0}", which was not asked for', coding)), { code: 'bad-encoding' });
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(max);
      if ((e as { code?: unknown }).code === 'bad-encoding') throw e;
      throw Object.assign(new Error(l10n.t('the compressed answer ({0}) could not be decoded', coding)), { code: 'bad-encoding' });
    }
  }
  return buf;
}

export class OffsiteRedirectError extends WikiError {
  readonly code = 'offsite-redirect';
  constructor(
    readonly from: string,
    readonly to: string,
    readonly status: number,
  ) {
    super(formatMessage('offsite-redirect', l10n.t('{0} redirected (HTTP {1}) to {2}; not followed.', hostOf(from), status, hostOf(to))));
    this.name = 'OffsiteRedirectError';
  }
}

// Errors that happen before any byte of the request can have reached the server.
const NOT_SENT = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT',
  'tls-error', 'EPROTO', 'proxy-auth', 'proxy-error',
]);
const TLS_CODES = /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY|ERR_SSL/;

function causeCode(e: unknown): { code: string; message: string } {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const c = cur as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (typeof c.code === 'string' && c.code !== 'UND_ERR_ABORTED' && c.code !== 'ABORT_ERR') {
      return { code: c.code, message: typeof c.message === 'string' ? c.message : c.code };
    }
    if (c.name === 'TimeoutError') return { code: 'ETIMEDOUT', message: 'timed out' };
    cur = c.cause;
  }
  const c = e as { name?: unknown; message?: unknown };
  if (c?.name === 'AbortError') return { code: 'aborted', message: l10n.t('cancelled') };
  return { code: 'network-error', message: typeof c?.message === 'string' ? c.message : String(e) };
}

const TLS_REASONS: Readonly<Record<string, () => string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: () => l10n.t('it is self-signed'),
  SELF_SIGNED_CERT_IN_CHAIN: () => l10n.t('it was issued by a self-signed authority that is not trusted here'),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: () => l10n.t('its issuer is not trusted here (unknown certificate authority)'),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: () => l10n.t('its issuer is not trusted here (unknown certificate authority)'),
  UNABLE_TO_GET_ISSUER_CERT: () => l10n.t('its issuer is not trusted here (unknown certificate authority)'),
  CERT_HAS_EXPIRED: () => l10n.t('it has expired'),
  CERT_NOT_YET_VALID: () => l10n.t('it is not valid yet (check the clock)'),
  ERR_TLS_CERT_ALTNAME_INVALID: () => l10n.t('it was issued for another host name'),
  CERT_REVOKED: () => l10n.t('it has been revoked'),
};

function tlsReason(code: string, message: string): string {
  return TLS_REASONS[code]?.() ?? message;
}

/** undici's ProxyAgent reports a refused CONNECT only in its message ("Proxy response (407) !== 200 ..."). */
function proxyStatus(e: unknown): number | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const m = /Proxy response \((\d{3})\)/.exec(String((cur as { message?: unknown }).message ?? ''));
    if (m) return Number(m[1]);
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function toNetworkError(e: unknown, url: string, method: 'GET' | 'POST'): WikiError {
  if (e instanceof WikiError) return e;
  let { code, message } = causeCode(e);
  const proxy = proxyStatus(e);
  if (proxy === 407) {
    code = 'proxy-auth';
    message = l10n.t('the proxy asks for credentials (HTTP 407)');
  } else if (proxy !== undefined) {
    code = 'proxy-error';
    message = l10n.t('the proxy refused the connection (HTTP {0})', proxy);
  } else if (TLS_CODES.test(code)) {
    message = l10n.t('the certificate was not accepted: {0} ({1})', tlsReason(code, message), code);
    code = 'tls-error';
  } else if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    message = l10n.t('no answer in time');
    code = 'ETIMEDOUT';
  } else if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') {
    message = l10n.t('the connection was closed before the answer was complete');
    code = 'ECONNRESET';
  } else if (code === 'ECONNREFUSED') {
    message = l10n.t('connection refused');
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    message = l10n.t('host name not found');
  } else if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    message = l10n.t('connecting timed out');
  }
  const maybeSent = method === 'POST' && !NOT_SENT.has(code);
  return new NetworkError(code, url, message, maybeSent);
}

export { HttpError };
