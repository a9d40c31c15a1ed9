import * as assert from 'node:assert/strict';
import { LoginError, loginWithBotPassword, InputError } from '../../src/mediawiki';
import { wiki } from './hooks';
import { actions, apiRequests, expectReject, newClient, TamperingTransport } from './helpers';

describe('bot password login (action=login) against the real wiki', () => {
  beforeEach(async () => {
    await wiki().resetThrottles();
    wiki().clearRequests();
  });

  it('succeeds in exactly 2 requests and names the user', async () => {
    const { bot } = wiki().users;
    const client = newClient();
    const user = await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
    assert.equal(user.name, bot.name);
    assert.equal(user.id, bot.userId);
    assert.deepEqual(client.user, user);
    assert.equal(client.transport.requestCount, 2);
    assert.deepEqual(actions(), ['query', 'login']);
    // The session works: the wiki says who we are.
    const me = await client.checkSession();
    assert.equal(me?.name, bot.name);
  });

  it('never sends assert or maxlag with login requests', async () => {
    const { bot } = wiki().users;
    const client = newClient({ maxlag: 5, user: { name: bot.name, id: bot.userId } });
    await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
    for (const r of apiRequests()) {
      assert.ok(!r.paramNames.includes('assert'), `assert sent with ${r.action}`);
      assert.ok(!r.paramNames.includes('maxlag'), `maxlag sent with ${r.action}`);
    }
    // ...while ordinary requests of the logged-in client carry both.
    wiki().clearRequests();
    await client.get({ action: 'query', meta: 'siteinfo' });
    assert.ok(apiRequests()[0].paramNames.includes('assert'));
    assert.ok(apiRequests()[0].paramNames.includes('maxlag'));
  });

  it('maps a wrong password to Failed with the wiki\'s reason', async () => {
    const { bot } = wiki().users;
    const client = newClient();
    const e = await expectReject(loginWithBotPassword(client, { username: bot.lgname, password: 'x'.repeat(32) }));
    assert.ok(e instanceof LoginError);
    assert.equal(e.code, 'Failed');
    assert.match(e.message, /Incorrect username or password/);
    assert.match(e.message, /Special:BotPasswords/);
    assert.ok(!e.message.includes('x'.repeat(32)), 'the password must not appear in the message');
    assert.equal(client.user, undefined);
  });

  it('tells a 2FA account (Aborted) to use interactive login or a bot password', async () => {
    const u = wiki().users.twoFactor[0];
    const e = await expectReject(loginWithBotPassword(newClient(), { username: u.name, password: u.password }));
    assert.ok(e instanceof LoginError);
    assert.equal(e.code, 'Aborted');
    assert.match(e.message, /interactive login/);
    assert.match(e.message, /bot password/);
  });

  it('reports throttling with the wait (login-throttled)', async function () {
    const { captcha } = wiki().users; // any account; its counters are reset afterwards
    const { bot } = wiki().users;
    let last: Error & { code?: string } | undefined;
    for (let i = 0; i < 12; i++) {
      last = await expectReject(loginWithBotPassword(newClient(), { username: `${bot.name}@${bot.appId}`, password: 'y'.repeat(32) }));
      if (last.code === 'login-throttled') break;
    }
    void captcha;
    assert.ok(last instanceof LoginError);
    assert.equal(last.code, 'login-throttled', `got ${last.code}: ${last.message}`);
    assert.ok((last.waitSeconds ?? 0) > 0, 'the wait is known');
    assert.match(last.message, new RegExp(`Wait \\d+ (seconds|minutes)`));
    // The right password works again once the counters are reset.
    await wiki().resetThrottles();
    await loginWithBotPassword(newClient(), { username: bot.lgname, password: bot.botPassword });
  });

  it('retries once with a fresh token after WrongToken', async () => {
    const { bot } = wiki().users;
    const transport = new TamperingTransport();
    let mangled = 0;
    transport.tamper = (req) => {
      if (req.method === 'POST' && new URLSearchParams(req.params).get('action') === 'login' && mangled === 0) {
        mangled++;
        const p = new URLSearchParams(req.params);
        p.set('lgtoken', 'deadbeef+\\');
        return { ...req, params: p };
      }
    };
    const client = newClient({ transport });
    const user = await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
    assert.equal(user.name, bot.name);
    assert.deepEqual(actions(), ['query', 'login', 'query', 'login']);
  });

  it('reports a lost session between token and login (sessionlost)', async () => {
    const { bot } = wiki().users;
    const transport = new TamperingTransport();
    transport.tamper = (req) => {
      if (req.method === 'POST' && new URLSearchParams(req.params).get('action') === 'login') transport.clearCookies();
    };
    const e = await expectReject(loginWithBotPassword(newClient({ transport }), { username: bot.lgname, password: bot.botPassword }));
    assert.equal(e.code, 'sessionlost', e.message);
    assert.match(e.message, /session/i);
  });

  it('refuses an empty user name before sending anything', async () => {
    const client = newClient();
    const e = await expectReject(loginWithBotPassword(client, { username: '  ', password: 'p' }));
    assert.ok(e instanceof InputError);
    assert.equal(client.transport.requestCount, 0);
  });
});
