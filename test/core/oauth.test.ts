// OAuth 2.0 in the core against the real wiki with the TestOAuth fixture: the browser side is done
// with plain HTTP requests as a browser would (the wiki's login form, the consent page).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiClient,
  OAuthError,
  describeParams,
  redactUrl,
  refreshTokens,
  discoverOAuth2,
  exchangeCode,
  fetchProfile,
  loginWithOAuth2Code,
  loginWithOwnerOnlyToken,
  oauth2Endpoints,
  readAuthorizationResponse,
  restoreSession,
  serializeSession,
  startAuthorization,
  Transport,
  type OAuth2ClientConfig,
  type OAuth2SessionData,
} from '../../src/mediawiki';
import { TestBrowser, type OAuthWiki } from '../wiki/oauth';
import { wiki } from './hooks';
import { GRANTS, browserAuthorize, publicConsumer, startWikiWithOAuth } from './oauthHelpers';

describe('OAuth 2.0 (core)', function () {
  this.timeout(120_000);
  let w: OAuthWiki;
  let trace: string[];
  before(async () => {
    w = await startWikiWithOAuth();
  });
  after(async () => {
    await w?.stop();
  });
  beforeEach(() => {
    trace = [];
    w.oauth.configure({ accessTtl: 'PT1H', refreshTtl: 'PT1M' });
  });

  function newClient(): ApiClient {
    return new ApiClient({ apiUrl: w.apiUrl, transport: { trace: (l) => trace.push(l) } });
  }
  function tokenRequests(): number {
    return w.requests().filter((r) => r.path === '/w/rest.php/oauth2/access_token').length;
  }
  async function revisionUser(title: string): Promise<string> {
    const r = await fetch(`${w.apiUrl}?action=query&prop=revisions&titles=${encodeURIComponent(title)}&rvprop=user&format=json&formatversion=2`);
    const body = (await r.json()) as { query: { pages: { revisions: { user: string }[] }[] } };
    return body.query.pages[0]!.revisions[0]!.user;
  }
  /** A whole browser login; returns the logged-in client, the config and what was stored. */
  async function logIn(name: string, opts: { secret?: boolean } = {}) {
    const c = await publicConsumer(w, name);
    const config: OAuth2ClientConfig = { clientId: c.client_key, redirectUri: c.callback, clientSecret: opts.secret ? c.secret : undefined };
    const auth = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const end = await browserAuthorize(w, auth.url);
    const client = newClient();
    const stored: OAuth2SessionData[] = [];
    const user = await loginWithOAuth2Code(client, config, end.location!, auth, { onTokens: (d) => stored.push(d) });
    return { c, config, client, user, stored, secrets: () => [c.secret, ...(client.oauth?.secrets() ?? []), ...stored.flatMap((s) => [s.accessToken, s.refreshToken ?? ''])] };
  }
  function assertNoSecrets(texts: string[], secrets: string[]): void {
    for (const s of secrets.filter((x) => x.length > 8)) {
      for (const t of texts) assert.ok(!t.includes(s), `a secret (${s.slice(0, 6)}...) appears in: ${t.slice(0, 200)}`);
    }
  }

  it('finds out whether a wiki offers OAuth 2 (one request, no cookies)', async () => {
    const t = new Transport();
    const found = await discoverOAuth2(t, w.apiUrl);
    assert.deepEqual(found, oauth2Endpoints(w.apiUrl));
    assert.equal(found!.authorize, `${w.server}/w/rest.php/oauth2/authorize`);
    assert.equal(t.requestCount, 1);
    assert.equal(await discoverOAuth2(new Transport(), wiki().apiUrl), undefined, 'the plain test wiki has no Extension:OAuth');
  });

  it('authorization code + PKCE end to end: Bearer on every request, no cookies, an edit saved as the user', async () => {
    const c = await publicConsumer(w, 'core-e2e');
    const config: OAuth2ClientConfig = { clientId: c.client_key, redirectUri: c.callback, scopes: GRANTS };
    const auth = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const url = new URL(auth.url);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(url.searchParams.get('redirect_uri'), c.callback);
    assert.equal(url.searchParams.get('scope'), GRANTS.join(' '));
    assert.ok(auth.state.length >= 16 && url.searchParams.get('state') === auth.state);
    const end = await browserAuthorize(w, auth.url);
    w.clearRequests();
    const client = newClient();
    const user = await loginWithOAuth2Code(client, config, end.location!, auth);
    assert.deepEqual(user, { name: 'Plain', id: w.users.plain.userId });
    assert.equal(client.transport.requestCount, 2, 'code exchange + userinfo');
    const title = `OAuth core edit ${Date.now()}`;
    const res = await client.postWithToken('csrf', { action: 'edit', title, text: 'saved with a bearer token' });
    assert.equal((res.edit as { result: string }).result, 'Success');
    const api = w.requests().filter((r) => r.path === '/w/api.php');
    assert.equal(await revisionUser(title), 'Plain');
    assert.ok(api.length >= 3);
    for (const r of api) assert.deepEqual(r.cookieNames, [], 'an OAuth session sends no cookies');
    // The first is the login's own userinfo check; every request of the session carries assert=user.
    assert.deepEqual(api.slice(1).map((r) => r.paramNames.includes('assert')), api.slice(1).map(() => true));
    assert.deepEqual(await client.transport.cookieNames(w.apiUrl), [], 'no cookie was kept');
    assertNoSecrets([...trace], [auth.verifier, new URL(end.location!).searchParams.get('code')!, ...client.oauth!.secrets()]);
  });

  it('a state mismatch is refused before anything is sent', async () => {
    const c = await publicConsumer(w, 'core-state');
    const config: OAuth2ClientConfig = { clientId: c.client_key, redirectUri: c.callback };
    const mine = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const other = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const end = await browserAuthorize(w, other.url);
    const client = newClient();
    await assert.rejects(loginWithOAuth2Code(client, config, end.location!, mine), (e: unknown) => e instanceof OAuthError && e.code === 'oauth-state-mismatch' && /state mismatch/.test(e.message));
    assert.equal(client.transport.requestCount, 0);
    assert.equal(client.user, undefined);
  });

  it('a PKCE mismatch: the wiki answers invalid_grant and the error names no code or verifier', async () => {
    const c = await publicConsumer(w, 'core-pkce');
    const config: OAuth2ClientConfig = { clientId: c.client_key, redirectUri: c.callback };
    const auth = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const other = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const end = await browserAuthorize(w, auth.url);
    const code = readAuthorizationResponse(end.location!, auth.state);
    const err = await exchangeCode(new Transport(), oauth2Endpoints(w.apiUrl), config, code, other.verifier).then(
      () => assert.fail('exchanged with the wrong verifier'),
      (e: unknown) => e as OAuthError,
    );
    assert.ok(err instanceof OAuthError);
    assert.equal(err.code, 'invalid_grant');
    assert.match(err.message, /Failed to verify `code_verifier`/);
    assertNoSecrets([err.message, String(err.stack)], [code, other.verifier, auth.verifier]);
    const ok = await exchangeCode(new Transport(), oauth2Endpoints(w.apiUrl), config, code, auth.verifier);
    assert.ok(ok.accessToken.length > 100, 'the code was not used up by the failed attempt');
  });

  it('a redirect URI that is not registered exactly: the wiki shows its error page and nothing comes back', async () => {
    const c = await publicConsumer(w, 'core-redirect');
    const config: OAuth2ClientConfig = { clientId: c.client_key, redirectUri: c.callback.replace('127.0.0.1', 'localhost') };
    const auth = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const b = new TestBrowser(w.server);
    const last = await browserAuthorize(w, auth.url, 'accept', b).catch((e: Error) => e);
    assert.ok(last instanceof Error && /no consent page/.test(last.message));
    const page = b.history[b.history.length - 1]!;
    assert.equal(page.status, 200);
    assert.match(page.body, /Application Connection Error/);
    assert.ok(!b.history.some((s) => s.location?.startsWith('http://localhost')), 'the browser was never sent to the unregistered address');
  });

  it('Cancel on the consent page comes back as a coded oauth-cancelled (without state)', async () => {
    const c = await publicConsumer(w, 'core-cancel');
    const config: OAuth2ClientConfig = { clientId: c.client_key, redirectUri: c.callback };
    const auth = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const end = await browserAuthorize(w, auth.url, 'cancel');
    const client = newClient();
    await assert.rejects(loginWithOAuth2Code(client, config, end.location!, auth), (e: unknown) => e instanceof OAuthError && e.code === 'oauth-cancelled' && /\[oauth-cancelled\]/.test(e.message));
    assert.equal(client.transport.requestCount, 0);
  });

  it('expiry -> one refresh (single-flight for concurrent calls) -> the edits go through; the new tokens are handed over for storing', async () => {
    w.oauth.configure({ accessTtl: 'PT2S' });
    const s = await logIn('core-refresh', { secret: true });
    const first = s.client.oauth!.session;
    await new Promise((r) => setTimeout(r, Math.max(0, first.expiresAt - Date.now()) + 300));
    w.clearRequests();
    const titles = [1, 2, 3, 4, 5].map((i) => `OAuth refresh ${Date.now()} ${i}`);
    const results = await Promise.all(titles.map((title) => s.client.postWithToken('csrf', { action: 'edit', title, text: 'after refresh' })));
    for (const r of results) assert.equal((r.edit as { result: string }).result, 'Success');
    assert.equal(tokenRequests(), 1, 'one refresh for five calls');
    assert.equal(w.requests().filter((r) => r.path === '/w/api.php').length, 6, 'meta=tokens + 5 edits: the known-expired token was not sent');
    assert.equal(s.client.reloginCount, 1);
    assert.equal(s.stored.length, 1);
    assert.notEqual(s.stored[0]!.accessToken, first.accessToken);
    assert.notEqual(s.stored[0]!.refreshToken, first.refreshToken);
    assert.equal(await revisionUser(titles[0]!), 'Plain');
    const rows = await w.oauth.tokens(s.c.client_key);
    assert.equal(rows.refresh.filter((r) => !r.revoked).length, 1, 'the old refresh token was rotated away');
    assertNoSecrets(trace, [...s.secrets(), first.accessToken, first.refreshToken!]);
  });

  it('without a stored secret, expiry ends in a coded error that says to log in through the browser again', async () => {
    w.oauth.configure({ accessTtl: 'PT1S' });
    const s = await logIn('core-nosecret');
    const expired: unknown[] = [];
    await new Promise((r) => setTimeout(r, Math.max(0, s.client.oauth!.session.expiresAt - Date.now()) + 300));
    w.clearRequests();
    const err = await s.client.get({ action: 'query', meta: 'userinfo' }).then(() => assert.fail('worked with an expired token'), (e: unknown) => e as OAuthError);
    expired.push(err);
    assert.equal(err.code, 'oauth-login-again');
    assert.match(err.message, /log in through the browser again/);
    assert.deepEqual(w.requests(), [], 'no refresh without the secret, and the known-expired token is not sent');
    // Later calls fail fast with the same error (no request).
    const before = s.client.transport.requestCount;
    await assert.rejects(s.client.get({ action: 'query', meta: 'siteinfo' }), (e: unknown) => (e as OAuthError).code === 'oauth-login-again');
    assert.equal(s.client.transport.requestCount, before);
    assertNoSecrets([err.message], s.secrets());
  });

  it('a refresh the wiki refuses (refresh token expired, PT1M on 1.39) ends in oauth-login-again', async () => {
    w.oauth.configure({ accessTtl: 'PT1S', refreshTtl: 'PT1S' });
    const s = await logIn('core-refreshfail', { secret: true });
    await new Promise((r) => setTimeout(r, Math.max(0, s.client.oauth!.session.expiresAt - Date.now()) + 300));
    w.clearRequests();
    const err = await s.client.postWithToken('csrf', { action: 'edit', title: 'OAuth never saved', text: 'x' }).then(() => assert.fail('edited'), (e: unknown) => e as OAuthError);
    assert.equal(err.code, 'oauth-login-again');
    assert.match(err.message, /Token has expired.*log in through the browser again/);
    assert.equal(tokenRequests(), 1);
    assert.equal(w.requests().filter((r) => r.action === 'edit').length, 0);
    assertNoSecrets([err.message, String(err.stack), ...trace], s.secrets());
  });

  it('a revoked grant: oauth-revoked, naming Special:OAuthManageMyGrants (with and without a secret)', async () => {
    for (const secret of [true, false]) {
      const s = await logIn(`core-revoked-${secret}`, { secret });
      await w.oauth.revoke(w.users.plain.userId, s.c.client_key);
      const err = await s.client.get({ action: 'query', meta: 'userinfo' }).then(() => assert.fail('worked after revocation'), (e: unknown) => e as OAuthError);
      assert.equal(err.code, 'oauth-revoked', `secret: ${secret}`);
      assert.match(err.message, /revoked on the wiki \(see http:\/\/127\.0\.0\.1:\d+\/w\/index\.php\?title=Special%3AOAuthManageMyGrants\)/);
      assert.match(err.message, /log in through the browser again/);
      assertNoSecrets([err.message], s.secrets());
    }
  });

  it('an owner-only token: checked with one request, then used like any session', async () => {
    const c = await w.oauth.createConsumer({ owner: w.users.plain.userId, ownerOnly: true, grants: GRANTS, name: 'core-owner' });
    const client = newClient();
    const user = await loginWithOwnerOnlyToken(client, c.client_key, `  ${c.access_token!}\n`);
    assert.deepEqual(user, { name: 'Plain', id: w.users.plain.userId });
    assert.equal(client.transport.requestCount, 1);
    const title = `OAuth owner-only ${Date.now()}`;
    await client.postWithToken('csrf', { action: 'edit', title, text: 'owner-only' });
    assert.equal(await revisionUser(title), 'Plain');
    const bad = newClient();
    await assert.rejects(loginWithOwnerOnlyToken(bad, c.client_key, 'not a token'), (e: unknown) => (e as OAuthError).code === 'oauth-token-malformed');
    assert.equal(bad.transport.requestCount, 0);
    const parts = c.access_token!.split('.');
    await assert.rejects(loginWithOwnerOnlyToken(bad, c.client_key, `${parts[0]}.${parts[1]}.AAAA`), (e: unknown) => (e as OAuthError).code === 'oauth-token-invalid');
    assert.equal(bad.user, undefined);
    assert.equal(bad.oauth, undefined);
    await w.oauth.revoke(w.users.plain.userId, c.client_key);
    await assert.rejects(client.get({ action: 'query', meta: 'userinfo' }), (e: unknown) => (e as OAuthError).code === 'oauth-revoked');
    assertNoSecrets(trace, [c.access_token!, c.secret]);
  });

  it('restore: 0 requests before the first query, the tokens (not the secret) in the session, refresh after restore, logout sends nothing', async () => {
    w.oauth.configure({ accessTtl: 'PT2S' });
    const s = await logIn('core-restore', { secret: true });
    const json = serializeSession(s.client);
    const data = JSON.parse(json) as { method?: string; oauth: OAuth2SessionData; cookies: { cookies: unknown[] } };
    assert.equal(data.method, undefined, 'how the login was made is kept beside the session, not in it');
    assert.equal(data.oauth.clientId, s.c.client_key);
    assert.equal(data.oauth.accessToken, s.client.oauth!.session.accessToken);
    assert.deepEqual(data.cookies.cookies, []);
    assert.ok(!json.includes(s.c.secret), 'the client secret is kept apart');
    w.clearRequests();
    const stored: OAuth2SessionData[] = [];
    const { client } = restoreSession(json, { oauthClientSecret: s.c.secret, onOAuthTokens: (d) => stored.push(d), transport: { trace: (l) => trace.push(l) } });
    assert.equal(client.transport.requestCount, 0);
    assert.deepEqual(w.requests(), []);
    assert.deepEqual(client.user, { name: 'Plain', id: w.users.plain.userId });
    const ui = await client.get({ action: 'query', meta: 'userinfo' });
    assert.equal((ui.query as { userinfo: { name: string } }).userinfo.name, 'Plain');
    assert.equal(client.transport.requestCount, 1);
    await new Promise((r) => setTimeout(r, Math.max(0, data.oauth.expiresAt - Date.now()) + 300));
    const title = `OAuth restored ${Date.now()}`;
    await client.postWithToken('csrf', { action: 'edit', title, text: 'after restore and refresh' });
    assert.equal(await revisionUser(title), 'Plain');
    assert.equal(stored.length, 1, 'the refreshed tokens were handed over for storing');
    const before = client.transport.requestCount;
    await client.logout();
    assert.equal(client.transport.requestCount, before, 'no revocation endpoint, and action=logout is refused under OAuth');
    assert.equal(client.oauth, undefined);
    assert.equal(client.user, undefined);
    assertNoSecrets(trace, [...s.secrets(), ...stored.flatMap((d) => [d.accessToken, d.refreshToken ?? ''])]);
  });

  it('a token the wiki refuses before the expiry we know of (clock skew): one refused call, one refresh, the call goes through', async () => {
    w.oauth.configure({ accessTtl: 'PT1S' });
    const s = await logIn('core-skew', { secret: true });
    const data = JSON.parse(serializeSession(s.client)) as { oauth: OAuth2SessionData };
    await new Promise((r) => setTimeout(r, Math.max(0, data.oauth.expiresAt - Date.now()) + 300));
    data.oauth.expiresAt = Date.now() + 3_600_000; // our clock says it is still valid
    w.oauth.configure({ accessTtl: 'PT1H' });
    const { client } = restoreSession(JSON.stringify(data), { oauthClientSecret: s.c.secret });
    w.clearRequests();
    const ui = await client.get({ action: 'query', meta: 'userinfo' });
    assert.equal((ui.query as { userinfo: { name: string } }).userinfo.name, 'Plain');
    assert.deepEqual(w.requests().map((r) => r.path), ['/w/api.php', '/w/rest.php/oauth2/access_token', '/w/api.php']);
    assert.equal(client.reloginCount, 1);
  });

  it('traces: the token request and the answer at the redirect URI show ids, never codes, verifiers, secrets or tokens', () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: 'abc123', client_secret: 's3cr3t-value', refresh_token: 'def50200xyz', code: 'def50200code', code_verifier: 'v'.repeat(43), redirect_uri: 'http://127.0.0.1:1/cb', access_token: 'eyJ.x.y' });
    assert.equal(describeParams(form), 'grant_type=refresh_token&client_id=abc123&client_secret=***&refresh_token=***&code=***&code_verifier=***&redirect_uri=http://127.0.0.1:1/cb&access_token=***');
    assert.equal(redactUrl('http://127.0.0.1:1/cb?code=def50200abc&state=xyz'), 'http://127.0.0.1:1/cb?code=***&state=***');
  });

  it('profile: the user and the grants of a token (one request, no cookies); a revoked token is oauth-token-invalid with the wiki\'s hint', async () => {
    const s = await logIn('core-profile');
    const t = new Transport();
    const token = s.client.oauth!.session.accessToken;
    const p = await fetchProfile(t, oauth2Endpoints(w.apiUrl), token);
    assert.deepEqual([p.sub, p.username, p.grants], [String(w.users.plain.userId), 'Plain', GRANTS]);
    assert.equal(t.requestCount, 1);
    await w.oauth.revoke(w.users.plain.userId, s.c.client_key);
    const err = await fetchProfile(t, oauth2Endpoints(w.apiUrl), token).then(() => assert.fail('profile after revocation'), (e: unknown) => e as OAuthError);
    assert.equal(err.code, 'oauth-token-invalid');
    assert.match(err.message, /Access token has been revoked/);
    assertNoSecrets([err.message], [token]);
  });

  it('checkSession reads a refused OAuth token as "expired" (undefined), as for a lost cookie session', async () => {
    const s = await logIn('core-check');
    assert.deepEqual(await s.client.checkSession(), { name: 'Plain', id: w.users.plain.userId });
    await w.oauth.revoke(w.users.plain.userId, s.c.client_key);
    assert.equal(await s.client.checkSession(), undefined);
  });

  it('a wiki without Extension:OAuth: not offered, and a pasted token is refused as ignored (anonymous)', async () => {
    const c = await w.oauth.createConsumer({ owner: w.users.plain.userId, ownerOnly: true, grants: GRANTS, name: 'core-elsewhere' });
    const client = new ApiClient({ apiUrl: wiki().apiUrl });
    await assert.rejects(loginWithOwnerOnlyToken(client, c.client_key, c.access_token!), (e: unknown) => (e as OAuthError).code === 'oauth-token-invalid' && /anonymous/.test((e as Error).message));
    assert.equal(client.user, undefined);
  });

  it('a hostile token endpoint that echoes what was sent: no secret reaches the error message', async () => {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const f = new URLSearchParams(body);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_request', error_description: `bad ${f.get('refresh_token')} ${f.get('client_secret')}`, hint: `code ${f.get('code')} verifier ${f.get('code_verifier')}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/w/api.php`;
      const secrets = ['S'.repeat(40), `def50200${'a'.repeat(64)}`, 'C'.repeat(60), 'V'.repeat(43)];
      const e1 = await refreshTokens(new Transport(), oauth2Endpoints(apiUrl), 'id', secrets[0], secrets[1]).then(() => assert.fail('refreshed'), (e: unknown) => e as Error);
      const e2 = await exchangeCode(new Transport(), oauth2Endpoints(apiUrl), { clientId: 'id', redirectUri: 'http://127.0.0.1:1/cb' }, secrets[2]!, secrets[3]!).then(() => assert.fail('exchanged'), (e: unknown) => e as Error);
      assert.match(e1.message, /\[oauth-login-again\]/);
      assert.match(e2.message, /\[invalid_request\]/);
      assertNoSecrets([e1.message, String(e1.stack), e2.message, String(e2.stack), JSON.stringify(e1), JSON.stringify(e2)], secrets);
    } finally {
      server.close();
    }
  });
});
