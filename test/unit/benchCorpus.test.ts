// The wire bench's `--corpus DIR` (tools/bench/corpus.ts): which files become pages, the names
// importTextFiles.php turns into titles, and the big page made of them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bigPage, corpusContent, pageName, selectCorpusFiles } from '../../tools/bench/corpus';

/** What MediaWiki does to a title before it compares two (underscores are spaces, runs of spaces are one, NFC). */
const normalised = (t: string) => t.replace(/_/g, ' ').replace(/ +/g, ' ').trim().normalize('NFC');
/** Characters MediaWiki's $wgLegalTitleChars does not allow, and sequences Title rejects. */
const ILLEGAL = /[#<>[\]|{}\u0000-\u001f\u007f\ufffd]|%[0-9A-Fa-f]{2}|~{3}|:/u;

describe('wire bench corpus (tools/bench/corpus.ts)', () => {
  describe('selectCorpusFiles', () => {
    it('takes *.txt only (any case), sorted by code unit, not the bare extension', () => {
      assert.deepEqual(selectCorpusFiles(['b.txt', 'README.md', 'A.TXT', '.txt', 'a.txt', 'c.txt.orig', 'Ä.txt']), ['A.TXT', 'a.txt', 'b.txt', 'Ä.txt']);
    });
    it('at most 200 by default, the first ones by name', () => {
      const names = Array.from({ length: 250 }, (_, i) => `p${String(249 - i).padStart(3, '0')}.txt`);
      const got = selectCorpusFiles(names);
      assert.equal(got.length, 200);
      assert.equal(got[0], 'p000.txt');
      assert.equal(got[199], 'p199.txt');
    });
    it('all of a smaller corpus', () => {
      assert.equal(selectCorpusFiles(['x.txt', 'y.txt']).length, 2);
    });
  });

  describe('pageName', () => {
    const TABLE: [string, number, string][] = [
      ['a plain article name', 0, 'Anarchism.txt'],
      ['underscores and dashes', 1, 'Anwar_Kamal_Khan.txt'],
      ['punctuation that titles allow', 2, 'Clint-Murchison-Sr..txt'],
      ['non-ASCII letters and an em dash', 3, 'Alanine—oxo-acid-transaminase.txt'],
      ['every character a title may not hold', 4, 'a#b<c>d[e]f|g{h}i%41j~~~k:l\u0001m.txt'],
      ['a namespace-like name', 5, 'Talk:Foo.txt'],
      ['nothing usable', 6, '###.txt'],
      ['a very long name', 7, `${'ü'.repeat(300)}.txt`],
    ];
    for (const [what, i, file] of TABLE) {
      it(`${what}: numbered, legal, under 255 bytes`, () => {
        const name = pageName(i, file);
        assert.match(name, new RegExp(`^${String(i + 1).padStart(3, '0')}( |$)`));
        assert.doesNotMatch(name, ILLEGAL);
        assert.equal(name, name.trim());
        assert.ok(Buffer.byteLength(`Bench page ${name}`) <= 255, `${Buffer.byteLength(name)} bytes`);
      });
    }
    it('keeps what it can of the file name', () => {
      assert.equal(pageName(0, 'Anwar_Kamal_Khan.txt'), '001 Anwar Kamal Khan');
      assert.equal(pageName(41, 'Alanine—oxo-acid-transaminase.txt'), '042 Alanine—oxo-acid-transaminase');
      assert.equal(pageName(6, '###.txt'), '007');
    });
    it('names that MediaWiki takes for one title stay apart', () => {
      const files = ['A_b.txt', 'A b.txt', 'A  b.txt', 'a_b.txt', 'A#b.txt', 'A[b].txt'];
      const titles = files.map((f, i) => normalised(`Bench page ${pageName(i, f)}`));
      assert.equal(new Set(titles).size, files.length, titles.join(' / '));
    });
  });

  describe('bigPage', () => {
    it('joins the texts with blank lines up to the limit, whole characters only', () => {
      const texts = ['aaaa', 'ééé', 'bbbb'];
      assert.equal(bigPage(texts, 1000), 'aaaa\n\nééé\n\nbbbb');
      // 4 + 2 + 6 bytes is 12; a limit of 11 cuts inside the last 'é' (2 bytes), which is dropped.
      assert.equal(bigPage(texts, 11), 'aaaa\n\néé');
      assert.equal(Buffer.byteLength(bigPage(texts, 11)), 10);
      assert.equal(bigPage(texts, 4), 'aaaa');
    });
    it('a 1 MiB page from more text than that is 1 MiB give or take one character', () => {
      const big = bigPage(Array.from({ length: 300 }, (_, i) => `page ${i} ${'wiki ✓ '.repeat(600)}`));
      const n = Buffer.byteLength(big);
      assert.ok(n <= 1024 * 1024 && n > 1024 * 1024 - 4, String(n));
    });
  });

  describe('corpusContent', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-unit-corpus-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('one page per *.txt file, its text unchanged, the big page all of a small corpus; says how many', () => {
      fs.writeFileSync(path.join(dir, 'B_page.txt'), "'''B''' is [[b]].\n");
      fs.writeFileSync(path.join(dir, 'A:page.txt'), '{{Infobox}}\nA.');
      fs.writeFileSync(path.join(dir, 'notes.md'), 'not a page');
      const c = corpusContent(dir);
      assert.deepEqual(c.pages, [
        { name: '001 A page', text: '{{Infobox}}\nA.' },
        { name: '002 B page', text: "'''B''' is [[b]].\n" },
      ]);
      assert.equal(c.big, "{{Infobox}}\nA.\n\n'''B''' is [[b]].\n");
      assert.match(c.description, /^2 pages, one per \*\.txt file of /);
      assert.match(c.bigLabel, /^one 0 KiB page/);
    });
    it('a folder without *.txt files is an error that names it', () => {
      assert.throws(() => corpusContent(dir), (e: Error) => e.message.includes(dir) && e.message.includes('*.txt'));
    });
  });
});
