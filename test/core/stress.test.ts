// Sessions under stress, against the real wiki: many calls in flight while the server-side session
// dies, re-login that cannot work, badtoken in the middle of a batch of edits, logout elsewhere.
import * as assert from 'node:assert/strict';
import { ApiClient, LoginError, WikiError, loginWithBotPassword, restoreSession, serializeSession } from '../../src/mediawiki';
import { figures } from '../reliability/record';
import { wiki } from './hooks';
import { actions, newClient, uniqueTitle } from './helpers';

const fig = figures('core');
const N = 50;

function botRelogin(password?: string) {
  const { bot } = wiki().users;
  return async (c: ApiClient) => void (await loginWithBotPassword(c, { username: bot.lgname, password: password ?? bot.botPassword }));
}

async function botClient(relogin?: (c: ApiClient) => Promise<void>, onSessionExpired?: (e: WikiError) => void): Promise<ApiClient> {
  const { bot } = wiki().users;
  const client = newClient({ relogin, onSessionExpired });
  await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
  await client.getToken('csrf');
  return client;
}

interface Counted {
  ok: number;
  failed: { code?: string; message: string }[];
}

function count(results: PromiseSettledResult<unknown>[]): Counted {
  const failed = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => ({ code: (r.reason as WikiError).code, message: String((r.reason as Error).message) }));
  return { ok: results.length - failed.length, failed };
}

describe('sessions under stress (real wiki)', () => {
  beforeEach(async () => {
    await wiki().resetThrottles();
    wiki().clearRequests();
  });

  it(`${N} concurrent calls (reads and edits) while the session is deleted on the server: exactly 1 re-login, every call succeeds, every edit once`, async function () {
    this.timeout(120_000);
    const client = await botClient(botRelogin());
    const prefix = uniqueTitle('Stress');
    const edits = 10;
    wiki().clearRequests();
    const calls: Promise<unknown>[] = [];
    // Half go out before the session dies, half after; the invalidation runs while they are in flight.
    for (let i = 0; i < N / 2; i++) calls.push(i < edits / 2 ? client.postWithToken('csrf', { action: 'edit', title: `${prefix} ${i}`, text: `edit ${i}` }) : client.get({ action: 'query', meta: 'userinfo', i }));
    await wiki().invalidateSessions(wiki().users.bot.name);
    for (let i = N / 2; i < N; i++) calls.push(i < N / 2 + edits / 2 ? client.postWithToken('csrf', { action: 'edit', title: `${prefix} ${i}`, text: `edit ${i}` }) : client.get({ action: 'query', meta: 'userinfo', i }));
    const c = count(await Promise.allSettled(calls));
    fig.concurrent.push({ test: 'session expires under 50 concurrent calls', calls: N, relogins: client.reloginCount, failures: c.failed.length });
    assert.deepEqual(c.failed, []);
    assert.equal(c.ok, N);
    assert.equal(client.reloginCount, 1);
    assert.equal(actions().filter((a) => a === 'login').length, 1, 'the wiki saw one login');
    for (let i = 0; i < N; i++) {
      if (i < edits / 2 || (i >= N / 2 && i < N / 2 + edits / 2)) assert.equal(await wiki().revisionCount(`${prefix} ${i}`), 1, `edit ${i} happened once`);
    }
    // The session really is a new one and works.
    assert.equal((await client.checkSession())?.name, wiki().users.bot.name);
  });

  it(`re-login impossible (password revoked): ${N} calls -> 1 login attempt, 1 expiry notice, ${N} clear errors`, async () => {
    const expired: string[] = [];
    let reloginCalls = 0;
    const wrong = botRelogin('revoked-password-0000000000000000');
    const client = await botClient(async (c) => {
      reloginCalls++;
      await wrong(c);
    }, (e) => expired.push(e.code));
    await wiki().invalidateSessions(wiki().users.bot.name);
    wiki().clearRequests();
    const c = count(await Promise.allSettled(Array.from({ length: N }, (_, i) => client.get({ action: 'query', meta: 'userinfo', i }))));
    fig.concurrent.push({ test: 're-login impossible under 50 concurrent calls', calls: N, relogins: reloginCalls, failures: c.failed.length });
    assert.equal(c.ok, 0);
    assert.equal(reloginCalls, 1);
    assert.deepEqual(expired, ['Failed'], 'one expiry notice (one prompt / one needs-login state)');
    assert.equal(actions().filter((a) => a === 'login').length, 1);
    for (const f of c.failed) {
      assert.equal(f.code, 'Failed');
      assert.match(f.message, /\[Failed\] Check the user name and password/);
      assert.ok(!f.message.includes('revoked-password'), 'no password in the message');
    }
    // Later calls fail fast: no request, no new login attempt.
    wiki().clearRequests();
    const later = await client.get({ action: 'query', meta: 'userinfo' }).catch((e: WikiError) => e);
    assert.equal((later as WikiError).code, 'Failed');
    assert.equal(actions().length, 0);
    assert.equal(reloginCalls, 1);
  });

  it(`re-login needs the user (no stored password): ${N} calls -> exactly 1 prompt, declined -> ${N} clear errors`, async () => {
    let prompts = 0;
    const client = await botClient(async () => {
      prompts++;
      await new Promise((r) => setTimeout(r, 200)); // the user reads the prompt
      throw new LoginError('assertuserfailed', 'The session has expired and the login was not renewed.');
    });
    await wiki().invalidateSessions(wiki().users.bot.name);
    const c = count(await Promise.allSettled(Array.from({ length: N }, (_, i) => client.get({ action: 'query', meta: 'userinfo', i }))));
    fig.concurrent.push({ test: 'declined re-login prompt under 50 concurrent calls', calls: N, relogins: prompts, failures: c.failed.length });
    assert.equal(prompts, 1);
    assert.equal(c.failed.length, N);
    for (const f of c.failed) assert.match(f.message, /\[assertuserfailed\] The session has expired: log in again/);
  });

  it('badtoken in the middle of a sequential batch of edits: one token refresh, every edit once', async () => {
    const a = await botClient();
    const other = await botClient();
    const foreign = await other.getToken('csrf');
    const prefix = uniqueTitle('Batch');
    wiki().clearRequests();
    for (let i = 0; i < 10; i++) {
      if (i === 5) (a as unknown as { tokens: Map<string, Promise<string>> }).tokens.set('csrf', Promise.resolve(foreign));
      const res = await a.postWithToken('csrf', { action: 'edit', title: `${prefix} ${i}`, text: `edit ${i}` });
      assert.equal((res.edit as { result: string }).result, 'Success');
    }
    assert.equal(actions().filter((x) => x === 'query').length, 1, 'one token refresh');
    assert.equal(actions().filter((x) => x === 'edit').length, 11, '10 edits + 1 refused with badtoken');
    for (let i = 0; i < 10; i++) assert.equal(await wiki().revisionCount(`${prefix} ${i}`), 1);
  });

  it('badtoken hitting 10 concurrent edits at once: one token refresh, every edit once', async () => {
    const a = await botClient();
    const other = await botClient();
    (a as unknown as { tokens: Map<string, Promise<string>> }).tokens.set('csrf', Promise.resolve(await other.getToken('csrf')));
    const prefix = uniqueTitle('Concurrent badtoken');
    wiki().clearRequests();
    const c = count(await Promise.allSettled(Array.from({ length: 10 }, (_, i) => a.postWithToken('csrf', { action: 'edit', title: `${prefix} ${i}`, text: `edit ${i}` }))));
    fig.concurrent.push({ test: 'badtoken under 10 concurrent edits', calls: 10, relogins: 0, failures: c.failed.length });
    assert.deepEqual(c.failed, []);
    assert.equal(actions().filter((x) => x === 'query').length, 1, 'one token refresh for all of them');
    for (let i = 0; i < 10; i++) assert.equal(await wiki().revisionCount(`${prefix} ${i}`), 1);
  });

  it('logout in one window while another window (same stored session) has calls in flight', async () => {
    const { bot } = wiki().users;
    const windowA = newClient();
    await loginWithBotPassword(windowA, { username: bot.lgname, password: bot.botPassword });
    const stored = serializeSession(windowA);
    const expired: string[] = [];
    // Window B restored the same session from storage; it has no password to log in again with.
    const { client: windowB } = restoreSession(stored, { onSessionExpired: (e) => expired.push(e.code) });
    wiki().clearRequests();
    const inFlight = Array.from({ length: 20 }, (_, i) => windowB.get({ action: 'query', meta: 'userinfo', i }));
    await windowA.logout();
    const more = Array.from({ length: 10 }, (_, i) => windowB.get({ action: 'query', meta: 'userinfo', j: i }));
    const results = await Promise.allSettled([...inFlight, ...more]);
    const c = count(results);
    fig.concurrent.push({ test: 'logout in another window with 30 calls in flight', calls: 30, relogins: 0, failures: c.failed.length });
    for (const r of results) {
      if (r.status === 'fulfilled') assert.equal((r.value.query as { userinfo: { name: string } }).userinfo.name, bot.name, 'a call that succeeded ran as the user');
    }
    for (const f of c.failed) {
      assert.equal(f.code, 'assertuserfailed');
      assert.match(f.message, /log in again/);
    }
    assert.ok(c.failed.length >= 10, 'the calls after the logout failed');
    assert.deepEqual(expired, ['assertuserfailed'], 'one expiry notice');
    assert.equal(actions().filter((a) => a === 'login').length, 0, 'window B did not log back in');
  });
});
