import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientLogin, LoginError, type FieldValues } from '../../src/mediawiki';
import { wiki } from './hooks';
import { CAPTCHA_BAD_LOGINS } from '../wiki';
import { actions, expectReject, newClient, ScriptedPrompter } from './helpers';

const RETURN_URL = 'http://127.0.0.1:9/return'; // never reached unless a REDIRECT happens

/** The first unused 2FA account with a code for a 30 s window nobody used yet. */
let twoFactorIndex = 0;
function nextTwoFactorUser() {
  const users = wiki().users.twoFactor;
  return users[twoFactorIndex++ % users.length];
}

describe('interactive login (action=clientlogin) against the real wiki', () => {
  beforeEach(async () => {
    await wiki().resetThrottles();
    wiki().clearRequests();
  });

  it('PASS in 2 requests: one GET for token and form, one POST', async () => {
    const { plain } = wiki().users;
    const prompter = new ScriptedPrompter((step) => {
      const names = step.fields.map((f) => f.name);
      assert.ok(names.includes('username') && names.includes('password'), `fields: ${names}`);
      const pw = step.fields.find((f) => f.name === 'password');
      assert.equal(pw?.type, 'password');
      assert.equal(pw?.sensitive, true);
      return { username: plain.name, password: plain.password };
    });
    const client = newClient();
    const result = await clientLogin(client, { returnUrl: RETURN_URL, prompter });
    assert.equal(result.name, plain.name);
    assert.equal(result.id, plain.userId);
    assert.equal(result.requests, 2);
    assert.deepEqual(actions(), ['query', 'clientlogin']);
    assert.equal((await client.checkSession())?.name, plain.name);
  });

  it('FAIL with the wiki\'s messagecode (wrongpassword)', async () => {
    const { plain } = wiki().users;
    const prompter = new ScriptedPrompter(() => ({ username: plain.name, password: 'wrong wrong' }));
    const e = await expectReject(clientLogin(newClient(), { returnUrl: RETURN_URL, prompter }));
    assert.ok(e instanceof LoginError);
    assert.equal(e.code, 'wrongpassword');
    assert.match(e.message, /Incorrect username or password/);
    assert.ok(!e.message.includes('wrong wrong'));
  });

  it('2FA: the UI step asks for OATHToken; a computed TOTP code gives PASS in 3 requests', async () => {
    const u = nextTwoFactorUser();
    const prompter = new ScriptedPrompter((step): FieldValues => {
      if (step.kind === 'start') return { username: u.name, password: u.password };
      assert.equal(step.messageCode, 'oathauth-auth-ui');
      assert.ok(step.fields.some((f) => f.name === 'OATHToken'), 'OATHToken field');
      return { OATHToken: wiki().totp(u.totpSecret) };
    });
    const client = newClient();
    const result = await clientLogin(client, { returnUrl: RETURN_URL, prompter });
    assert.equal(result.name, u.name);
    assert.equal(result.requests, 3);
    assert.deepEqual(actions(), ['query', 'clientlogin', 'clientlogin']);
  });

  it('2FA: a wrong code shows the wiki\'s message and asks again', async () => {
    const u = nextTwoFactorUser();
    let asked = 0;
    const prompter = new ScriptedPrompter((step): FieldValues => {
      if (step.kind === 'start') return { username: u.name, password: u.password };
      asked++;
      if (asked === 1) return { OATHToken: '000000' === wiki().totp(u.totpSecret) ? '111111' : '000000' };
      assert.equal(step.messageCode, 'oathauth-login-failed');
      assert.ok(step.message && step.message.length > 0);
      return { OATHToken: wiki().totp(u.totpSecret) };
    });
    const result = await clientLogin(newClient(), { returnUrl: RETURN_URL, prompter });
    assert.equal(result.name, u.name);
    assert.equal(asked, 2);
  });

  it('captcha: after bad logins the wiki asks the failing session for the answer; it gives PASS', async () => {
    const { captcha } = wiki().users;
    // Bad logins arm the per-user captcha trigger.
    const bad = new ScriptedPrompter(() => ({ username: captcha.name, password: 'not it' }));
    for (let i = 0; i < CAPTCHA_BAD_LOGINS; i++) await expectReject(clientLogin(newClient(), { returnUrl: RETURN_URL, prompter: bad }));
    let sawQuestion = '';
    const failures: string[] = [];
    const prompter = new ScriptedPrompter((step) => {
      const values: FieldValues = { username: captcha.name, password: captcha.password };
      const info = step.fields.find((f) => f.name === 'captchaInfo');
      if (info) {
        assert.equal(info.type, 'null');
        sawQuestion = `${info.label} ${info.value ?? ''}`;
        values['captchaWord'] = wiki().captcha.answer;
      }
      return values;
    });
    prompter.retryAfterFailure = async (e) => {
      failures.push(e.code);
      return failures.length < 3;
    };
    const result = await clientLogin(newClient(), { returnUrl: RETURN_URL, prompter });
    assert.equal(result.name, captcha.name);
    assert.ok(sawQuestion.includes(wiki().captcha.question), `question shown: ${sawQuestion}`);
    assert.ok(prompter.steps.some((s) => s.fields.some((f) => f.name === 'captchaId' && f.type === 'hidden' && f.value)));
    assert.equal(failures.length, 1, 'one FAIL (captcha needed), then PASS with the answer');
  });

  it('captcha: a wrong answer fails again, without losing the way to retry', async () => {
    const { captcha } = wiki().users;
    const bad = new ScriptedPrompter(() => ({ username: captcha.name, password: 'not it' }));
    for (let i = 0; i < CAPTCHA_BAD_LOGINS; i++) await expectReject(clientLogin(newClient(), { returnUrl: RETURN_URL, prompter: bad }));
    const prompter = new ScriptedPrompter((step) => ({
      username: captcha.name,
      password: captcha.password,
      ...(step.fields.some((f) => f.name === 'captchaWord') ? { captchaWord: 'certainly wrong' } : {}),
    }));
    let rounds = 0;
    prompter.retryAfterFailure = async () => ++rounds < 2;
    const e = await expectReject(clientLogin(newClient(), { returnUrl: RETURN_URL, prompter }));
    assert.ok(e instanceof LoginError);
    assert.equal(rounds, 2);
    assert.ok(prompter.steps[1].fields.some((f) => f.name === 'captchaWord'));
  });

  it('rememberMe asks for the long-lived Token cookie', async () => {
    const { plain } = wiki().users;
    const prompter = new ScriptedPrompter(() => ({ username: plain.name, password: plain.password }));
    const client = newClient();
    const result = await clientLogin(client, { returnUrl: RETURN_URL, prompter, rememberMe: true });
    assert.equal(result.rememberMe, true);
    const names = (await client.transport.cookies(wiki().apiUrl)).map((c) => c.key);
    assert.ok(names.some((n) => n.endsWith('Token')), `cookies: ${names}`);
  });

  it('refuses a vscode:// return URL before sending anything', async () => {
    const client = newClient();
    const prompter = new ScriptedPrompter(() => ({}));
    const e = await expectReject(clientLogin(client, { returnUrl: 'vscode://wikisessions.mediawiki-sessions/cb', prompter }));
    assert.equal(e.code, 'badurl_loginreturnurl');
    assert.equal(client.transport.requestCount, 0);
    assert.deepEqual(actions(), []);
  });

  it('the wiki itself refuses a non-http return URL (why the check exists)', async () => {
    const client = newClient();
    const tok = await client.get({ action: 'query', meta: 'tokens', type: 'login' }, { login: true });
    const e = await expectReject(
      client.post(
        { action: 'clientlogin', loginreturnurl: 'vscode://wikisessions.mediawiki-sessions/cb', logintoken: (tok.query as { tokens: { logintoken: string } }).tokens.logintoken, username: 'x', password: 'y' },
        { login: true },
      ),
    );
    assert.equal(e.code, 'badurl_loginreturnurl');
  });

  it('cancelling at a step ends the login with code cancelled and no user', async () => {
    const client = newClient();
    const e = await expectReject(clientLogin(client, { returnUrl: RETURN_URL, prompter: new ScriptedPrompter(() => undefined) }));
    assert.equal(e.code, 'cancelled');
    assert.equal(client.user, undefined);
  });

  describe('REDIRECT through a loopback listener', () => {
    let server: http.Server;
    let returnUrl: string;
    let received: Promise<URLSearchParams>;
    beforeEach(async () => {
      let deliver!: (q: URLSearchParams) => void;
      received = new Promise((r) => (deliver = r));
      server = http.createServer((req, res) => {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        deliver(u.searchParams);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this tab.');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      returnUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mediawiki-return`;
    });
    afterEach(() => new Promise<void>((r) => server.close(() => r())));

    /** What a browser does: follow the IdP's redirects until the loopback listener gets the query. */
    async function browse(target: string, deny = false): Promise<FieldValues> {
      let url = deny ? `${target}&deny=1` : target;
      for (let i = 0; i < 10 && !url.startsWith(returnUrl); i++) {
        const res = await fetch(url, { redirect: 'manual' });
        const loc = res.headers.get('location');
        if (!loc) throw new Error(`no redirect from ${url}: ${res.status}`);
        url = new URL(loc, url).toString();
      }
      await fetch(url);
      return Object.fromEntries(await received);
    }

    it('opens the target and continues with what reached the return URL: PASS', async () => {
      const { redirect } = wiki().users;
      const prompter = new ScriptedPrompter(
        (step) => {
          const button = step.fields.find((f) => f.name === wiki().redirectField.name);
          assert.ok(button, `redirect provider offered: ${step.fields.map((f) => f.name)}`);
          return { ...wiki().redirectField.values(redirect.name) };
        },
        (target) => browse(target),
      );
      const client = newClient();
      const result = await clientLogin(client, { returnUrl, prompter });
      assert.equal(result.name, redirect.name);
      assert.equal(prompter.redirects.length, 1);
      assert.ok(prompter.redirects[0].includes(encodeURIComponent(returnUrl)) || prompter.redirects[0].includes(returnUrl));
      assert.equal((await client.checkSession())?.name, redirect.name);
    });

    it('an access_denied return is a FAIL with the wiki\'s reason', async () => {
      const { redirect } = wiki().users;
      const prompter = new ScriptedPrompter(
        () => ({ ...wiki().redirectField.values(redirect.name) }),
        (target) => browse(target, true),
      );
      const e = await expectReject(clientLogin(newClient(), { returnUrl, prompter }));
      assert.ok(e instanceof LoginError, String(e));
    });
  });
});
