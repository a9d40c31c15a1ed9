// The wikis people really use (issue #7): private wikis, LDAP-style domains, proxies, existing
// browser sessions, https. Each against a real test wiki configured for the case.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  ApiClient, ApiError, InputError, LoginError, NetworkError, Transport, clientLogin, discoverSite,
  loginWithBotPassword, networkSetup, useExistingSession,
  type LoginPrompter, type LoginStep,
} from '../../src/mediawiki';
import { startHttpsFront, startProxy } from '../net/servers';
import { startWiki, type StartedWiki } from '../wiki';
import { wiki } from './hooks';
import { expectReject } from './util';

const PRIVATE = "$wgGroupPermissions['*']['read'] = false;";
const RETURN_URL = 'http://127.0.0.1:9/return';

/** Answers steps from fixed values; records the steps it saw. */
function scripted(values: Record<string, string>, pick?: (step: LoginStep) => Record<string, string>): LoginPrompter & { steps: LoginStep[] } {
  const steps: LoginStep[] = [];
  return {
    steps,
    fill: async (step) => {
      steps.push(step);
      return { ...values, ...pick?.(step) };
    },
    redirect: async () => undefined,
  };
}

async function cookieHeader(client: ApiClient): Promise<string> {
  return client.transport.cookieHeader(client.apiUrl);
}

describe('Private wiki ($wgGroupPermissions[*][read] = false)', function () {
  this.timeout(120_000);
  let w: StartedWiki;
  before(async () => {
    w = await startWiki({ extraSettings: PRIVATE });
  });
  after(async () => w?.stop());
  beforeEach(() => w.resetThrottles());

  it('anonymous reads answer readapidenied (siteinfo and userinfo too), with advice', async () => {
    const c = new ApiClient({ apiUrl: w.apiUrl });
    for (const meta of ['siteinfo', 'userinfo']) {
      const e = await expectReject(c.get({ action: 'query', meta }));
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 'readapidenied');
      assert.match(e.message, /\[readapidenied\] This wiki is private: log in to read it/);
    }
    // An anonymous session check says "not logged in" instead of failing.
    assert.equal(await c.checkSession(), undefined);
  });

  it('Add Wiki: discovery registers it as requiring login, with the real name, id and paths', async () => {
    const info = await discoverSite(w.articleUrl('Main Page'));
    assert.equal(info.requiresLogin, true);
    assert.equal(info.apiUrl, w.apiUrl);
    assert.equal(info.name, w.siteName);
    assert.equal(info.wikiId, w.wikiId);
    assert.equal(info.articlePath, `${w.server}/wiki/$1`);
    assert.match(info.generator, /^MediaWiki 1\.39/);
  });

  it('bot password login works; the login-token GET carries only meta=tokens; reads work after', async () => {
    const trace: string[] = [];
    const c = new ApiClient({ apiUrl: w.apiUrl, transport: { trace: (l) => trace.push(l) } });
    w.clearRequests();
    const user = await loginWithBotPassword(c, { username: w.users.bot.lgname, password: w.users.bot.botPassword });
    assert.equal(user.name, w.users.bot.name);
    const api = w.requests().filter((r) => r.path.endsWith('api.php'));
    assert.deepEqual(api.map((r) => r.action), ['query', 'login']);
    assert.deepEqual(api[0].paramNames.filter((n) => !['format', 'formatversion'].includes(n)).sort(), ['action', 'meta', 'type']);
    assert.match(trace[0], /meta=tokens&type=login -> 200/);
    const res = await c.get({ action: 'query', meta: 'siteinfo', siprop: 'general' });
    assert.equal((res.query as { general: { sitename: string } }).general.sitename, w.siteName);
    assert.equal((await c.checkSession())?.name, w.users.bot.name);
  });

  it('interactive login (clientlogin) works: token + authmanagerinfo in one GET, no refused meta', async () => {
    const c = new ApiClient({ apiUrl: w.apiUrl });
    w.clearRequests();
    const r = await clientLogin(c, { returnUrl: RETURN_URL, prompter: scripted({ username: w.users.plain.name, password: w.users.plain.password }) });
    assert.equal(r.name, w.users.plain.name);
    const first = w.requests().filter((x) => x.path.endsWith('api.php'))[0];
    assert.ok(first.paramNames.includes('amirequestsfor'));
    assert.ok(!first.paramNames.includes('siprop') && !first.paramNames.includes('uiprop'));
    const pages = await c.get({ action: 'query', titles: 'Main Page', prop: 'info' });
    assert.ok(Array.isArray((pages.query as { pages: unknown[] }).pages));
  });

  it('an expired session (readapidenied/assertuserfailed after expiry) leads to exactly one re-login', async () => {
    const creds = { username: w.users.bot.lgname, password: w.users.bot.botPassword };
    const c = new ApiClient({ apiUrl: w.apiUrl, relogin: async (cl) => void (await loginWithBotPassword(cl, creds)) });
    await loginWithBotPassword(c, creds);
    await w.invalidateSessions(w.users.bot.name);
    // Even without assert=user the dead session's read is refused with readapidenied: still one re-login.
    const results = await Promise.all([1, 2, 3].map(() => c.get({ action: 'query', meta: 'siteinfo' }, { assert: false })));
    assert.equal(results.length, 3);
    assert.equal(c.reloginCount, 1);
    assert.equal((await c.checkSession())?.name, w.users.bot.name);
  });

  it('without a way to log in again, expiry is reported once (onSessionExpired) and checkSession says expired', async () => {
    const creds = { username: w.users.bot.lgname, password: w.users.bot.botPassword };
    const expired: string[] = [];
    const c = new ApiClient({ apiUrl: w.apiUrl, onSessionExpired: (e) => expired.push(e.code) });
    await loginWithBotPassword(c, creds);
    await w.invalidateSessions(w.users.bot.name);
    assert.equal(await c.checkSession(), undefined);
    const e1 = await expectReject(c.get({ action: 'query', meta: 'siteinfo' }, { assert: false }));
    assert.equal(e1.code, 'readapidenied');
    assert.match(e1.message, /log in again/);
    await expectReject(c.get({ action: 'query', meta: 'siteinfo' }));
    assert.deepEqual(expired, ['readapidenied']);
  });

  it('Use Existing Session: a pasted cookie header logs in with one userinfo query; reads work', async () => {
    const browser = new ApiClient({ apiUrl: w.apiUrl });
    await clientLogin(browser, { returnUrl: RETURN_URL, prompter: scripted({ username: w.users.plain.name, password: w.users.plain.password }) });
    const header = await cookieHeader(browser);
    const c = new ApiClient({ apiUrl: w.apiUrl });
    const before = c.transport.requestCount;
    const user = await useExistingSession(c, `Cookie: ${header}`);
    assert.equal(user.name, w.users.plain.name);
    assert.equal(c.transport.requestCount - before, 1);
    assert.deepEqual(c.user, user);
    await c.get({ action: 'query', meta: 'siteinfo' });
  });

  it('Use Existing Session: a wrong or expired paste is refused clearly and leaves nothing in the jar', async () => {
    const c = new ApiClient({ apiUrl: w.apiUrl });
    const wrong = `${w.wikiId}_session=0123456789abcdef0123456789abcdef; ${w.wikiId}UserName=Plain`;
    const e = await expectReject(useExistingSession(c, wrong));
    assert.ok(e instanceof InputError);
    assert.equal(e.code, 'session-cookies-invalid');
    assert.match(e.message, /127\.0\.0\.1:\d+ does not know these cookies.*\[session-cookies-invalid\] .*copy them again/);
    assert.ok(!e.message.includes('0123456789abcdef'), 'the cookie value is not in the message');
    assert.equal((await c.transport.cookies(w.apiUrl)).length, 0);
    assert.equal(c.user, undefined);

    const browser = new ApiClient({ apiUrl: w.apiUrl });
    await clientLogin(browser, { returnUrl: RETURN_URL, prompter: scripted({ username: w.users.plain.name, password: w.users.plain.password }) });
    const header = await cookieHeader(browser);
    await w.invalidateSessions(w.users.plain.name, { resetToken: true });
    const e2 = await expectReject(useExistingSession(new ApiClient({ apiUrl: w.apiUrl }), header));
    assert.equal(e2.code, 'session-cookies-invalid');
  });
});

describe('Domains (LDAP-style, test-only TestDomainAuth extension)', function () {
  this.timeout(120_000);
  let w: StartedWiki;
  before(async () => {
    const ext = path.resolve(__dirname, '../../../test/wiki/extensions/TestDomainAuth/extension.json');
    w = await startWiki({
      extraSettings: `wfLoadExtension( 'TestDomainAuth', '${ext}' );\n$wgTestDomainAuthDomains = [ 'EXAMPLE', 'CORP' ];\n$wgTestDomainAuthUserDomains = [ 'Plain' => 'CORP' ];`,
    });
  });
  after(async () => w?.stop());
  beforeEach(() => w.resetThrottles());

  it('action=login passes lgdomain: the right domain logs in, a wrong or missing one is refused by the wiki', async () => {
    const { name, password } = w.users.plain;
    w.clearRequests();
    const ok = new ApiClient({ apiUrl: w.apiUrl });
    assert.equal((await loginWithBotPassword(ok, { username: name, password, domain: 'CORP' })).name, name);
    const login = w.requests().find((r) => r.action === 'login');
    assert.ok(login?.paramNames.includes('lgdomain'), 'lgdomain sent');

    const wrong = await expectReject(loginWithBotPassword(new ApiClient({ apiUrl: w.apiUrl }), { username: name, password, domain: 'EXAMPLE' }));
    assert.ok(wrong instanceof LoginError);
    assert.equal(wrong.code, 'testdomainauth-wrongdomain');
    assert.match(wrong.message, /testdomainauth-wrongdomain \(Plain, EXAMPLE\)/);
    const missing = await expectReject(loginWithBotPassword(new ApiClient({ apiUrl: w.apiUrl }), { username: name, password }));
    assert.equal(missing.code, 'testdomainauth-nodomain');
  });

  it('clientlogin: the domain arrives as a select field with its options; choosing the right one passes', async () => {
    const choose = (want: string) => (step: LoginStep) => {
      const f = step.fields.find((x) => x.name === 'domain');
      assert.ok(f, 'domain field offered');
      assert.equal(f.type, 'select');
      assert.deepEqual(Object.keys(f.options ?? {}), ['EXAMPLE', 'CORP']);
      assert.equal(f.label, 'Domain');
      return { domain: want };
    };
    const c = new ApiClient({ apiUrl: w.apiUrl });
    const p = scripted({ username: w.users.plain.name, password: w.users.plain.password }, choose('CORP'));
    assert.equal((await clientLogin(c, { returnUrl: RETURN_URL, prompter: p })).name, w.users.plain.name);
    const bad = await expectReject(clientLogin(new ApiClient({ apiUrl: w.apiUrl }), { returnUrl: RETURN_URL, prompter: scripted({ username: w.users.plain.name, password: w.users.plain.password }, choose('EXAMPLE')) }));
    assert.equal(bad.code, 'testdomainauth-wrongdomain');
  });
});

describe('Proxies (undici ProxyAgent, loopback forward proxy)', function () {
  this.timeout(60_000);

  it('http.proxy: the proxy carries every request; discovery, login and reads work', async () => {
    const proxy = await startProxy();
    try {
      const net = networkSetup({ proxy: proxy.url });
      assert.match(net.description, /proxy http:\/\/127\.0\.0\.1:\d+ \(http\.proxy\); certificates checked/);
      const transport = new Transport({ dispatcher: net.dispatcher });
      const info = await discoverSite(wiki().articleUrl('Main Page'), { transport: { dispatcher: net.dispatcher } });
      assert.equal(info.apiUrl, wiki().apiUrl);
      const c = new ApiClient({ apiUrl: wiki().apiUrl, transport });
      await loginWithBotPassword(c, { username: wiki().users.bot.lgname, password: wiki().users.bot.botPassword });
      await c.get({ action: 'query', meta: 'siteinfo' });
      const host = new URL(wiki().server).host;
      assert.ok(proxy.tunnels.length >= 1);
      assert.ok(proxy.tunnels.every((t) => t === host), proxy.tunnels.join());
    } finally {
      await proxy.stop();
    }
  });

  it('http.noProxy: a listed host bypasses the proxy', async () => {
    const proxy = await startProxy();
    try {
      const net = networkSetup({ proxy: proxy.url, noProxy: ['example.org', '127.0.0.1'] });
      const c = new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: net.dispatcher } });
      await c.get({ action: 'query', meta: 'siteinfo' });
      assert.deepEqual(proxy.tunnels, []);
      assert.match(net.description, /not for example\.org, 127\.0\.0\.1/);
    } finally {
      await proxy.stop();
    }
  });

  it('a proxy that demands credentials (407): proxy-auth with what to do; with http.proxyAuthorization the login works; the credential is in no log line, description or error', async () => {
    const credential = `Basic ${Buffer.from('corp-user:s3cret-proxy-pw').toString('base64')}`;
    const proxy = await startProxy({ auth: 'corp-user:s3cret-proxy-pw' });
    const lines: string[] = [];
    try {
      const without = networkSetup({ proxy: proxy.url });
      const err = await new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: without.dispatcher, trace: (l) => lines.push(l) } })
        .get({ action: 'query', meta: 'siteinfo' }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof NetworkError, String(err));
      assert.equal(err.code, 'proxy-auth');
      assert.match(err.message, /proxy asks for credentials \(HTTP 407\).*\[proxy-auth\].*http\.proxyAuthorization/);
      assert.equal(proxy.refused, 1, 'one CONNECT refused, not retried');

      const withAuth = networkSetup({ proxy: proxy.url, proxyAuthorization: credential });
      assert.match(withAuth.description, /Proxy-Authorization from http\.proxyAuthorization/);
      const c = new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: withAuth.dispatcher, trace: (l) => lines.push(l) } });
      await loginWithBotPassword(c, { username: wiki().users.bot.lgname, password: wiki().users.bot.botPassword });
      assert.ok(proxy.tunnels.length >= 1 && proxy.tunnels.every((t) => t === new URL(wiki().server).host), proxy.tunnels.join());
      assert.equal(proxy.refused, 1, 'no CONNECT refused once the credential is sent');
      for (const text of [...lines, withAuth.description, without.description, err.message, JSON.stringify(err)]) {
        assert.ok(!text.includes('s3cret') && !text.includes(credential.slice(6)), text);
      }
    } finally {
      await proxy.stop();
    }
  });

  it('http.proxySupport off: no proxy, neither the setting nor the environment', async () => {
    const proxy = await startProxy();
    try {
      const off = networkSetup({ proxy: proxy.url, proxySupport: 'off', env: { HTTP_PROXY: proxy.url } });
      assert.match(off.description, /direct connection \(http\.proxySupport is off\)/);
      await new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: off.dispatcher } }).get({ action: 'query', meta: 'siteinfo' });
      assert.deepEqual(proxy.tunnels, []);
      for (const mode of ['on', 'override', 'fallback'] as const) {
        const on = networkSetup({ proxy: proxy.url, proxySupport: mode });
        await new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: on.dispatcher } }).get({ action: 'query', meta: 'siteinfo' });
      }
      assert.equal(proxy.tunnels.length, 3, 'on, override and fallback: each request through the proxy');
    } finally {
      await proxy.stop();
    }
  });

  it('no setting: HTTP_PROXY / NO_PROXY from the environment; the setting wins over the environment', async () => {
    const proxy = await startProxy();
    const other = await startProxy();
    try {
      const viaEnv = networkSetup({ env: { HTTP_PROXY: proxy.url } });
      await new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: viaEnv.dispatcher } }).get({ action: 'query', meta: 'siteinfo' });
      assert.equal(proxy.tunnels.length, 1);
      assert.match(viaEnv.description, /\(environment\)/);

      const bypass = networkSetup({ env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
      await new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: bypass.dispatcher } }).get({ action: 'query', meta: 'siteinfo' });
      assert.equal(proxy.tunnels.length, 1, 'NO_PROXY bypassed the proxy');

      const setting = networkSetup({ proxy: other.url, env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
      await new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: setting.dispatcher } }).get({ action: 'query', meta: 'siteinfo' });
      assert.equal(other.tunnels.length, 1);
      assert.equal(proxy.tunnels.length, 1);
    } finally {
      await proxy.stop();
      await other.stop();
    }
  });

  it('proxy credentials are sent to the proxy but never shown', async () => {
    const proxy = await startProxy({ auth: 'alice:s3cr3t-proxy' });
    try {
      const good = networkSetup({ proxy: proxy.url.replace('http://', 'http://alice:s3cr3t-proxy@') });
      assert.ok(!good.description.includes('s3cr3t'));
      assert.match(good.description, /http:\/\/\*\*\*@127\.0\.0\.1/);
      await new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: good.dispatcher } }).get({ action: 'query', meta: 'siteinfo' });
      assert.equal(proxy.tunnels.length, 1);
      const bad = networkSetup({ proxy: proxy.url.replace('http://', 'http://alice:wrong-pass@') });
      const e = await expectReject(new ApiClient({ apiUrl: wiki().apiUrl, transport: { dispatcher: bad.dispatcher }, retry: { maxAttempts: 1 } }).get({ action: 'query', meta: 'siteinfo' }));
      assert.ok(e instanceof NetworkError, String(e));
      assert.ok(!e.message.includes('wrong-pass'));
      assert.equal(proxy.refused, 1);
    } finally {
      await proxy.stop();
    }
  });
});

describe('https with a self-signed certificate (https front to the real wiki)', function () {
  this.timeout(60_000);

  it('a certificate error names the host and the reason', async () => {
    const front = await startHttpsFront(wiki().server + '/w/api.php');
    try {
      const e = await expectReject(discoverSite(front.apiUrl, { transport: { dispatcher: networkSetup({}).dispatcher } }));
      assert.ok(e instanceof NetworkError, String(e));
      assert.equal(e.code, 'tls-error');
      const host = new URL(front.origin).host;
      assert.ok(e.message.includes(`Could not reach ${host}: the certificate was not accepted: it is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)`), e.message);
      assert.match(e.message, /\[tls-error\] .*http\.proxyStrictSSL/);
    } finally {
      await front.stop();
    }
  });

  it('strictSSL false (http.proxyStrictSSL) is the one way to accept it: then discovery, login and reads work', async () => {
    const front = await startHttpsFront(wiki().server + '/w/api.php');
    try {
      const loose = networkSetup({ strictSSL: false });
      assert.match(loose.description, /CERTIFICATE CHECKING OFF \(http\.proxyStrictSSL: false\)/);
      const info = await discoverSite(front.apiUrl, { transport: { dispatcher: loose.dispatcher } });
      assert.equal(info.apiUrl, front.apiUrl);
      const c = new ApiClient({ apiUrl: front.apiUrl, transport: { dispatcher: loose.dispatcher } });
      await loginWithBotPassword(c, { username: wiki().users.bot.lgname, password: wiki().users.bot.botPassword });
      assert.equal((await c.checkSession())?.name, wiki().users.bot.name);
      // The strict default still refuses, also through a proxy (the tunnel carries TLS end to end).
      const proxy = await startProxy();
      try {
        const e = await expectReject(new ApiClient({ apiUrl: front.apiUrl, transport: { dispatcher: networkSetup({ proxy: proxy.url }).dispatcher } }).get({ action: 'query' }));
        assert.equal(e.code, 'tls-error');
        assert.equal(proxy.tunnels.length, 1);
      } finally {
        await proxy.stop();
      }
    } finally {
      await front.stop();
    }
  });
});
