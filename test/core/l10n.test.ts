// The core's messages are localisable like the VS Code layer's (issue: all user-facing strings).
// Three checks that can fail: the committed bundle is what @vscode/l10n-dev extracts from src
// now; no core error is built from a literal that bypasses l10n.t; and with a generated
// pseudo-translation, every word of real errors (from the real wiki, from a refused connection,
// from bad input) comes out translated while the MediaWiki code stays as it is.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient, discoverSite, loginWithBotPassword, useTranslations } from '../../src/mediawiki';
import { wiki } from './hooks';
import { expectReject, newClient } from './helpers';

const root = path.resolve(__dirname, '../../..');
const committed = path.join(root, 'media', 'l10n', 'bundle.l10n.json');
const bundle = (): Record<string, string> => JSON.parse(fs.readFileSync(committed, 'utf8')) as Record<string, string>;

/** What is left of a message once every translated part (⟦…⟧, nested too) is taken out. */
function untranslated(message: string): string {
  let rest = message;
  for (let before = ''; before !== rest; ) {
    before = rest;
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, '');
  }
  return rest;
}

describe('localisable core messages', () => {
  afterEach(() => useTranslations(undefined));

  it('media/l10n/bundle.l10n.json is what @vscode/l10n-dev extracts from src now (npm run l10n)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-l10n-'));
    try {
      const cli = path.join(path.dirname(require.resolve('@vscode/l10n-dev/package.json')), 'dist', 'cli.js');
      execFileSync(process.execPath, [cli, 'export', '-o', out, './src'], { cwd: root, stdio: 'pipe' });
      const fresh = JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(bundle()).sort(), Object.keys(fresh).sort(), 'run `npm run l10n` and commit media/l10n');
      assert.ok(Object.keys(fresh).length > 150, `strings of both layers are extracted (${Object.keys(fresh).length})`);
      for (const s of ['Check the user name and password.', 'Could not reach {0}: {1}.', 'MediaWiki: Log In']) {
        assert.ok(s in fresh, `extracted: ${s}`);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  // Both layers: src/mediawiki and src/vscode (login/ too). testHooks.ts is left out: it exists
  // only in the test build (dropped from the .vsix) and nobody sees its errors.
  const sources = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
  const layers = () => [...sources(path.join(root, 'src', 'mediawiki')), ...sources(path.join(root, 'src', 'vscode'))].filter((f) => path.basename(f) !== 'testHooks.ts');

  it('no error of either layer is built from a bare string literal', () => {
    // new SomeError('code', 'text…'), new SomeError('text…') or new SomeError(`text…`): the text bypasses l10n.t.
    const bare = /new \w*Error\(\s*(?:'[^']*',\s*['`"]|['"][^'"]*['"]\s*\)|`)/;
    const offenders = layers().filter((f) => bare.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(root, f));
    assert.deepEqual(offenders, []);
    assert.ok(layers().some((f) => f.includes(`${path.sep}login${path.sep}`)), 'src/vscode/login is read too');
  });

  it('the VS Code layer throws coded errors only (no plain Error, no ApiError the wiki never sent)', () => {
    const dir = path.join(root, 'src', 'vscode');
    const uncoded = /new (?:Error|ApiError)\(/;
    const offenders = layers().filter((f) => f.startsWith(dir) && uncoded.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(root, f));
    assert.deepEqual(offenders, []);
  });

  it('with a pseudo-translation, real errors come out translated word for word; codes stay', async () => {
    useTranslations(Object.fromEntries(Object.entries(bundle()).map(([k, v]) => [k, `⟦${v}⟧`])));
    await wiki().resetThrottles();
    const errors = [
      // The real wiki refuses a wrong bot password (its raw message key, rendered by the core).
      await expectReject(loginWithBotPassword(newClient(), { username: wiki().users.bot.lgname, password: 'y'.repeat(32) })),
      // A refused connection, with the host in it.
      await expectReject(new ApiClient({ apiUrl: 'http://127.0.0.1:9/w/api.php', retry: { maxAttempts: 1 } }).get({ action: 'query', meta: 'siteinfo' })),
      // Bad input, before anything is sent.
      await expectReject(discoverSite('ftp://example.org/wiki', { transport: { timeoutMs: 500 } })),
    ];
    assert.deepEqual(errors.map((e) => e.code), ['Failed', 'ECONNREFUSED', 'bad-url']);
    for (const e of errors) {
      assert.match(e.message, /⟦/, `translated: ${e.message}`);
      assert.match(untranslated(e.message), new RegExp(`^[\\s.]*\\[${e.code}\\][\\s.]*$`), `only the code is left untranslated in: ${e.message}`);
    }
    // Back to the source language: the same failure reads in English again.
    useTranslations(undefined);
    const again = await expectReject(discoverSite('ftp://example.org/wiki', { transport: { timeoutMs: 500 } }));
    assert.doesNotMatch(again.message, /⟦/);
    assert.match(again.message, /is not an http\(s\) address\. \[bad-url\] Enter a full address/);
  });

  // The German translation is complete: every string of the bundle and of the manifest, with the
  // same placeholders, so a new English string without its German one fails here. (That VS Code
  // shows it is proven in the workbench: test/vscode/ui/german.ui.ts.)
  for (const [what, english, german] of [
    ['media/l10n/bundle.l10n.de.json', committed, path.join(root, 'media', 'l10n', 'bundle.l10n.de.json')],
    ['package.nls.de.json', path.join(root, 'package.nls.json'), path.join(root, 'package.nls.de.json')],
  ] as const) {
    it(`${what} translates every string, keeping its placeholders`, () => {
      const en = JSON.parse(fs.readFileSync(english, 'utf8')) as Record<string, string>;
      const de = JSON.parse(fs.readFileSync(german, 'utf8')) as Record<string, string>;
      assert.deepEqual(Object.keys(en).filter((k) => !(k in de)), [], 'untranslated');
      assert.deepEqual(Object.keys(de).filter((k) => !(k in en)), [], 'translations of strings that no longer exist');
      const placeholders = (s: string) => (s.match(/\{\d+\}|\[[a-z-]+\]|command:[\w.]+/g) ?? []).sort();
      const wrong = Object.keys(en).filter((k) => JSON.stringify(placeholders(en[k])) !== JSON.stringify(placeholders(de[k])));
      assert.deepEqual(wrong, [], 'placeholders, [codes] and command links kept');
      const same = Object.keys(en).filter((k) => en[k] === de[k] && /\s/.test(en[k]) && !/^MediaWiki Sessions$/.test(en[k]));
      assert.deepEqual(same, [], 'left in English');
    });
  }
});
