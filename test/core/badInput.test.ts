// Bad input, core side: each gets a clear error naming what is wrong, found before anything is
// sent where possible (request counts prove it), against the real wiki where the wiki decides.
import * as assert from 'node:assert/strict';
import { ApiClient, InputError, LoginError, discoverSite, loginWithBotPassword, parseWikiUrl } from '../../src/mediawiki';
import { figures } from '../reliability/record';
import { CannedServer } from '../net/cannedServer';
import { wiki } from './hooks';
import { expectReject } from './helpers';

const fig = figures('core');

function recorded(input: string, e: { code?: string }): void {
  fig.badInputs.push({ input, code: e.code ?? 'none' });
}

describe('bad input (core)', () => {
  let server: CannedServer;
  before(async () => (server = await new CannedServer().start()));
  after(() => server.stop());
  beforeEach(async () => {
    await wiki().resetThrottles();
    wiki().clearRequests();
  });

  for (const input of ['', '   ', 'http://', 'ht tp://wiki', 'ftp://example.org/wiki', 'javascript:alert(1)', 'http://exa mple.org/']) {
    it(`malformed URL ${JSON.stringify(input)}: bad-url, nothing sent`, async () => {
      assert.throws(() => parseWikiUrl(input), (e: unknown) => e instanceof InputError && e.code === 'bad-url' && /\[bad-url\] Enter a full address/.test(e.message));
      const e = await expectReject(discoverSite(input, { transport: { timeoutMs: 500 } }));
      assert.equal(e.code, 'bad-url');
      recorded(`malformed URL ${JSON.stringify(input)}`, e);
    });
  }

  it('a URL that is not a wiki (a web site answering HTML everywhere): not-a-wiki with what was tried', async () => {
    server.answer().otherwise({ status: 200, body: '<html><head><title>Just a blog</title></head><body>hello</body></html>' });
    const e = await expectReject(discoverSite(server.url.replace('/w/api.php', '/blog/post'), { transport: { timeoutMs: 1_000 } }));
    assert.equal(e.code, 'not-a-wiki');
    assert.match(e.message, /No MediaWiki API found for .* \(tried \d+ address(es)?; the last one: not-json\)\. \[not-a-wiki\] Paste the address of a page of the wiki, or of its api\.php/);
    recorded('a URL that is not a wiki', e);
  });

  it('an api.php that answers with an HTML error page: a clear error naming the HTTP status', async () => {
    server.answer().otherwise({ status: 500, body: '<html><head><title>Fatal error</title></head><body>PHP Fatal error</body></html>' });
    const e = await expectReject(discoverSite(server.url, { transport: { timeoutMs: 1_000 }, }));
    assert.ok(['not-a-wiki', 'http-500', 'not-json'].includes(e.code ?? ''), String(e));
    assert.match(e.message, /\[(not-a-wiki|http-500|not-json)\]/);
    recorded('api.php answering an HTML error', e);
  });

  it('empty user name / empty password: refused before any request', async () => {
    const c = new ApiClient({ apiUrl: wiki().apiUrl });
    for (const [username, password, code] of [['', 'x', 'empty-username'], ['  ', 'x', 'empty-username'], ['Bot@app', '', 'empty-password']] as const) {
      const e = await expectReject(loginWithBotPassword(c, { username, password }));
      assert.ok(e instanceof InputError);
      assert.equal(e.code, code);
      recorded(`${code === 'empty-username' ? 'empty user name' : 'empty password'} ${JSON.stringify(username)}`, e);
    }
    assert.equal(c.transport.requestCount, 0);
    assert.equal(wiki().requests().length, 0);
  });

  it('a bot name without @ (with the bot password): the wiki says Failed, the message explains User@appid', async () => {
    const { bot } = wiki().users;
    const c = new ApiClient({ apiUrl: wiki().apiUrl });
    const e = await expectReject(loginWithBotPassword(c, { username: bot.name, password: bot.botPassword }));
    assert.ok(e instanceof LoginError);
    assert.equal(e.code, 'Failed');
    assert.match(e.message, /\[Failed\].*"User@appid"/);
    assert.ok(!e.message.includes(bot.botPassword));
    assert.equal(c.user, undefined);
    recorded('bot name without @', e);
  });

  it('a bot password with surrounding spaces: told, not trimmed, nothing sent', async () => {
    const { bot } = wiki().users;
    const c = new ApiClient({ apiUrl: wiki().apiUrl });
    for (const password of [` ${bot.botPassword}`, `${bot.botPassword} `, `${bot.botPassword}\n`]) {
      const e = await expectReject(loginWithBotPassword(c, { username: bot.lgname, password }));
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.code, 'password-spaces');
      assert.match(e.message, /starts or ends with a space/);
      assert.ok(!e.message.includes(bot.botPassword));
      recorded('bot password with surrounding spaces', e);
    }
    assert.equal(wiki().requests().length, 0, 'nothing sent: the wiki would only have said "wrong password"');
  });
});
