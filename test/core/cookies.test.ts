// Cookie isolation, shown with the wikis' own request logs (which record the cookie names each
// request carried): two real wikis on one host with the same cookie prefix, a redirect from the
// wiki to another host, and a wiki with $wgCookiePath = '/w'.
import * as assert from 'node:assert/strict';
import { ApiClient, OffsiteRedirectError, loginWithBotPassword } from '../../src/mediawiki';
import { startWiki } from '../wiki';
import type { TestWiki } from '../wiki/types';
import { TcpProxy } from '../net/faultServers';
import { wiki } from './hooks';
import { expectReject } from './helpers';

async function login(w: TestWiki, apiUrl = w.apiUrl): Promise<ApiClient> {
  await w.resetThrottles();
  const c = new ApiClient({ apiUrl });
  await loginWithBotPassword(c, { username: w.users.bot.lgname, password: w.users.bot.botPassword });
  return c;
}

async function whoami(c: ApiClient): Promise<{ name: string; id: number; anon?: boolean }> {
  const res = await c.get({ action: 'query', meta: 'userinfo' }, { assert: false });
  return (res.query as { userinfo: { name: string; id: number; anon?: boolean } }).userinfo;
}

describe('cookie isolation (real wikis)', () => {
  describe('two wikis on the same host, different ports, the same cookie prefix', () => {
    let b: TestWiki;
    before(async function () {
      this.timeout(60_000);
      b = await startWiki({ extraSettings: `$wgCookiePrefix = '${wiki().wikiId}';` });
    });
    after(() => b?.stop());

    it('the cookies of one are never sent to the other; both sessions stay intact', async () => {
      const a = wiki();
      const clientA = await login(a);
      const namesA = await clientA.transport.cookieNames(a.apiUrl);
      assert.ok(namesA.some((n) => n.startsWith(a.wikiId)), `A set prefixed cookies: ${namesA.join(', ')}`);

      // B is used anonymously first: with A's session cookies in hand, nothing may reach B.
      b.clearRequests();
      const anonB = new ApiClient({ apiUrl: b.apiUrl });
      assert.equal((await whoami(anonB)).anon, true);
      assert.deepEqual(b.requests().flatMap((r) => r.cookieNames), [], 'B received no cookie');

      // Now both logged in, same cookie names on both, interleaved use.
      const clientB = await login(b);
      assert.deepEqual((await clientB.transport.cookieNames(b.apiUrl)).sort(), namesA.sort(), 'same prefix, same cookie names');
      a.clearRequests();
      b.clearRequests();
      for (let i = 0; i < 3; i++) {
        assert.equal((await whoami(clientA)).name, a.users.bot.name);
        assert.equal((await whoami(clientB)).name, b.users.bot.name);
      }
      // Ending B's sessions on B's server leaves A's session alone (and the other way round).
      await b.invalidateSessions(b.users.bot.name);
      assert.equal((await whoami(clientB)).anon, true, 'B lost its session');
      assert.equal((await whoami(clientA)).name, a.users.bot.name, 'A kept its session');
      assert.equal(a.requests().filter((r) => r.path.endsWith('api.php')).length, 4, 'A saw only its own client');
      assert.equal(b.requests().filter((r) => r.path.endsWith('api.php')).length, 4, 'B saw only its own client');

      // Control: the detector works. A jar shared between the two (cookies ignore ports) would leak.
      b.clearRequests();
      const shared = new ApiClient({ apiUrl: b.apiUrl, transport: clientA.transport });
      await whoami(shared);
      assert.ok(b.requests()[0].cookieNames.length > 0, 'a shared jar would have sent A\'s cookies to B');
    });
  });

  describe('a redirect from the wiki to another host', () => {
    let proxy: TcpProxy;
    before(async () => {
      // The wiki reached as 127.0.0.2: its redirects point to its $wgServer, 127.0.0.1 - another host.
      proxy = await new TcpProxy({ host: '127.0.0.1', port: Number(new URL(wiki().server).port) }, /$^/, '127.0.0.2').start();
    });
    after(() => proxy.stop());

    it('is not followed with the session, and when followed (discovery) carries no cookie', async () => {
      const c = await login(wiki(), proxy.url);
      assert.ok((await c.transport.cookieNames(proxy.url)).length > 0, 'logged in through 127.0.0.2');
      const redirecting = `http://127.0.0.2:${proxy.port}/w/index.php?title=Special:Redirect/user/${wiki().users.bot.userId}`;
      wiki().clearRequests();
      const e = await expectReject(c.transport.send({ method: 'GET', url: redirecting }));
      assert.ok(e instanceof OffsiteRedirectError, String(e));
      assert.match(e.message, /127\.0\.0\.2:\d+ redirected \(HTTP 30\d\) to 127\.0\.0\.1:\d+; not followed/);
      assert.equal(wiki().requests().length, 1, 'only the request to 127.0.0.2 reached the wiki');
      assert.ok(wiki().requests()[0].cookieNames.length > 0, 'that one carried the session');

      // Following it anyway (redirects: any, as discovery does) sends no cookie to the other host.
      wiki().clearRequests();
      const res = await c.transport.send({ method: 'GET', url: redirecting, redirects: 'any' });
      assert.equal(res.status, 200);
      assert.match(res.url, /^http:\/\/127\.0\.0\.1:\d+\/wiki\/User:/);
      const served = wiki().requests();
      assert.equal(served.length, 2);
      assert.deepEqual(served[1].cookieNames, [], 'the other host got no cookie');
    });
  });

  describe("$wgCookiePath = '/w'", () => {
    let w: TestWiki;
    before(async function () {
      this.timeout(60_000);
      w = await startWiki({ extraSettings: "$wgCookiePath = '/w';" });
    });
    after(() => w?.stop());

    it('session cookies go to /w/* only, not to /wiki/*', async () => {
      const c = await login(w);
      const stored = await c.transport.cookies(w.apiUrl);
      assert.ok(stored.length > 0);
      for (const k of stored) assert.equal(k.path, '/w', `${k.key} has path /w`);
      w.clearRequests();
      await c.transport.send({ method: 'GET', url: `${w.server}/w/index.php?title=Main_Page` });
      await c.transport.send({ method: 'GET', url: w.articleUrl('Main Page') });
      const served = w.requests();
      assert.equal(served.length, 2);
      assert.ok(served[0].cookieNames.length > 0, '/w/index.php got the session');
      assert.deepEqual(served[1].cookieNames, [], '/wiki/Main_Page got no cookie');
      assert.equal((await whoami(c)).name, w.users.bot.name, 'the session works on /w/api.php');
    });
  });
});
