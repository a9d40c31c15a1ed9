// The TestOAuth fixture answers what mediawiki-oauth2-facts.md measured on Extension:OAuth REL1_39.
// Raw fetch only: no code of the extension is used here.
import * as assert from 'node:assert/strict';
import { TestBrowser, type OAuthWiki } from '../wiki/oauth';
import { GRANTS, browserAuthorize, jwtClaims, pkce, publicConsumer, startWikiWithOAuth } from './oauthHelpers';

describe('OAuth 2 fixture (TestOAuth behaves like Extension:OAuth REL1_39)', function () {
  this.timeout(120_000);
  let w: OAuthWiki;
  before(async () => {
    w = await startWikiWithOAuth();
  });
  after(async () => {
    await w?.stop();
  });

  function authorizeUrl(clientId: string, params: Record<string, string>): string {
    return `${w.oauth.base}/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, ...params })}`;
  }
  async function token(form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, string>; headers: Headers }> {
    const res = await fetch(`${w.oauth.base}/access_token`, { method: 'POST', body: new URLSearchParams(form), headers });
    return { status: res.status, body: (await res.json()) as Record<string, string>, headers: res.headers };
  }
  async function api(params: Record<string, string>, auth?: string, init: { post?: boolean; cookie?: string } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (auth !== undefined) headers['authorization'] = auth;
    if (init.cookie) headers['cookie'] = init.cookie;
    const q = new URLSearchParams({ format: 'json', formatversion: '2', ...params });
    const res = init.post
      ? await fetch(w.apiUrl, { method: 'POST', body: q, headers })
      : await fetch(`${w.apiUrl}?${q}`, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  }
  /** A full code flow; returns the tokens. */
  async function tokensFor(c: { client_key: string; callback: string }): Promise<Record<string, string>> {
    const { verifier, challenge } = pkce();
    const step = await browserAuthorize(w, authorizeUrl(c.client_key, { redirect_uri: c.callback, state: 's', code_challenge: challenge, code_challenge_method: 'S256' }));
    const code = new URL(step.location!).searchParams.get('code')!;
    const t = await token({ grant_type: 'authorization_code', client_id: c.client_key, code, redirect_uri: c.callback, code_verifier: verifier });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    return t.body;
  }

  describe('authorize', () => {
    it('sends a browser that is not logged in to Special:UserLogin (307), back to the authorize URL after login, then to the consent page (307)', async () => {
      const c = await publicConsumer(w, 'fx-login');
      const { challenge } = pkce();
      const url = authorizeUrl(c.client_key, { redirect_uri: c.callback, state: 'abc', code_challenge: challenge, code_challenge_method: 'S256' });
      const b = new TestBrowser(w.server);
      const first = await b.request(url);
      assert.equal(first.status, 307);
      const login = new URL(first.location!);
      assert.equal(login.searchParams.get('title'), 'Special:UserLogin');
      assert.equal(login.searchParams.get('returnto'), 'Special:OAuth/rest_redirect');
      assert.equal(new URLSearchParams(login.searchParams.get('returntoquery')!).get('rest_url'), url.slice(w.server.length));
      const loginPage = await b.go(first.location!);
      const afterLogin = await b.logIn(loginPage, w.users.plain.name, w.users.plain.password);
      const approve = b.history.find((s) => s.status === 307 && s.location?.includes('Special:OAuth/approve'));
      assert.ok(approve, 'the authorize URL redirected to the consent page (307) after login');
      const q = new URL(approve.location!).searchParams;
      assert.equal(q.get('returnto'), '/w/rest.php/oauth2/authorize');
      assert.equal(q.get('oauth_version'), '2');
      assert.equal(q.get('scope'), GRANTS.join(' '));
      assert.match(afterLogin.body, /name="wpEditToken"/);
      for (const f of ['wpaction', 'wpconfirmUpdate', 'oauth_version', 'client_id', 'scope', 'returnto', 'returntoquery']) assert.match(afterLogin.body, new RegExp(`name="${f}"`));
      const buttons = [...afterLogin.body.matchAll(/<input[^>]*type="submit"[^>]*>/g)].map((m) => m[0]);
      assert.ok(buttons.some((b) => b.includes('name="accept"') && b.includes('value="Allow"')), buttons.join());
      assert.ok(buttons.some((b) => b.includes('name="cancel"') && b.includes('value="Cancel"')), buttons.join());
    });

    it('Allow: 302 to the authorize URL with approval_pass=1, then 302 to the redirect URI with code (def50200...) and state', async () => {
      const c = await publicConsumer(w, 'fx-allow');
      const { challenge } = pkce();
      const b = new TestBrowser(w.server);
      const end = await browserAuthorize(w, authorizeUrl(c.client_key, { redirect_uri: c.callback, state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256' }), 'accept', b);
      assert.ok(b.history.some((s) => s.status === 302 && s.location?.includes('approval_pass=1')));
      assert.equal(end.status, 302);
      const back = new URL(end.location!);
      assert.equal(`${back.origin}${back.pathname}`, c.callback);
      assert.match(back.searchParams.get('code')!, /^def50200[0-9a-f]+$/);
      assert.equal(back.searchParams.get('state'), 'xyz');
    });

    it('leaves state out when the request had none, and shows the consent page again for a client approved before', async () => {
      const c = await publicConsumer(w, 'fx-nostate');
      const b = new TestBrowser(w.server);
      await browserAuthorize(w, authorizeUrl(c.client_key, { code_challenge: pkce().challenge, code_challenge_method: 'S256' }), 'accept', b);
      const again = await b.go(authorizeUrl(c.client_key, { code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
      assert.match(again.body, /mw-mwoauth-authorize-form/);
      assert.match(again.body, /<input[^>]*name="wpconfirmUpdate"[^>]*value="1"|<input[^>]*value="1"[^>]*name="wpconfirmUpdate"/);
      const end = await b.consent(again, 'accept');
      const back = new URL(end.location!);
      assert.ok(back.searchParams.get('code'));
      assert.equal(back.searchParams.has('state'), false);
      assert.equal(`${back.origin}${back.pathname}`, c.callback, 'without redirect_uri the code goes to the registered URL');
    });

    it('Cancel: 302 to the redirect URI with error=unauthorized_client and no state', async () => {
      const c = await publicConsumer(w, 'fx-cancel');
      const end = await browserAuthorize(w, authorizeUrl(c.client_key, { redirect_uri: c.callback, state: 'st', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), 'cancel');
      assert.equal(end.status, 302);
      const q = new URL(end.location!).searchParams;
      assert.equal(q.get('error'), 'unauthorized_client');
      assert.equal(q.get('error_description'), 'User has rejected the request from client application');
      assert.equal(q.has('state'), false);
      assert.equal(q.has('code'), false);
    });

    it('errors without a redirect are an HTML page with HTTP 200: redirect URI not identical, unknown client, public client without PKCE, bad method', async () => {
      const c = await publicConsumer(w, 'fx-errors');
      const b = new TestBrowser(w.server);
      await browserAuthorize(w, authorizeUrl(c.client_key, { redirect_uri: c.callback, code_challenge: pkce().challenge, code_challenge_method: 'S256' }), 'accept', b);
      const challenge = pkce().challenge;
      const cases: [Record<string, string>, RegExp][] = [
        [{ redirect_uri: c.callback.replace('127.0.0.1:1', '127.0.0.1:2'), code_challenge: challenge, code_challenge_method: 'S256' }, /Client authentication failed/],
        [{ redirect_uri: c.callback.replace('127.0.0.1', 'localhost'), code_challenge: challenge, code_challenge_method: 'S256' }, /Client authentication failed/],
        [{ redirect_uri: `${c.callback}/extra`, code_challenge: challenge, code_challenge_method: 'S256' }, /Client authentication failed/],
        [{ client_id: 'ffffffffffffffffffffffffffffffff', code_challenge: challenge, code_challenge_method: 'S256' }, /Client authentication failed/],
        [{ redirect_uri: c.callback }, /The request is missing a required parameter/],
        [{ redirect_uri: c.callback, code_challenge: challenge, code_challenge_method: 'S512' }, /The request is missing a required parameter/],
        [{ redirect_uri: c.callback, code_challenge: 'short', code_challenge_method: 'S256' }, /The request is missing a required parameter/],
        [{ response_type: 'token', redirect_uri: c.callback, code_challenge: challenge, code_challenge_method: 'S256' }, /The request is missing a required parameter/],
      ];
      for (const [params, text] of cases) {
        const r = await b.request(authorizeUrl(c.client_key, params));
        assert.equal(r.status, 200, JSON.stringify(params));
        assert.equal(r.location, undefined);
        assert.match(r.body, /<title>Application Connection Error - MWSessions Test Wiki<\/title>/);
        assert.match(r.body, text, JSON.stringify(params));
      }
    });

    it('an unknown scope redirects with error=invalid_scope (no state); grants the client lacks are dropped', async () => {
      const c = await publicConsumer(w, 'fx-scope');
      const b = new TestBrowser(w.server);
      await browserAuthorize(w, authorizeUrl(c.client_key, { code_challenge: pkce().challenge, code_challenge_method: 'S256' }), 'accept', b);
      const bad = await b.request(authorizeUrl(c.client_key, { scope: 'basic nosuchgrant', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
      assert.equal(bad.status, 302);
      const q = new URL(bad.location!).searchParams;
      assert.equal(q.get('error'), 'invalid_scope');
      assert.equal(q.get('hint'), 'Check the `nosuchgrant` scope');
      assert.equal(q.has('state'), false);
      const narrowed = await b.request(authorizeUrl(c.client_key, { scope: 'basic delete', code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
      assert.equal(narrowed.status, 307);
      assert.equal(new URL(narrowed.location!).searchParams.get('scope'), 'basic');
    });

    it('POST to authorize and GET to access_token answer 405', async () => {
      assert.equal((await fetch(`${w.oauth.base}/authorize`, { method: 'POST' })).status, 405);
      assert.equal((await fetch(`${w.oauth.base}/access_token`)).status, 405);
    });
  });

  describe('access_token', () => {
    it('a public client exchanges the code without a secret: 200, no-store, Bearer, an RS256 JWT and a refresh token', async () => {
      const c = await publicConsumer(w, 'fx-exchange');
      const { verifier, challenge } = pkce();
      const end = await browserAuthorize(w, authorizeUrl(c.client_key, { redirect_uri: c.callback, state: 's', code_challenge: challenge, code_challenge_method: 'S256' }));
      const code = new URL(end.location!).searchParams.get('code')!;
      const t = await token({ grant_type: 'authorization_code', client_id: c.client_key, code, redirect_uri: c.callback, code_verifier: verifier });
      assert.equal(t.status, 200);
      assert.equal(t.headers.get('cache-control'), 'no-store');
      assert.equal(t.headers.get('pragma'), 'no-cache');
      assert.deepEqual(Object.keys(t.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
      assert.equal(t.body.token_type, 'Bearer');
      assert.equal(t.body.expires_in, 3600);
      assert.match(t.body.refresh_token!, /^def50200/);
      assert.deepEqual(JSON.parse(Buffer.from(t.body.access_token!.split('.')[0]!, 'base64url').toString()), { typ: 'JWT', alg: 'RS256' });
      const claims = jwtClaims(t.body.access_token!);
      assert.equal(claims.aud, c.client_key);
      assert.match(String(claims.jti), /^[0-9a-f]{80}$/);
      assert.equal(claims.sub, String(w.users.plain.userId));
      assert.equal(claims.iss, w.server);
      assert.deepEqual(claims.scopes, GRANTS);
      assert.ok(!Number.isInteger(claims.exp) && Math.abs(Number(claims.exp) - Number(claims.iat) - 3600) < 0.01, 'times are floats with microseconds');
    });

    it('answers each mistake with the status, error and hint of league/Extension:OAuth; failed checks do not use up the code', async () => {
      const c = await publicConsumer(w, 'fx-tokenerrors');
      const { verifier, challenge } = pkce();
      const end = await browserAuthorize(w, authorizeUrl(c.client_key, { redirect_uri: c.callback, state: 's', code_challenge: challenge, code_challenge_method: 'S256' }));
      const code = new URL(end.location!).searchParams.get('code')!;
      const ok = { grant_type: 'authorization_code', client_id: c.client_key, code, redirect_uri: c.callback, code_verifier: verifier };
      const cases: [Record<string, string | undefined>, number, string, string | undefined][] = [
        [{ client_id: 'ffffffffffffffffffffffffffffffff' }, 401, 'invalid_client', undefined],
        [{ client_id: undefined }, 400, 'invalid_request', 'Check the `client_id` parameter'],
        [{ grant_type: 'password' }, 400, 'invalid_request', 'Check the `grant_type` parameter'],
        [{ code: 'def50200abcdef' }, 400, 'invalid_request', 'Cannot decrypt the authorization code'],
        [{ redirect_uri: `${c.callback}x` }, 400, 'invalid_request', 'Invalid redirect URI'],
        [{ redirect_uri: undefined }, 400, 'invalid_request', 'Check the `redirect_uri` parameter'],
        [{ code_verifier: undefined }, 400, 'invalid_request', 'Check the `code_verifier` parameter'],
        [{ code_verifier: 'short' }, 400, 'invalid_request', 'Code Verifier must follow the specifications of RFC-7636.'],
        [{ code_verifier: pkce().verifier }, 400, 'invalid_grant', 'Failed to verify `code_verifier`.'],
      ];
      for (const [change, status, error, hint] of cases) {
        const form = { ...ok, ...change } as Record<string, string | undefined>;
        for (const k of Object.keys(form)) if (form[k] === undefined) delete form[k];
        const r = await token(form as Record<string, string>);
        assert.equal(r.status, status, JSON.stringify(change));
        assert.equal(r.body.error, error, JSON.stringify(change));
        assert.equal(r.body.hint, hint, JSON.stringify(change));
        assert.equal(r.body.message, r.body.error_description);
      }
      assert.equal((await token(ok)).status, 200, 'the code still works after the failed attempts');
      const twice = await token(ok);
      assert.deepEqual([twice.status, twice.body.error, twice.body.hint], [400, 'invalid_request', 'Authorization code has been revoked']);
      const json = await fetch(`${w.oauth.base}/access_token`, { method: 'POST', body: JSON.stringify(ok), headers: { 'content-type': 'application/json' } });
      assert.equal(json.status, 400);
      assert.equal(((await json.json()) as { hint: string }).hint, 'Check the `grant_type` parameter');
    });

    it('refresh needs the secret even for a public client (401 invalid_client), then rotates both tokens and revokes the old ones', async () => {
      const c = await publicConsumer(w, 'fx-refresh');
      const t = await tokensFor(c);
      const noSecret = await token({ grant_type: 'refresh_token', client_id: c.client_key, refresh_token: t.refresh_token! });
      assert.deepEqual([noSecret.status, noSecret.body.error], [401, 'invalid_client']);
      const basic = await token({ grant_type: 'refresh_token', refresh_token: t.refresh_token! }, { authorization: `Basic ${Buffer.from(`${c.client_key}:wrong`).toString('base64')}` });
      assert.deepEqual([basic.status, basic.body.error, basic.headers.get('www-authenticate')], [401, 'invalid_client', 'Basic realm="OAuth"']);
      const r = await token({ grant_type: 'refresh_token', client_id: c.client_key, client_secret: c.secret, refresh_token: t.refresh_token! });
      assert.equal(r.status, 200);
      assert.notEqual(r.body.access_token, t.access_token);
      assert.notEqual(r.body.refresh_token, t.refresh_token);
      const old = await api({ action: 'query', meta: 'userinfo' }, `Bearer ${t.access_token}`);
      assert.equal((old.body.error as { code: string }).code, 'mwoauth-invalid-authorization');
      const fresh = await api({ action: 'query', meta: 'userinfo' }, `Bearer ${r.body.access_token}`);
      assert.equal((fresh.body.query as { userinfo: { name: string } }).userinfo.name, 'Plain');
      const again = await token({ grant_type: 'refresh_token', client_id: c.client_key, client_secret: c.secret, refresh_token: t.refresh_token! });
      assert.deepEqual([again.status, again.body.error, again.body.error_description, again.body.hint], [401, 'invalid_request', 'The refresh token is invalid.', 'Token has been revoked']);
    });

    it('a client without the refresh_token grant type gets a refresh token but cannot use it (401 invalid_client)', async () => {
      const c = await publicConsumer(w, 'fx-norefresh', { grantTypes: ['authorization_code'] });
      const t = await tokensFor(c);
      assert.match(t.refresh_token!, /^def50200/);
      const r = await token({ grant_type: 'refresh_token', client_id: c.client_key, client_secret: c.secret, refresh_token: t.refresh_token! });
      assert.deepEqual([r.status, r.body.error], [401, 'invalid_client']);
    });

    it('token lifetimes are configurable; an expired refresh token answers 401 "Token has expired", an expired access token mwoauth-invalid-authorization', async () => {
      const c = await publicConsumer(w, 'fx-ttl');
      w.oauth.configure({ accessTtl: 'PT1S', refreshTtl: 'PT1S' });
      try {
        const t = await tokensFor(c);
        assert.equal(Number(t.expires_in), 1);
        const exp = Number(jwtClaims(t.access_token!).exp) * 1000;
        await new Promise((r) => setTimeout(r, Math.max(0, exp - Date.now()) + 300));
        const a = await api({ action: 'query', meta: 'userinfo' }, `Bearer ${t.access_token}`);
        assert.equal(a.headers.get('mediawiki-api-error'), 'mwoauth-invalid-authorization');
        const r = await token({ grant_type: 'refresh_token', client_id: c.client_key, client_secret: c.secret, refresh_token: t.refresh_token! });
        assert.deepEqual([r.status, r.body.error, r.body.hint], [401, 'invalid_request', 'Token has expired']);
      } finally {
        w.oauth.configure({ accessTtl: 'PT1H', refreshTtl: 'PT1M' });
      }
    });
  });

  describe('api.php with Authorization: Bearer', () => {
    let t: Record<string, string>;
    let c: Awaited<ReturnType<typeof publicConsumer>>;
    before(async () => {
      c = await publicConsumer(w, 'fx-api');
      t = await tokensFor(c);
    });

    it('runs as the user with assert=user, sets no cookie, and needs a CSRF token for an edit', async () => {
      const r = await api({ action: 'query', meta: 'userinfo', assert: 'user' }, `Bearer ${t.access_token}`);
      assert.equal(r.status, 200);
      assert.deepEqual((r.body.query as { userinfo: unknown }).userinfo, { id: w.users.plain.userId, name: 'Plain' });
      assert.equal(r.headers.getSetCookie().length, 0);
      const noToken = await api({ action: 'edit', title: 'OAuth fixture page', text: 'x' }, `Bearer ${t.access_token}`, { post: true });
      assert.equal((noToken.body.error as { code: string }).code, 'missingparam');
      const tok1 = await api({ action: 'query', meta: 'tokens' }, `Bearer ${t.access_token}`);
      const tok2 = await api({ action: 'query', meta: 'tokens' }, `Bearer ${t.access_token}`);
      const csrf = (tok1.body.query as { tokens: { csrftoken: string } }).tokens.csrftoken;
      assert.notEqual(csrf, '+\\');
      assert.ok((tok2.body.query as { tokens: { csrftoken: string } }).tokens.csrftoken.length > 2);
      // The token of the first request still works after another request: the session (and its token secret) is stable.
      const edit = await api({ action: 'edit', title: 'OAuth fixture page', text: 'by bearer', token: csrf }, `Bearer ${t.access_token}`, { post: true });
      assert.equal((edit.body.edit as { result: string }).result, 'Success', JSON.stringify(edit.body));
      const rev = await api({ action: 'query', prop: 'revisions', titles: 'OAuth fixture page', rvprop: 'user' });
      assert.equal((rev.body.query as { pages: { revisions: { user: string }[] }[] }).pages[0]!.revisions[0]!.user, 'Plain');
    });

    it('a bad, malformed or lower-case "bearer" token: HTTP 200 mwoauth-invalid-authorization, or silently anonymous', async () => {
      for (const auth of [`Bearer ${t.access_token}x`, 'Bearer abc', `Bearer ${t.access_token!.split('.').slice(0, 2).join('.')}.AAAA`]) {
        for (const params of [{ action: 'query', meta: 'userinfo' }, { action: 'parse', text: 'x' }] as Record<string, string>[]) {
          const r = await api(params, auth);
          assert.equal(r.status, 200);
          assert.equal(r.headers.get('mediawiki-api-error'), 'mwoauth-invalid-authorization');
          assert.deepEqual([(r.body.error as { code: string }).code, (r.body.error as { info: string }).info], ['mwoauth-invalid-authorization', 'The authorization headers in your request are not valid: Invalid access token']);
        }
      }
      const plaintext = await api({ action: 'query', meta: 'userinfo', errorformat: 'plaintext' }, 'Bearer abc');
      assert.equal((plaintext.body.errors as { code: string }[])[0]!.code, 'mwoauth-invalid-authorization');
      const lower = await api({ action: 'query', meta: 'userinfo' }, `bearer ${t.access_token}`);
      assert.equal((lower.body.query as { userinfo: { anon?: boolean } }).userinfo.anon, true);
    });

    it('the Bearer wins over session cookies, and an invalid Bearer does not fall back to them', async () => {
      const b = new TestBrowser(w.server);
      const page = await b.go(`${w.server}/w/index.php?title=Special:UserLogin`);
      await b.logIn(page, w.users.admin.name, w.users.admin.password);
      const cookie = await b.jar.getCookieString(w.apiUrl);
      assert.equal(((await api({ action: 'query', meta: 'userinfo' }, undefined, { cookie })).body.query as { userinfo: { name: string } }).userinfo.name, 'Admin');
      assert.equal(((await api({ action: 'query', meta: 'userinfo' }, `Bearer ${t.access_token}`, { cookie })).body.query as { userinfo: { name: string } }).userinfo.name, 'Plain');
      assert.equal(((await api({ action: 'query', meta: 'userinfo' }, 'Bearer abc', { cookie })).body.error as { code: string }).code, 'mwoauth-invalid-authorization');
    });

    it('is ignored on index.php, and a bad Bearer on a core REST route is 403 rest-read-denied', async () => {
      const prefs = await fetch(`${w.server}/w/index.php?title=Special:Preferences`, { headers: { authorization: `Bearer ${t.access_token}` }, redirect: 'manual' });
      assert.equal(prefs.status, 302);
      assert.match(prefs.headers.get('location')!, /Special:UserLogin/);
      const rest = await fetch(`${w.server}/w/rest.php/v1/page/Main_Page`, { headers: { authorization: 'Bearer abc' } });
      assert.equal(rest.status, 403);
      const body = (await rest.json()) as Record<string, unknown>;
      assert.ok(body.error === 'rest-read-denied' || body.errorKey === 'rest-read-denied', JSON.stringify(body));
    });

    it('refuses login, clientlogin and logout in an OAuth session', async () => {
      const auth = `Bearer ${t.access_token}`;
      const lt = ((await api({ action: 'query', meta: 'tokens', type: 'login' }, auth)).body.query as { tokens: { logintoken: string } }).tokens.logintoken;
      const login = await api({ action: 'login', lgname: 'Plain', lgpassword: 'x', lgtoken: lt }, auth, { post: true });
      assert.equal((login.body.login as { result: string }).result, 'Aborted');
      assert.match((login.body.login as { reason: string }).reason, /^Cannot log in when using .*SessionProvider sessions\.$/);
      const cl = await api({ action: 'clientlogin', username: 'Plain', password: 'x', loginreturnurl: 'http://127.0.0.1:1/', logintoken: lt }, auth, { post: true });
      assert.deepEqual([(cl.body.clientlogin as { status: string }).status, (cl.body.clientlogin as { messagecode: string }).messagecode], ['FAIL', 'userlogin-cannot-login']);
      const csrf = ((await api({ action: 'query', meta: 'tokens' }, auth)).body.query as { tokens: { csrftoken: string } }).tokens.csrftoken;
      const lo = await api({ action: 'logout', token: csrf }, auth, { post: true });
      assert.equal((lo.body.error as { code: string }).code, 'cannotlogout');
    });

    it('profile: the user and grants; 401 access_denied for a bad token; 500 without an Authorization header', async () => {
      const ok = await fetch(`${w.oauth.base}/resource/profile`, { headers: { authorization: `Bearer ${t.access_token}` } });
      const p = (await ok.json()) as Record<string, unknown>;
      assert.equal(ok.status, 200);
      assert.deepEqual([p.sub, p.username, p.grants], [String(w.users.plain.userId), 'Plain', GRANTS]);
      assert.match(String(p.registered), /^\d{14}$/);
      assert.equal('email' in p, false);
      const bad = await fetch(`${w.oauth.base}/resource/profile`, { headers: { authorization: 'Bearer abc' } });
      assert.equal(bad.status, 401);
      assert.deepEqual(((await bad.json()) as { error: string; hint: string }), { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request.', hint: 'The JWT string must have two dots', message: 'The resource owner or authorization server denied the request.' });
      assert.equal((await fetch(`${w.oauth.base}/resource/profile`)).status, 500);
    });

    it('revocation (Special:OAuthManageMyGrants "renounce"): the API refuses the token, profile says revoked, refresh says revoked', async () => {
      const rc = await publicConsumer(w, 'fx-revoke');
      const rt = await tokensFor(rc);
      await w.oauth.revoke(w.users.plain.userId, rc.client_key);
      const a = await api({ action: 'query', meta: 'userinfo' }, `Bearer ${rt.access_token}`);
      assert.equal((a.body.error as { code: string }).code, 'mwoauth-invalid-authorization');
      const p = await fetch(`${w.oauth.base}/resource/profile`, { headers: { authorization: `Bearer ${rt.access_token}` } });
      assert.deepEqual([p.status, ((await p.json()) as { hint: string }).hint], [401, 'Access token has been revoked']);
      const r = await token({ grant_type: 'refresh_token', client_id: rc.client_key, client_secret: rc.secret, refresh_token: rt.refresh_token! });
      assert.deepEqual([r.status, r.body.hint], [401, 'Token has been revoked']);
    });
  });

  describe('owner-only consumers', () => {
    it('come with an access token that lasts 1000 years and has no refresh token; client_credentials gives 1-hour tokens', async () => {
      const c = await w.oauth.createConsumer({ owner: w.users.plain.userId, ownerOnly: true, grants: GRANTS, name: 'fx-owner' });
      assert.ok(c.access_token);
      const exp = Number(jwtClaims(c.access_token).exp);
      assert.ok(new Date(exp * 1000).getUTCFullYear() > 3000);
      const r = await api({ action: 'query', meta: 'userinfo' }, `Bearer ${c.access_token}`);
      assert.equal((r.body.query as { userinfo: { name: string } }).userinfo.name, 'Plain');
      const cc = await token({ grant_type: 'client_credentials', client_id: c.client_key, client_secret: c.secret });
      assert.equal(cc.status, 200);
      assert.equal(cc.body.expires_in, 3600);
      assert.equal('refresh_token' in cc.body, false);
      const code = await token({ grant_type: 'authorization_code', client_id: c.client_key, code: 'x', code_verifier: pkce().verifier });
      assert.deepEqual([code.status, code.body.error], [401, 'invalid_client'], 'owner-only consumers only have client_credentials');
    });
  });
});
