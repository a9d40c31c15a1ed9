// Re-login races that a real wiki produces only now and then (CI saw one: 6 of 50 edits refused
// twice with badtoken). MediaWiki deletes a dead session's cookie in its answer; when such an answer
// arrives after the re-login set the new cookie, it must not delete that one. Timing is scripted here.
import * as assert from 'node:assert/strict';
import { ApiClient, loginWithBotPassword } from '../../src/mediawiki';
import { CannedServer, type CannedHit, type Canned } from '../net/cannedServer';

const DEAD = { error: { code: 'assertuserfailed', info: 'You are no longer logged in.' } };
const forget = { 'set-cookie': 'wiki_BPsession=deleted; Max-Age=0; Path=/; HttpOnly' };

/** A wiki with one bot session: `old` is dead, a login makes `new`. */
function wiki(server: CannedServer, lateMs: number, loginMs: number): { logins: () => number } {
  let logins = 0;
  server.route = (hit: CannedHit): Canned => {
    const cookie = String(hit.headers.cookie ?? '');
    const p = hit.params;
    if (p.get('meta') === 'tokens' && p.get('type') === 'login') return { json: { query: { tokens: { logintoken: 'L+\\' } } } };
    if (p.get('action') === 'login') {
      logins++;
      return { delayMs: loginMs, headers: { 'set-cookie': 'wiki_BPsession=new; Path=/; HttpOnly' }, json: { login: { result: 'Success', lguserid: 2, lgusername: 'Bot' } } };
    }
    if (cookie.includes('wiki_BPsession=new')) return { json: { batchcomplete: true, query: { userinfo: { id: 2, name: 'Bot' } } } };
    // The dead session. A call asserting the user is refused at once; MediaWiki would delete the
    // cookie too, but an answer to a call sent before the session died can put it back (the jar then
    // still holds the dead cookie while the re-login runs). A check without assert is answered late,
    // as anonymous, with the dead cookie deleted.
    if (p.has('assert')) return { json: DEAD };
    return { delayMs: cookie.includes('wiki_BPsession=old') ? lateMs : 0, headers: forget, json: { batchcomplete: true, query: { userinfo: { id: 0, name: '127.0.0.1', anon: true } } } };
  };
  return { logins: () => logins };
}

async function client(server: CannedServer): Promise<ApiClient> {
  const c = new ApiClient({
    apiUrl: server.url,
    user: { name: 'Bot', id: 2 },
    relogin: async (cl) => void (await loginWithBotPassword(cl, { username: 'Bot@app', password: 'p' })),
  });
  await c.transport.setCookie('wiki_BPsession=old; Path=/; HttpOnly', server.url);
  return c;
}

async function sessionCookie(c: ApiClient, server: CannedServer): Promise<string | undefined> {
  return (await c.transport.cookies(server.url)).find((k) => k.key === 'wiki_BPsession')?.value;
}

describe('re-login races (scripted timing on loopback)', () => {
  let server: CannedServer;
  beforeEach(async () => (server = await new CannedServer().start()));
  afterEach(() => server.stop());

  it('a call made while a re-login is in flight waits for it, and goes out with the new session', async () => {
    const w = wiki(server, 0, 300);
    const c = await client(server);
    const first = c.get({ action: 'query', meta: 'userinfo' });
    // Let the first answer arrive and the re-login start, then call again.
    while (w.logins() === 0) await new Promise((r) => setTimeout(r, 5));
    const second = c.get({ action: 'query', meta: 'userinfo' });
    await Promise.all([first, second]);
    const sentDuringLogin = server.hits.filter((h) => h.params.get('meta') === 'userinfo' && !String(h.headers.cookie ?? '').includes('=new'));
    assert.equal(sentDuringLogin.length, 1, 'only the first call went out with the dead session');
    assert.equal(w.logins(), 1);
    assert.equal(await sessionCookie(c, server), 'new');
  });

  it('an answer to a request sent before the login finished cannot delete the new session cookie', async () => {
    // The check goes out with the dead cookie while the login runs, and is answered after it.
    const w = wiki(server, 600, 200);
    const c = await client(server);
    const first = c.get({ action: 'query', meta: 'userinfo' }).catch((e: Error) => e);
    while (w.logins() === 0) await new Promise((r) => setTimeout(r, 5));
    const check = c.checkSession();
    await first;
    assert.equal(await sessionCookie(c, server), 'new', 'the login set the new cookie');
    assert.equal(await check, undefined, 'the check saw the dead session');
    assert.equal(await sessionCookie(c, server), 'new', 'its late answer did not delete the new cookie');
    const res = await c.get({ action: 'query', meta: 'userinfo' });
    assert.deepEqual((res.query as { userinfo: unknown }).userinfo, { id: 2, name: 'Bot' });
    assert.equal(w.logins(), 1);
  });
});
