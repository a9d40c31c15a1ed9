// OAuth 2.0 with Extension:OAuth (REL1_39 and later): the authorization code flow with PKCE for a
// public client, refresh, owner-only tokens, and the Bearer credentials an ApiClient sends instead of
// cookies. The facts this follows (exact redirect URI, PKCE S256, refresh needs the secret and rotates,
// Cancel comes back without state, a bad token is HTTP 200 mwoauth-invalid-authorization) are in the
// project's reference notes; see README "OAuth 2.0".

import { createHash, randomBytes } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import { ApiError, WikiError, formatMessage, hostOf } from './errors';
import type { ApiClient, WikiUser } from './client';
import type { Transport } from './http';
import { scrub } from './redact';

/** The three rest.php routes of Extension:OAuth used here. */
export interface OAuth2Endpoints {
  authorize: string;
  token: string;
  profile: string;
}

/** What the user registered on Special:OAuthConsumerRegistration/propose/oauth2. */
export interface OAuth2ClientConfig {
  /** The client key (32 hex; not secret). */
  clientId: string;
  /** The redirect URI exactly as registered (the wiki compares it byte for byte). */
  redirectUri: string;
  /** Optional: only needed to refresh (Extension:OAuth demands it even from public clients). */
  clientSecret?: string;
  /** Grant names to ask for (space-separated on the wire); default: all the client's grants. */
  scopes?: readonly string[];
}

/** Tokens of an OAuth session, as stored (in SecretStorage, inside the session JSON). */
export interface OAuth2Tokens {
  accessToken: string;
  refreshToken?: string;
  /** ms since the epoch. */
  expiresAt: number;
}

/** The OAuth part of a stored session. */
export interface OAuth2SessionData extends OAuth2Tokens {
  clientId: string;
  /** Set for a pasted owner-only token (no refresh, no browser). */
  ownerOnly?: boolean;
}

export interface OAuth2Profile {
  sub: string;
  username: string;
  grants: string[];
  [key: string]: unknown;
}

/**
 * An OAuth error, coded: the wiki's OAuth error (`invalid_grant`, `invalid_client`, ...) or one of
 * ours (`oauth-*`). Never carries a token, code, verifier or secret.
 */
export class OAuthError extends WikiError {
  constructor(
    readonly code: string,
    message: string,
    /** league's hint, e.g. "Token has been revoked". */
    readonly hint?: string,
  ) {
    super(formatMessage(code, message));
    this.name = 'OAuthError';
  }
}

/** rest.php is next to api.php in every MediaWiki install. */
export function oauth2Endpoints(apiUrl: string): OAuth2Endpoints {
  const base = new URL('rest.php/oauth2/', new URL('.', apiUrl)).toString();
  return { authorize: `${base}authorize`, token: `${base}access_token`, profile: `${base}resource/profile` };
}

/**
 * Does the wiki offer OAuth 2? One POST without cookies and without fields to the token endpoint:
 * Extension:OAuth answers 400 `{"error":"invalid_request",...}`; without it rest.php answers 404.
 */
export async function discoverOAuth2(transport: Transport, apiUrl: string, signal?: AbortSignal): Promise<OAuth2Endpoints | undefined> {
  const endpoints = oauth2Endpoints(apiUrl);
  const res = await transport.send({ method: 'POST', url: endpoints.token, params: new URLSearchParams(), cookies: false, signal });
  if (res.status !== 400 || !(res.headers['content-type'] ?? '').includes('json')) return undefined;
  try {
    const body = JSON.parse(res.body) as { error?: unknown; error_description?: unknown };
    return body.error === 'invalid_request' && typeof body.error_description === 'string' ? endpoints : undefined;
  } catch {
    return undefined;
  }
}

/** A started authorization: open `url` in the browser, keep `state` and `verifier` for the answer. */
export interface OAuth2Authorization {
  url: string;
  state: string;
  verifier: string;
}

/** The authorization URL with PKCE S256 and a fresh `state`. */
export function startAuthorization(endpoints: OAuth2Endpoints, client: OAuth2ClientConfig): OAuth2Authorization {
  const verifier = randomBytes(32).toString('base64url'); // 43 characters of [A-Za-z0-9-_]
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(endpoints.authorize);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('redirect_uri', client.redirectUri);
  if (client.scopes && client.scopes.length > 0) url.searchParams.set('scope', client.scopes.join(' '));
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.toString(), state, verifier };
}

/**
 * Reads what came back to the redirect URI: the code, or a coded error. Cancel comes back as
 * `error=unauthorized_client` without `state` (Extension:OAuth's ClientApprovalDenyException).
 */
export function readAuthorizationResponse(callbackUrl: string, expectedState: string): string {
  const q = new URL(callbackUrl).searchParams;
  const error = q.get('error');
  if (error) {
    if (error === 'unauthorized_client' || error === 'access_denied') {
      throw new OAuthError('oauth-cancelled', l10n.t('The authorization was cancelled on the wiki.'));
    }
    const text = q.get('error_description') || q.get('message') || error;
    throw new OAuthError(error, l10n.t('The wiki refused the authorization: {0}', text), q.get('hint') ?? undefined);
  }
  if (q.get('state') !== expectedState) {
    throw new OAuthError('oauth-state-mismatch', l10n.t('The answer to the authorization does not belong to this login (state mismatch); it was ignored.'));
  }
  const code = q.get('code');
  if (!code) throw new OAuthError('oauth-no-code', l10n.t('The wiki sent back neither a code nor an error.'));
  return code;
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
  hint?: unknown;
}

async function tokenRequest(transport: Transport, endpoints: OAuth2Endpoints, form: URLSearchParams, signal?: AbortSignal): Promise<OAuth2Tokens> {
  const res = await transport.send({ method: 'POST', url: endpoints.token, params: form, cookies: false, redirects: 'none', signal });
  let body: TokenAnswer;
  try {
    body = JSON.parse(res.body) as TokenAnswer;
  } catch {
    throw new OAuthError('not-json', l10n.t('{0} answered HTTP {1} to the token request, not with JSON.', hostOf(endpoints.token), res.status));
  }
  if (res.status !== 200 || typeof body.access_token !== 'string') {
    // The wiki's words, minus anything we sent that is secret (a hostile wiki could echo it back).
    const sent = ['code', 'code_verifier', 'client_secret', 'refresh_token'].map((k) => form.get(k) ?? undefined);
    const clean = (v: unknown): string | undefined => (typeof v === 'string' ? scrub(v, sent) : undefined);
    const code = typeof body.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? body.error : `http-${res.status}`;
    const hint = clean(body.hint);
    const text = clean(body.error_description) ?? `HTTP ${res.status}`;
    throw new OAuthError(code, hint ? `${text} (${hint})` : text, hint);
  }
  const seconds = typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) ? body.expires_in : 3600;
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresAt: Date.now() + seconds * 1000,
  };
}

/** Code -> tokens. A public client sends no secret; PKCE proves it started the flow. One request. */
export function exchangeCode(transport: Transport, endpoints: OAuth2Endpoints, client: OAuth2ClientConfig, code: string, verifier: string, signal?: AbortSignal): Promise<OAuth2Tokens> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: client.clientId, code, redirect_uri: client.redirectUri, code_verifier: verifier });
  return tokenRequest(transport, endpoints, form, signal);
}

/**
 * Refresh (rotates both tokens; the old ones stop working at once). Extension:OAuth checks the
 * client secret here even for public clients, and 1.39-1.41 keep refresh tokens for 60 s only, so
 * a failure is expected: it ends in `oauth-login-again` (or `oauth-revoked`), saying to use the browser.
 */
export async function refreshTokens(transport: Transport, endpoints: OAuth2Endpoints, clientId: string, clientSecret: string | undefined, refreshToken: string | undefined, signal?: AbortSignal): Promise<OAuth2Tokens> {
  if (!clientSecret || !refreshToken) {
    throw new OAuthError('oauth-login-again', l10n.t('The OAuth access to {0} has expired and cannot be renewed without the client secret: log in through the browser again.', hostOf(endpoints.token)));
  }
  const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken });
  try {
    return await tokenRequest(transport, endpoints, form, signal);
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e;
    if (e.hint === 'Token has been revoked') throw revokedError(endpoints);
    if (e.code === 'invalid_client') {
      throw new OAuthError('oauth-login-again', l10n.t('{0} did not accept the client secret for renewing the OAuth access (invalid_client): log in through the browser again, and check the secret.', hostOf(endpoints.token)));
    }
    throw new OAuthError('oauth-login-again', l10n.t('The OAuth access to {0} could not be renewed ({1}): log in through the browser again.', hostOf(endpoints.token), e.hint ?? e.code));
  }
}

function revokedError(endpoints: OAuth2Endpoints): OAuthError {
  const wiki = new URL(endpoints.authorize);
  const page = new URL(wiki.pathname.replace(/rest\.php\/oauth2\/authorize$/, 'index.php'), wiki);
  page.searchParams.set('title', 'Special:OAuthManageMyGrants');
  return new OAuthError('oauth-revoked', l10n.t('The OAuth authorization for {0} was revoked on the wiki (see {1}) or replaced by a newer one.', wiki.host, page.toString()));
}

/** The profile route (one request): who the token belongs to and its grants. */
export async function fetchProfile(transport: Transport, endpoints: OAuth2Endpoints, accessToken: string, signal?: AbortSignal): Promise<OAuth2Profile> {
  const res = await transport.send({ method: 'GET', url: endpoints.profile, headers: { authorization: `Bearer ${accessToken}` }, cookies: false, redirects: 'none', signal });
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  if (res.status !== 200 || typeof body.username !== 'string') {
    const hint = typeof body.hint === 'string' ? body.hint : undefined;
    throw new OAuthError('oauth-token-invalid', l10n.t('{0} did not accept the OAuth access token ({1}).', hostOf(endpoints.profile), hint ?? `HTTP ${res.status}`), hint);
  }
  return { ...body, sub: String(body.sub), username: body.username, grants: Array.isArray(body.grants) ? body.grants.map(String) : [] };
}

/**
 * The credentials an OAuth session sends: `Authorization: Bearer` on every request, no cookies.
 * `renew` refreshes single-flight (many calls refused together cause one refresh).
 */
export class OAuth2Credentials {
  private renewing: Promise<void> | undefined;

  constructor(
    readonly endpoints: OAuth2Endpoints,
    private data: OAuth2SessionData,
    /** The client secret (kept outside the session JSON); without it there is no refresh. */
    private readonly clientSecret?: string,
    /** Told after each refresh, so that the new tokens can be stored. */
    readonly onTokens?: (data: OAuth2SessionData) => void,
  ) {}

  get authorization(): string {
    return `Bearer ${this.data.accessToken}`;
  }

  get session(): OAuth2SessionData {
    return { ...this.data };
  }

  /** By our clock (the answer's arrival + expires_in), which is never earlier than the wiki's. */
  get expired(): boolean {
    return Date.now() >= this.data.expiresAt;
  }

  get canRefresh(): boolean {
    return Boolean(this.clientSecret && this.data.refreshToken && !this.data.ownerOnly);
  }

  /** The values never to show anywhere (for scrubbing). */
  secrets(): string[] {
    return [this.data.accessToken, this.data.refreshToken, this.clientSecret].filter((s): s is string => Boolean(s));
  }

  /**
   * The wiki refused the token (mwoauth-invalid-authorization): refresh if possible, else a coded
   * error that says what to do. A token refused before its own expiry was revoked.
   */
  renew(transport: Transport, signal?: AbortSignal): Promise<void> {
    this.renewing ??= (async () => {
      try {
        if (!this.canRefresh) {
          if (this.data.ownerOnly || this.data.expiresAt > Date.now()) throw revokedError(this.endpoints);
        }
        const tokens = await refreshTokens(transport, this.endpoints, this.data.clientId, this.clientSecret, this.data.refreshToken, signal);
        this.data = { ...this.data, ...tokens };
        this.onTokens?.(this.session);
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }
}

/** Relogin for an OAuth client: refresh, then start a new session (tokens belong to the old one). */
export async function renewOAuth2(client: ApiClient): Promise<void> {
  const creds = client.oauth;
  if (!creds) throw new OAuthError('oauth-login-again', l10n.t('This session has no OAuth credentials: log in through the browser again.'));
  await creds.renew(client.transport);
  client.setUser(client.user);
}

/**
 * Finishes a browser authorization: code -> tokens (1 request), then who it is (1 userinfo request
 * with the new token). The client then sends the token on every request.
 */
export async function loginWithOAuth2Code(
  client: ApiClient,
  config: OAuth2ClientConfig,
  callbackUrl: string,
  authorization: OAuth2Authorization,
  options: { signal?: AbortSignal; onTokens?: (data: OAuth2SessionData) => void; endpoints?: OAuth2Endpoints } = {},
): Promise<WikiUser> {
  const code = readAuthorizationResponse(callbackUrl, authorization.state);
  const endpoints = options.endpoints ?? oauth2Endpoints(client.apiUrl);
  const tokens = await exchangeCode(client.transport, endpoints, config, code, authorization.verifier, options.signal);
  const creds = new OAuth2Credentials(endpoints, { ...tokens, clientId: config.clientId }, config.clientSecret, options.onTokens);
  return adopt(client, creds, options.signal);
}

/**
 * An owner-only consumer's access token, pasted by its owner: checked with one request (userinfo
 * under the token) and then used like any session. It lasts 1000 years and has no refresh token.
 */
export async function loginWithOwnerOnlyToken(client: ApiClient, clientId: string, accessToken: string, signal?: AbortSignal): Promise<WikiUser> {
  const token = accessToken.trim().replace(/^Bearer\s+/, '');
  const exp = jwtExpiry(token);
  if (exp === undefined) {
    throw new OAuthError('oauth-token-malformed', l10n.t('The pasted text is not an OAuth 2 access token (a JWT: three parts separated by dots).'));
  }
  const creds = new OAuth2Credentials(oauth2Endpoints(client.apiUrl), { accessToken: token, expiresAt: exp, clientId, ownerOnly: true });
  return adopt(client, creds, signal);
}

async function adopt(client: ApiClient, creds: OAuth2Credentials, signal?: AbortSignal): Promise<WikiUser> {
  const previous = client.oauth;
  client.oauth = creds;
  let ui: { id?: number; name?: string; anon?: boolean } | undefined;
  try {
    // Not checkSession: that reads a refused token as "expired"; here the two answers mean different things.
    const res = await client.get({ action: 'query', meta: 'userinfo' }, { signal, assert: false, login: true });
    ui = (res.query as { userinfo?: typeof ui } | undefined)?.userinfo;
  } catch (e) {
    client.oauth = previous;
    if (e instanceof ApiError && e.code.startsWith('mwoauth-invalid-authorization')) {
      throw new OAuthError('oauth-token-invalid', l10n.t('{0} did not accept the OAuth access token ({1}).', hostOf(client.apiUrl), e.code));
    }
    throw e;
  }
  if (!ui || ui.anon || !ui.id || typeof ui.name !== 'string') {
    // A wiki without Extension:OAuth ignores the header.
    client.oauth = previous;
    throw new OAuthError('oauth-token-invalid', l10n.t('{0} ran the request with the OAuth access token as an anonymous user.', hostOf(client.apiUrl)));
  }
  const user: WikiUser = { name: ui.name, id: ui.id };
  client.relogin = renewOAuth2;
  client.setUser(user);
  return user;
}

/** `exp` of a JWT in ms (not verified: the wiki does that); undefined if it is not a JWT. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? Math.floor(claims.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}
