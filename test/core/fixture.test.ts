// Self-test of the real test wiki (test/wiki): raw fetch() calls with a tiny cookie jar, so
// this proves the fixture itself and does not depend on the extension's client code.
//
//   npx tsc -p . && npx mocha out/test/core/fixture.test.js --timeout 60000
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CAPTCHA_BAD_LOGINS,
  THROTTLE_COUNT,
  startWiki,
  totp,
  type StartedWiki,
} from '../wiki';

type Json = Record<string, any>;

/** One browser-less client: a cookie jar and helpers for the action API. */
class RawSession {
  readonly cookies = new Map<string, string>();
  constructor(readonly w: StartedWiki) {}

  private store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === 'deleted';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(params: Record<string, string>): Promise<Json> {
    const qs = new URLSearchParams({ format: 'json', formatversion: '2', ...params });
    const res = await fetch(`${this.w.apiUrl}?${qs}`, { headers: { cookie: this.cookieHeader() } });
    this.store(res);
    return (await res.json()) as Json;
  }

  async post(params: Record<string, string>): Promise<Json> {
    const body = new URLSearchParams({ format: 'json', formatversion: '2', ...params });
    const res = await fetch(this.w.apiUrl, {
      method: 'POST',
      body,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.store(res);
    return (await res.json()) as Json;
  }

  async token(type: 'login' | 'csrf'): Promise<string> {
    const r = await this.get({ action: 'query', meta: 'tokens', type });
    return r.query.tokens[`${type}token`] as string;
  }

  async botLogin(lgname: string, lgpassword: string): Promise<Json> {
    const lgtoken = await this.token('login');
    return (await this.post({ action: 'login', lgname, lgpassword, lgtoken })).login as Json;
  }

  async clientLogin(fields: Record<string, string>): Promise<Json> {
    const logintoken = await this.token('login');
    return (await this.post({ action: 'clientlogin', logintoken, ...fields })).clientlogin as Json;
  }

  async clientLoginContinue(fields: Record<string, string>): Promise<Json> {
    const logintoken = await this.token('login');
    return (await this.post({ action: 'clientlogin', logincontinue: '1', logintoken, ...fields })).clientlogin as Json;
  }

  async whoami(): Promise<Json> {
    return this.get({ action: 'query', meta: 'userinfo', assert: 'user' });
  }
}

/** A loopback "return URL" that records the query of the first request it gets. */
async function returnListener(): Promise<{ url: string; received: Promise<URLSearchParams>; close(): void }> {
  let resolve!: (q: URLSearchParams) => void;
  const received = new Promise<URLSearchParams>((r) => (resolve = r));
  const srv = http.createServer((req, res) => {
    resolve(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    res.end('You can close this window.');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/callback`, received, close: () => srv.close() };
}

/** Follow redirects by hand (like a browser) until the return URL is reached. */
async function browse(target: string, returnUrl: string): Promise<void> {
  let url = target;
  for (let i = 0; i < 10 && !url.startsWith(returnUrl); i++) {
    const res = await fetch(url, { redirect: 'manual' });
    const loc = res.headers.get('location');
    if (!loc) throw new Error(`no redirect from ${url}: HTTP ${res.status} ${await res.text()}`);
    url = new URL(loc, url).toString();
  }
  await fetch(url);
}

describe('test wiki fixture', function () {
  let w: StartedWiki;

  before(async function () {
    this.timeout(120_000);
    w = await startWiki();
  });
  after(async function () {
    await w?.stop();
  });
  beforeEach(async function () {
    await w.resetThrottles();
  });

  it('starts a fresh wiki with the configured URLs', async function () {
    const s = new RawSession(w);
    const r = await s.get({ action: 'query', meta: 'siteinfo' });
    assert.equal(r.query.general.server, w.server);
    assert.equal(r.query.general.articlepath, '/wiki/$1');
    assert.equal(r.query.general.scriptpath, '/w');
    assert.equal(r.query.general.wikiid, w.wikiId);
    assert.equal(r.query.general.sitename, w.siteName);
    assert.equal(w.totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1234567890_000), '005924', 'the wiki\'s totp() is RFC 6238 (test/unit/totp.test.ts)');
    const page = await fetch(w.articleUrl('Main Page'));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/);
  });

  it('starts a second wiki quickly and independently', async function () {
    const t0 = Date.now();
    const other = await startWiki();
    const ms = Date.now() - t0;
    try {
      assert.notEqual(other.server, w.server);
      assert.notEqual(other.wikiId, w.wikiId);
      // about 0.5 s on an idle machine; generous bound for a loaded CI box
      assert.ok(ms < 10_000, `startWiki took ${ms} ms`);
      const s = new RawSession(other);
      assert.equal((await s.botLogin(other.users.bot.lgname, other.users.bot.botPassword)).result, 'Success');
    } finally {
      await other.stop();
    }
  });

  it('bot password: action=login Success, session cookie _BPsession', async function () {
    const { bot } = w.users;
    const s = new RawSession(w);
    const login = await s.botLogin(bot.lgname, bot.botPassword);
    assert.deepEqual(login, { result: 'Success', lguserid: bot.userId, lgusername: bot.name });
    assert.ok(s.cookies.has(`${w.wikiId}_BPsession`), [...s.cookies.keys()].join());
    assert.equal((await s.whoami()).query.userinfo.name, bot.name);
  });

  it('bot password: blocked user logs in, edits answer blocked', async function () {
    const { blocked } = w.users;
    const s = new RawSession(w);
    assert.equal((await s.botLogin(blocked.lgname, blocked.botPassword)).result, 'Success');
    const token = await s.token('csrf');
    const r = await s.post({ action: 'edit', title: 'Blocked test', text: 'x', token, assert: 'user' });
    assert.equal(r.error?.code, 'blocked', JSON.stringify(r));
  });

  it('clientlogin: plain user PASS and FAIL', async function () {
    const { plain } = w.users;
    const s = new RawSession(w);
    const fail = await s.clientLogin({ username: plain.name, password: 'wrong', loginreturnurl: w.server });
    assert.equal(fail.status, 'FAIL');
    assert.equal(fail.messagecode, 'wrongpassword');
    const pass = await s.clientLogin({ username: plain.name, password: plain.password, loginreturnurl: w.server });
    assert.deepEqual(pass, { status: 'PASS', username: plain.name });
    assert.equal((await s.whoami()).query.userinfo.name, plain.name);
  });

  it('clientlogin: 2FA user UI -> PASS with a computed TOTP code', async function () {
    const u = w.users.twoFactor[0]!;
    const s = new RawSession(w);
    const ui = await s.clientLogin({ username: u.name, password: u.password, loginreturnurl: w.server });
    assert.equal(ui.status, 'UI', JSON.stringify(ui));
    assert.equal(ui.messagecode, 'oathauth-auth-ui');
    const fields = (ui.requests as Json[]).flatMap((r) => Object.keys(r.fields ?? {}));
    assert.ok(fields.includes('OATHToken'), fields.join());
    const wrong = await s.clientLoginContinue({ OATHToken: totp(u.totpSecret, Date.now() - 3600_000) });
    assert.equal(wrong.status, 'UI');
    assert.equal(wrong.messagecode, 'oathauth-login-failed');
    const pass = await s.clientLoginContinue({ OATHToken: w.totp(u.totpSecret) });
    assert.deepEqual(pass, { status: 'PASS', username: u.name });
    assert.equal((await s.whoami()).query.userinfo.name, u.name);
  });

  it('captcha: after bad logins of the captcha user the QuestyCaptcha appears and can be answered', async function () {
    const { captcha } = w.users;
    const s = new RawSession(w);
    const creds = { username: captcha.name, loginreturnurl: w.server };
    for (let i = 0; i < CAPTCHA_BAD_LOGINS; i++) {
      const r = await s.clientLogin({ ...creds, password: 'wrong' });
      assert.equal(r.status, 'FAIL');
    }
    // The next attempt (even with the right password) fails and flags the session ...
    const blocked = await s.clientLogin({ ...creds, password: captcha.password });
    assert.equal(blocked.status, 'FAIL', JSON.stringify(blocked));
    // ... so authmanagerinfo now asks for the captcha.
    const info = await s.get({ action: 'query', meta: 'authmanagerinfo', amirequestsfor: 'login' });
    const req = (info.query.authmanagerinfo.requests as Json[]).find((r) => /CaptchaAuthenticationRequest$/.test(r.id));
    assert.ok(req, JSON.stringify(info));
    assert.equal(req.fields.captchaInfo.value, w.captcha.question);
    const captchaId = req.fields.captchaId.value as string;
    assert.ok(captchaId);
    const pass = await s.clientLogin({ ...creds, password: captcha.password, captchaId, captchaWord: w.captcha.answer });
    assert.deepEqual(pass, { status: 'PASS', username: captcha.name });
  });

  it('REDIRECT: testidp=1 -> redirecttarget -> 302 to the return URL -> logincontinue PASS', async function () {
    const ret = await returnListener();
    try {
      const s = new RawSession(w);
      const info = await s.get({ action: 'query', meta: 'authmanagerinfo', amirequestsfor: 'login' });
      const button = (info.query.authmanagerinfo.requests as Json[]).find((r) => r.fields?.[w.redirectField.name]);
      assert.ok(button, 'the button request is offered');
      const r = await s.clientLogin({ ...w.redirectField.values(), loginreturnurl: ret.url });
      assert.equal(r.status, 'REDIRECT', JSON.stringify(r));
      assert.ok((r.redirecttarget as string).startsWith(`${w.server}/idp.php?`));
      assert.ok((r.redirecttarget as string).includes(encodeURIComponent(ret.url)));
      await browse(r.redirecttarget as string, ret.url);
      const q = await ret.received;
      assert.ok(q.get('code') && q.get('state'), q.toString());
      const pass = await s.clientLoginContinue(Object.fromEntries(q));
      assert.deepEqual(pass, { status: 'PASS', username: w.users.redirect.name });
      assert.equal((await s.whoami()).query.userinfo.name, w.users.redirect.name);
    } finally {
      ret.close();
    }
  });

  it('REDIRECT: deny=1 returns error=access_denied, logincontinue FAILs; a forged code FAILs', async function () {
    const ret = await returnListener();
    try {
      const s = new RawSession(w);
      const r = await s.clientLogin({ ...w.redirectField.values(), loginreturnurl: ret.url });
      assert.equal(r.status, 'REDIRECT');
      await browse(`${r.redirecttarget}&deny=1`, ret.url);
      const q = await ret.received;
      assert.equal(q.get('error'), 'access_denied');
      const fail = await s.clientLoginContinue(Object.fromEntries(q));
      assert.equal(fail.status, 'FAIL', JSON.stringify(fail));
      assert.equal(fail.messagecode, 'testredirectauth-denied');

      const s2 = new RawSession(w);
      const r2 = await s2.clientLogin({ ...w.redirectField.values(), loginreturnurl: ret.url });
      const state = new URL(r2.redirecttarget as string).searchParams.get('state')!;
      const forged = await s2.clientLoginContinue({ code: '0'.repeat(32), state });
      assert.equal(forged.status, 'FAIL');
      assert.equal(forged.messagecode, 'testredirectauth-badcode');
    } finally {
      ret.close();
    }
  });

  it('REDIRECT: testidp=deny puts deny=1 into the redirecttarget (FAIL denied); testidp=hang an IdP page that never redirects', async function () {
    const ret = await returnListener();
    try {
      const s = new RawSession(w);
      const r = await s.clientLogin({ [w.redirectField.name]: 'deny', loginreturnurl: ret.url });
      assert.equal(r.status, 'REDIRECT', JSON.stringify(r));
      assert.equal(new URL(r.redirecttarget as string).searchParams.get('deny'), '1');
      await browse(r.redirecttarget as string, ret.url);
      const q = await ret.received;
      assert.equal(q.get('error'), 'access_denied');
      const fail = await s.clientLoginContinue(Object.fromEntries(q));
      assert.equal(fail.messagecode, 'testredirectauth-denied', JSON.stringify(fail));

      const h = new RawSession(w);
      const r2 = await h.clientLogin({ [w.redirectField.name]: 'hang', loginreturnurl: ret.url });
      assert.equal(r2.status, 'REDIRECT', JSON.stringify(r2));
      const target = new URL(r2.redirecttarget as string);
      assert.equal(target.searchParams.get('hang'), '1');
      assert.equal(target.searchParams.get('deny'), null);
      const page = await fetch(target, { redirect: 'manual' });
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('location'), null);
      assert.match(await page.text(), /TestIdP/);

      // testidp=1 is unchanged: neither flag.
      const plainTarget = new URL((await new RawSession(w).clientLogin({ ...w.redirectField.values(), loginreturnurl: ret.url })).redirecttarget as string);
      assert.equal(plainTarget.searchParams.get('deny'), null);
      assert.equal(plainTarget.searchParams.get('hang'), null);
    } finally {
      ret.close();
    }
  });

  it('RESTART: testidp=sub:NAME is an external identity no user is linked to; the code is bound to NAME', async function () {
    const ret = await returnListener();
    try {
      const s = new RawSession(w);
      const r = await s.clientLogin({ [w.redirectField.name]: 'sub:fixture-ext', loginreturnurl: ret.url });
      assert.equal(r.status, 'REDIRECT', JSON.stringify(r));
      assert.equal(new URL(r.redirecttarget as string).searchParams.get('sub'), 'fixture-ext');
      await browse(r.redirecttarget as string, ret.url);
      const q = await ret.received;
      assert.match(q.get('code') ?? '', /^fixture-ext\.[0-9a-f]{32}$/);
      const restart = await s.clientLoginContinue(Object.fromEntries(q));
      // Without ConfirmLinkSecondaryAuthenticationProvider (1.39 default): no -link message, but
      // canpreservestate (the createRequest, useful for account creation only) and the login form.
      assert.equal(restart.status, 'RESTART', JSON.stringify(restart));
      assert.equal(restart.messagecode, 'authmanager-authn-no-local-user');
      assert.match(restart.message as string, /not associated with any user/);
      assert.equal(restart.canpreservestate, true);
      assert.ok((restart.requests as Json[]).some((x) => x.fields?.password), 'RESTART carries the login form');
      const info = await s.get({ action: 'query', meta: 'authmanagerinfo', amirequestsfor: 'login' });
      assert.equal(info.query.authmanagerinfo.haspreservedstate, false, 'nothing kept for a login');
      assert.equal((await s.whoami()).error?.code, 'assertuserfailed', 'nobody is logged in');

      // Another name with the IdP's MAC is refused: the identity comes from the IdP, not the client.
      const s2 = new RawSession(w);
      const r2 = await s2.clientLogin({ [w.redirectField.name]: 'sub:fixture-ext', loginreturnurl: ret.url });
      const idp = await fetch(r2.redirecttarget as string, { redirect: 'manual' });
      const q2 = new URL(idp.headers.get('location')!).searchParams;
      const forged = await s2.clientLoginContinue({ code: q2.get('code')!.replace('fixture-ext', 'other'), state: q2.get('state')! });
      assert.equal(forged.messagecode, 'testredirectauth-badcode', JSON.stringify(forged));
    } finally {
      ret.close();
    }
  });

  it('throttle: too many attempts give login-throttled, resetThrottles() clears it', async function () {
    const { plain, bot } = w.users;
    const s = new RawSession(w);
    let last: Json = {};
    for (let i = 0; i <= THROTTLE_COUNT; i++) {
      last = await s.clientLogin({ username: plain.name, password: 'wrong', loginreturnurl: w.server });
    }
    assert.equal(last.status, 'FAIL');
    assert.equal(last.messagecode, 'login-throttled', JSON.stringify(last));
    // bot passwords have their own throttle with the same limits
    let bp: Json = {};
    for (let i = 0; i <= THROTTLE_COUNT; i++) bp = await new RawSession(w).botLogin(bot.lgname, 'w'.repeat(32));
    assert.equal(bp.result, 'Failed');
    assert.match(bp.reason as string, /too many recent login attempts/);

    await w.resetThrottles();
    const fresh = new RawSession(w);
    const pass = await fresh.clientLogin({ username: plain.name, password: plain.password, loginreturnurl: w.server });
    assert.deepEqual(pass, { status: 'PASS', username: plain.name });
    assert.equal((await new RawSession(w).botLogin(bot.lgname, bot.botPassword)).result, 'Success');
  });

  it('invalidateSessions(): old cookies get assertuserfailed (normal and bot-password sessions)', async function () {
    const { plain, bot } = w.users;
    const normal = new RawSession(w);
    assert.equal((await normal.clientLogin({ username: plain.name, password: plain.password, loginreturnurl: w.server })).status, 'PASS');
    const bp = new RawSession(w);
    assert.equal((await bp.botLogin(bot.lgname, bot.botPassword)).result, 'Success');
    const other = new RawSession(w);
    assert.equal((await other.botLogin(w.users.blocked.lgname, w.users.blocked.botPassword)).result, 'Success');
    assert.equal((await normal.whoami()).query.userinfo.name, plain.name);
    assert.equal((await bp.whoami()).query.userinfo.name, bot.name);

    await w.invalidateSessions(plain.name);
    await w.invalidateSessions(bot.name);
    assert.equal((await normal.whoami()).error?.code, 'assertuserfailed');
    assert.equal((await bp.whoami()).error?.code, 'assertuserfailed');
    // other users keep their sessions; the bot can log in again
    assert.equal((await other.whoami()).query.userinfo.name, w.users.blocked.name);
    assert.equal((await new RawSession(w).botLogin(bot.lgname, bot.botPassword)).result, 'Success');
  });

  it('invalidateSessions(): a rememberMe Token cookie survives unless resetToken is set', async function () {
    const { plain } = w.users;
    const s = new RawSession(w);
    const pass = await s.clientLogin({ username: plain.name, password: plain.password, rememberMe: '1', loginreturnurl: w.server });
    assert.equal(pass.status, 'PASS');
    assert.ok(s.cookies.has(`${w.wikiId}Token`), [...s.cookies.keys()].join());
    await w.invalidateSessions(plain.name);
    assert.equal((await s.whoami()).query?.userinfo?.name, plain.name, 'Token cookie logs back in');
    await w.invalidateSessions(plain.name, { resetToken: true });
    assert.equal((await s.whoami()).error?.code, 'assertuserfailed');
    // the password still works
    const again = await new RawSession(w).clientLogin({ username: plain.name, password: plain.password, loginreturnurl: w.server });
    assert.equal(again.status, 'PASS');
  });

  it('request log: one entry per request with parameter and cookie names only', async function () {
    const s = new RawSession(w);
    w.clearRequests();
    const login = await s.botLogin(w.users.bot.lgname, w.users.bot.botPassword);
    assert.equal(login.result, 'Success');
    await s.whoami();
    const reqs = w.requests();
    assert.equal(reqs.length, 3, JSON.stringify(reqs));
    assert.deepEqual(reqs.map((r) => [r.method, r.path, r.action]), [
      ['GET', '/w/api.php', 'query'],
      ['POST', '/w/api.php', 'login'],
      ['GET', '/w/api.php', 'query'],
    ]);
    assert.deepEqual([...reqs[1]!.paramNames].sort(), ['action', 'format', 'formatversion', 'lgname', 'lgpassword', 'lgtoken']);
    assert.ok(reqs[1]!.cookieNames.includes(`${w.wikiId}_session`));
    assert.ok(reqs[2]!.cookieNames.includes(`${w.wikiId}_BPsession`));
    assert.ok(!JSON.stringify(reqs).includes(w.users.bot.botPassword), 'no values in the log');
    w.clearRequests();
    assert.equal(w.requests().length, 0);
  });

  it('revisionCount() and maintenance()', async function () {
    const s = new RawSession(w);
    assert.equal((await s.botLogin(w.users.bot.lgname, w.users.bot.botPassword)).result, 'Success');
    const title = 'Fixture test/Page one';
    assert.equal(await w.revisionCount(title), 0);
    for (const text of ['one', 'two']) {
      const token = await s.token('csrf');
      const r = await s.post({ action: 'edit', title, text, token, assert: 'user', bot: '1' });
      assert.equal(r.edit?.result, 'Success', JSON.stringify(r));
    }
    assert.equal(await w.revisionCount(title), 2);
    assert.equal(await w.revisionCount('Fixture_test/Page_one'), 2);
    const out = await w.maintenance('showSiteStats', []);
    assert.match(out, /Number of users\s*:\s*\d+/);
  });

  it(`serves concurrent API calls (${40} reads + ${10} edits) without errors`, async function () {
    this.timeout(60_000);
    const s = new RawSession(w);
    assert.equal((await s.botLogin(w.users.bot.lgname, w.users.bot.botPassword)).result, 'Success');
    const token = await s.token('csrf');
    const t0 = Date.now();
    const reads = Array.from({ length: 40 }, () => s.get({ action: 'query', meta: 'userinfo|siteinfo', assert: 'user' }));
    const edits = Array.from({ length: 10 }, (_, i) =>
      s.post({ action: 'edit', title: `Concurrent ${i}`, text: `text ${i}`, token, assert: 'user', bot: '1' }),
    );
    const results = await Promise.all([...reads, ...edits]);
    const errors = results.filter((r) => r.error || (r.edit && r.edit.result !== 'Success'));
    assert.deepEqual(errors, [], `took ${Date.now() - t0} ms`);
    for (let i = 0; i < 10; i++) assert.equal(await w.revisionCount(`Concurrent ${i}`), 1);
  });
});
