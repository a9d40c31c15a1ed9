// No-proxy lists and proxy addresses (src/mediawiki/proxy.ts), without a proxy.
import * as assert from 'node:assert/strict';
import { bypassesProxy, networkSetup } from '../../src/mediawiki';
import { safeProxy } from '../../src/mediawiki/proxy';

describe('no-proxy matching and bad proxy addresses', () => {
  const TABLE: [string, number, string[], boolean][] = [
    ['wiki.example.org', 443, ['example.org'], true],
    ['wiki.example.org', 443, ['.example.org'], true],
    ['wiki.example.org', 443, ['*.example.org'], true],
    ['example.org', 443, ['.example.org'], true],
    ['badexample.org', 443, ['example.org'], false],
    ['WIKI.EXAMPLE.ORG', 443, ['example.org'], true],
    ['127.0.0.1', 8080, ['127.0.0.1:8080'], true],
    ['127.0.0.1', 8081, ['127.0.0.1:8080'], false],
    ['[::1]', 80, ['::1'], true],
    ['anything', 1, ['*'], true],
    ['wiki.example.org', 443, [], false],
  ];
  for (const [host, port, list, bypass] of TABLE) {
    it(`${host}:${port} with ${JSON.stringify(list)}: ${bypass ? 'bypasses' : 'through the proxy'}`, () => {
      assert.equal(bypassesProxy(host, port, list), bypass);
    });
  }

  it('a proxy that is not http(s), or not an address, is bad-proxy, without its credentials', () => {
    assert.throws(() => networkSetup({ proxy: 'socks5://127.0.0.1:1080' }), /\[bad-proxy\]/);
    assert.throws(() => networkSetup({ proxy: 'not a url' }), /\[bad-proxy\]/);
    assert.throws(() => networkSetup({ proxy: 'socks5://user:pa55word@127.0.0.1:1080' }), (e: Error) => /\[bad-proxy\]/.test(e.message) && !e.message.includes('pa55word'));
  });

  it('safeProxy leaves out user name and password', () => {
    assert.equal(safeProxy('http://user:pa55word@proxy.example:3128'), 'http://***@proxy.example:3128');
    assert.equal(safeProxy('http://proxy.example:3128'), 'http://proxy.example:3128');
    assert.equal(safeProxy(undefined), '');
  });
});
