// Which registered wiki a URL belongs to (src/mediawiki/siteMatch.ts): by parsed origin and path,
// and a wiki's claims about its article path count only on its own api.php's origin.
import * as assert from 'node:assert/strict';
import { matchSite, untrustedArticleHost } from '../../src/mediawiki';
import { trustedArticlePath } from '../../src/mediawiki/siteMatch';

const en = { apiUrl: 'https://en.wikipedia.org/w/api.php', articlePath: 'https://en.wikipedia.org/wiki/$1' };
const de = { apiUrl: 'https://de.wikipedia.org/w/api.php', articlePath: 'https://de.wikipedia.org/wiki/$1' };
const a = { apiUrl: 'https://wiki.example.org/a/api.php', articlePath: 'https://wiki.example.org/a/wiki/$1' };
const b = { apiUrl: 'https://wiki.example.org/b/api.php', articlePath: 'https://other.example.org/wiki/$1' };
const root = { apiUrl: 'https://wiki.example.org/api.php', articlePath: 'https://wiki.example.org/index.php?title=$1' };
const local = { apiUrl: 'http://127.0.0.1:8080/w/api.php', articlePath: 'http://127.0.0.1:8080/wiki/$1' };
/** A hostile wiki's siteinfo: server "https:" and articlepath "//$1" make "https://$1". */
const evil = { apiUrl: 'http://127.0.0.1:9999/w/api.php', articlePath: 'https://$1' };

describe('site matching (matchSite)', () => {
  const SITES = [en, de, a, b, root, local, evil];
  const TABLE: [string, string, typeof en | undefined][] = [
    ['the api.php itself', 'https://en.wikipedia.org/w/api.php', en],
    ['an article', 'https://en.wikipedia.org/wiki/Main_Page', en],
    ['index.php under the script path', 'https://de.wikipedia.org/w/index.php?title=X&action=edit', de],
    ['without a scheme: https', 'en.wikipedia.org/wiki/X', en],
    ['another language is another wiki', 'https://fr.wikipedia.org/wiki/X', undefined],
    ['http is another origin', 'http://en.wikipedia.org/wiki/X', undefined],
    ['a prefix of the host is not the host', 'https://en.wikipedia.org.evil.example/wiki/X', undefined],
    // No path matches: the first site of that origin (a guess on the right host, never another host).
    ['two wikis on one origin: the longest path wins', 'https://wiki.example.org/a/wiki/Page', a],
    ['the other one by its script path', 'https://wiki.example.org/b/index.php?title=X', b],
    ['an article path on another host is not used', 'https://other.example.org/wiki/Page', undefined],
    ['same origin, no path matches: the first site of that origin', 'https://wiki.example.org/elsewhere', a],
    ['root wiki: index.php is its article path', 'https://wiki.example.org/index.php', root],
    ['another port is another origin', 'http://127.0.0.1:8081/wiki/X', undefined],
    ['the port and path', 'http://127.0.0.1:8080/wiki/X', local],
    ['a hostile article path "https://$1" claims nothing', 'https://en.wikipedia.org/wiki/Y', en],
    ['not a URL', 'http://[bad', undefined],
  ];
  for (const [what, url, site] of TABLE) {
    it(`${what}: ${url} -> ${site?.apiUrl ?? 'none'}`, () => {
      assert.equal(matchSite(SITES, url), site);
    });
  }

  it('an article path on another host is not used to match; one on its own origin is, longest path first', () => {
    assert.equal(matchSite([b, a], 'https://wiki.example.org/a/wiki/Page'), a);
    assert.equal(matchSite([a, b], 'https://wiki.example.org/b/index.php?title=X'), b);
    assert.equal(matchSite([a, b], 'https://other.example.org/wiki/Page'), undefined);
    assert.equal(matchSite([a], 'http://wiki.example.org/a/api.php'), undefined, 'http is another origin');
  });

  it('a path prefix is not a folder: /a2 is not under /a', () => {
    assert.equal(matchSite([root, a], 'https://wiki.example.org/a2/wiki/X'), root);
    assert.equal(matchSite([root, a], 'https://wiki.example.org/a/wiki/X'), a);
    assert.equal(matchSite([root, a], 'https://wiki.example.org/a'), a);
  });

  it('a site with an unusable api.php address is skipped', () => {
    assert.equal(matchSite([{ apiUrl: 'nonsense', articlePath: '' }, en], 'https://en.wikipedia.org/wiki/X'), en);
    assert.equal(matchSite([], 'https://en.wikipedia.org/wiki/X'), undefined);
  });
});

describe('article paths (trustedArticlePath, untrustedArticleHost)', () => {
  it('on the api.php origin: trusted, nothing to tell the user', () => {
    assert.equal(trustedArticlePath(en)?.toString(), 'https://en.wikipedia.org/wiki/');
    assert.equal(untrustedArticleHost(en), undefined);
  });
  it('on another origin: not trusted, and that origin is named', () => {
    assert.equal(trustedArticlePath(b), undefined);
    assert.equal(untrustedArticleHost(b), 'https://other.example.org');
    assert.equal(trustedArticlePath(evil), undefined);
    assert.equal(untrustedArticleHost(evil), 'https://$1');
  });
  it('an article path that is not a URL: named as it is', () => {
    const odd = { apiUrl: 'https://x.example/w/api.php', articlePath: '/wiki/$1' };
    assert.equal(trustedArticlePath(odd), undefined);
    assert.equal(untrustedArticleHost(odd), '/wiki/$1');
  });
});
