// Discovery without a network: the EditURI (RSD) link of a page and what a user may type as an address.
import * as assert from 'node:assert/strict';
import { findEditUri, parseWikiUrl } from '../../src/mediawiki';

describe('EditURI finding (findEditUri)', () => {
  const BASE = 'https://wiki.example.org/wiki/Main_Page';
  const TABLE: [string, string, string | undefined][] = [
    ['MediaWiki\'s own link (protocol-relative, &amp;)', '<link rel="EditURI" type="application/rsd+xml" href="//wiki.example.org/w/api.php?action=rsd"/>', 'https://wiki.example.org/w/api.php'],
    ['an absolute href', '<link rel="EditURI" href="https://api.example.org/w/api.php?action=rsd&amp;x=1">', 'https://api.example.org/w/api.php'],
    ['a relative href', '<link rel="EditURI" href="/mw/api.php?action=rsd">', 'https://wiki.example.org/mw/api.php'],
    ['attributes in another order, single quotes', "<link href='/w/api.php?action=rsd' type='application/rsd+xml' rel='EditURI'>", 'https://wiki.example.org/w/api.php'],
    ['rel without quotes, upper case tag', '<LINK REL=EditURI HREF="/w/api.php?action=rsd">', 'https://wiki.example.org/w/api.php'],
    ['the fragment goes too', '<link rel="EditURI" href="/w/api.php?action=rsd#x">', 'https://wiki.example.org/w/api.php'],
    ['other links first', '<link rel="stylesheet" href="/a.css"><link rel="alternate" href="/feed"><link rel="EditURI" href="/w/api.php?action=rsd">', 'https://wiki.example.org/w/api.php'],
    ['an EditURI without href, then one with', '<link rel="EditURI"><link rel="EditURI" href="/x/api.php?action=rsd">', 'https://wiki.example.org/x/api.php'],
    ['no EditURI', '<html><head><title>Blog</title><link rel="stylesheet" href="/a.css"></head></html>', undefined],
    ['an empty page', '', undefined],
    ['an unusable href, then none', '<link rel="EditURI" href="http://[bad">', undefined],
    ['the word EditURI outside a link tag', '<meta name="EditURI" content="/w/api.php"><a rel="EditURI" href="/w/api.php">', undefined],
  ];
  for (const [what, html, found] of TABLE) {
    it(`${what}: ${found ?? 'none'}`, () => {
      assert.equal(findEditUri(html, BASE), found);
    });
  }
});

describe('what a user may type as an address (parseWikiUrl)', () => {
  const OK: [string, string][] = [
    ['https://en.wikipedia.org/wiki/Main_Page', 'https://en.wikipedia.org/wiki/Main_Page'],
    ['en.wikipedia.org', 'https://en.wikipedia.org/'],
    ['  http://127.0.0.1:8080/w/api.php  ', 'http://127.0.0.1:8080/w/api.php'],
    ['https://user:secret@wiki.example.org/wiki/X#section', 'https://wiki.example.org/wiki/X'],
  ];
  for (const [input, url] of OK) {
    it(`${JSON.stringify(input)} -> ${url}`, () => {
      assert.equal(parseWikiUrl(input).toString(), url);
    });
  }
  for (const input of ['', '   ', 'ftp://wiki.example.org/', 'https://', 'wiki example org', 'http://exa mple.org/']) {
    it(`${JSON.stringify(input)} -> bad-url`, () => {
      assert.throws(() => parseWikiUrl(input), (e: Error & { code?: string }) => e.code === 'bad-url' && /\[bad-url\]/.test(e.message));
    });
  }
});
