import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { discoverSite, InputError, NotAWikiError, NetworkError, parseWikiUrl } from '../../src/mediawiki';
import { wiki } from './hooks';
import { expectReject } from './helpers';

describe('site discovery (real wiki)', () => {
  function check(site: Awaited<ReturnType<typeof discoverSite>>) {
    assert.equal(site.apiUrl, wiki().apiUrl);
    assert.equal(site.name, wiki().siteName);
    assert.match(site.generator, /^MediaWiki 1\.39/);
    assert.equal(site.wikiId, wiki().wikiId);
    assert.equal(site.articlePath, `${wiki().server}/wiki/$1`);
    assert.equal(site.requiresLogin, false);
  }

  it('from an article URL (EditURI link)', async () => {
    check(await discoverSite(wiki().articleUrl('Main Page')));
  });

  it('from /w/index.php?title=...', async () => {
    check(await discoverSite(`${wiki().server}/w/index.php?title=Main_Page&action=history`));
  });

  it('from the api.php URL itself, in one request', async () => {
    wiki().clearRequests();
    check(await discoverSite(`${wiki().apiUrl}?action=query`));
    assert.equal(wiki().requests().length, 1);
  });

  it('from the bare server address', async () => {
    check(await discoverSite(wiki().server));
  });

  describe('what is not a wiki', () => {
    let server: http.Server;
    let base: string;
    before(async () => {
      server = http.createServer((req, res) => {
        res.writeHead(req.url?.includes('api.php') ? 404 : 200, { 'content-type': 'text/html' });
        res.end('<html><head><title>Just a page</title></head><body>Hello</body></html>');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('a web site without MediaWiki -> not-a-wiki', async () => {
      const e = await expectReject(discoverSite(`${base}/some/page`));
      assert.ok(e instanceof NotAWikiError);
      assert.match(e.message, /No MediaWiki API found/);
      assert.match(e.message, /\[not-a-wiki\]/);
    });

    it('a malformed address -> bad-url, nothing sent', async () => {
      for (const bad of ['', 'http://', 'not a url at all', 'ftp://example.org/wiki']) {
        const e = await expectReject(discoverSite(bad));
        assert.ok(e instanceof InputError, `${bad}: ${e}`);
        assert.equal(e.code, 'bad-url');
      }
      assert.equal(parseWikiUrl('en.wikipedia.org/wiki/X').toString(), 'https://en.wikipedia.org/wiki/X');
    });

    it('nothing listening -> ECONNREFUSED', async () => {
      const probe = http.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((r) => probe.close(() => r()));
      const e = await expectReject(discoverSite(`http://127.0.0.1:${port}/w/api.php`));
      assert.ok(e instanceof NetworkError, String(e));
      assert.equal(e.code, 'ECONNREFUSED');
      assert.match(e.message, /Check the address/);
    });
  });
});
