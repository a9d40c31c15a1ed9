import * as assert from 'node:assert/strict';
import {
  ApiClient, ApiError, loginWithBotPassword, restoreSession, serializeSession,
} from '../../src/mediawiki';
import { wiki } from './hooks';
import { actions, expectReject, newClient, uniqueTitle } from './helpers';

async function botClient(options: { relogin?: boolean } = {}): Promise<ApiClient> {
  const { bot } = wiki().users;
  const client = newClient({
    relogin: options.relogin === false ? undefined : async (c) => void (await loginWithBotPassword(c, { username: bot.lgname, password: bot.botPassword })),
  });
  await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
  return client;
}

async function edit(client: ApiClient, title: string, text: string) {
  const res = await client.postWithToken('csrf', { action: 'edit', title, text, summary: 'test' });
  return res.edit as { result: string; newrevid?: number };
}

describe('sessions: serialise, restore, expiry and re-login (real wiki)', () => {
  beforeEach(async () => {
    await wiki().resetThrottles();
    wiki().clearRequests();
  });

  it('serialise -> restore -> an edit with assert=user succeeds with zero login requests', async () => {
    const client = await botClient();
    const json = serializeSession(client);
    assert.ok(!json.includes(wiki().users.bot.botPassword), 'no password in the session');
    assert.deepEqual(Object.keys(JSON.parse(json) as object).sort(), ['apiUrl', 'cookies', 'savedAt', 'user', 'version'], 'how the login was made is not part of the session');
    wiki().clearRequests();

    const { client: restored, data } = restoreSession(json);
    assert.equal(restored.transport.requestCount, 0, 'restoring makes no request');
    assert.equal(data.user?.name, wiki().users.bot.name);
    const title = uniqueTitle('Restore');
    const result = await edit(restored, title, 'restored session edit');
    assert.equal(result.result, 'Success');
    assert.ok(!actions().includes('login') && !actions().includes('clientlogin'));
    assert.deepEqual(actions(), ['query', 'edit']); // csrf token, edit
    for (const r of wiki().requests()) if (r.action === 'edit') assert.ok(r.paramNames.includes('assert'));
    assert.equal(await wiki().revisionCount(title), 1);
  });

  it('a session stored by an older version (with method, login name and domain in it) still restores and works', async () => {
    const client = await botClient();
    const old = { ...(JSON.parse(serializeSession(client)) as object), method: 'clientlogin', loginName: wiki().users.bot.lgname, domain: 'EXAMPLE' };
    wiki().clearRequests();
    const { client: restored, data } = restoreSession(JSON.stringify(old));
    assert.equal(data.user?.name, wiki().users.bot.name);
    assert.deepEqual(await restored.checkSession(), { name: wiki().users.bot.name, id: wiki().users.bot.userId });
    assert.deepEqual(actions(), ['query'], 'one userinfo query, no login');
  });

  it('server-side session deleted -> assertuserfailed -> one re-login -> the edit succeeds', async () => {
    const client = await botClient();
    await wiki().invalidateSessions(wiki().users.bot.name);
    wiki().clearRequests();
    const title = uniqueTitle('Relogin');
    const result = await edit(client, title, 'after expiry');
    assert.equal(result.result, 'Success');
    assert.equal(client.reloginCount, 1);
    assert.equal(actions().filter((a) => a === 'login').length, 1);
    assert.equal(await wiki().revisionCount(title), 1);
  });

  it('20 concurrent calls through that expiry cause exactly 1 login', async () => {
    const client = await botClient();
    await client.getToken('csrf');
    await wiki().invalidateSessions(wiki().users.bot.name);
    wiki().clearRequests();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => client.get({ action: 'query', meta: 'userinfo', i })),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0, failed.map((f) => String((f as PromiseRejectedResult).reason)).join('; '));
    for (const r of results) {
      const ui = ((r as PromiseFulfilledResult<{ query: { userinfo: { name: string } } }>).value).query.userinfo;
      assert.equal(ui.name, wiki().users.bot.name);
    }
    assert.equal(client.reloginCount, 1);
    assert.equal(actions().filter((a) => a === 'login').length, 1);
  });

  it('without stored credentials, expiry is a clear assertuserfailed and checkSession says anonymous', async () => {
    const expired: string[] = [];
    const { bot } = wiki().users;
    const client = newClient({ onSessionExpired: (e) => expired.push(e.code) });
    await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
    const { client: restored } = restoreSession(serializeSession(client), { onSessionExpired: (e) => expired.push(e.code) });
    await wiki().invalidateSessions(bot.name);
    const e = await expectReject(restored.get({ action: 'query', meta: 'userinfo' }));
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 'assertuserfailed');
    assert.match(e.message, /log in again/i);
    assert.deepEqual(expired, ['assertuserfailed']);
    // Further calls fail fast with the same error instead of hammering the wiki.
    wiki().clearRequests();
    const again = await expectReject(restored.get({ action: 'query', meta: 'userinfo' }));
    assert.equal(again.code, 'assertuserfailed');
    assert.equal(actions().length, 0);
    assert.equal(await restored.checkSession(), undefined);
  });

  it('badtoken (a csrf token of another session) -> refresh -> success', async () => {
    const a = await botClient();
    const b = await botClient();
    const foreign = await b.getToken('csrf');
    const mine = await a.getToken('csrf');
    assert.notEqual(foreign, mine);
    // Plant the other session's token in a's cache: the wiki will answer badtoken.
    (a as unknown as { tokens: Map<string, Promise<string>> }).tokens.set('csrf', Promise.resolve(foreign));
    wiki().clearRequests();
    const title = uniqueTitle('Badtoken');
    const result = await edit(a, title, 'badtoken retry');
    assert.equal(result.result, 'Success');
    assert.deepEqual(actions(), ['edit', 'query', 'edit']);
    assert.equal(await wiki().revisionCount(title), 1);
  });

  it('logout ends the session on the server', async () => {
    const client = await botClient({ relogin: false });
    const json = serializeSession(client);
    await client.logout();
    assert.equal(client.user, undefined);
    const { client: old } = restoreSession(json);
    const e = await expectReject(old.get({ action: 'query', meta: 'userinfo' }));
    assert.equal(e.code, 'assertuserfailed');
  });

  it('continuation walks every batch', async () => {
    const client = await botClient();
    const prefix = uniqueTitle('Cont');
    for (let i = 0; i < 5; i++) await edit(client, `${prefix} ${i}`, 'x');
    const titles: string[] = [];
    let batches = 0;
    for await (const res of client.continue({ action: 'query', list: 'allpages', apprefix: prefix, aplimit: 2 })) {
      batches++;
      for (const p of (res.query as { allpages: { title: string }[] }).allpages) titles.push(p.title);
    }
    assert.equal(titles.length, 5);
    assert.equal(batches, 3);
  });

  it('a blocked user logs in but the edit fails with the code blocked', async () => {
    const { blocked } = wiki().users;
    const client = newClient();
    await loginWithBotPassword(client, { username: blocked.lgname, password: blocked.botPassword });
    const e = await expectReject(edit(client, uniqueTitle('Blocked'), 'no'));
    assert.equal(e.code, 'blocked');
    assert.match(e.message, /blocked/);
  });
});
