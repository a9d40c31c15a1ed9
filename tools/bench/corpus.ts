// What the wire bench's pages hold: slices of Debian's MediaWiki changelog (the default, present on
// every machine with the mediawiki package), or a folder of wikitext files (`--corpus DIR`, one page
// per *.txt file). Pure functions, so what they choose is tested in test/unit.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** Pages in the list workload: 200, or all files of a smaller corpus. */
export const MAX_PAGES = 200;
/** The big page: at most 1 MiB of UTF-8. */
export const BIG_BYTES = 1024 * 1024;
const SLICE_BYTES = 6 * 1024;
/** A title may have 255 bytes; "Bench page 001 " takes 15, and a short name reads better in logs. */
const NAME_BYTES = 100;

export interface BenchPage {
  /** The file name without ".txt": importTextFiles.php makes it the title after its --prefix. */
  name: string;
  text: string;
}

export interface BenchContent {
  pages: BenchPage[];
  big: string;
  /** For the table's caption. */
  description: string;
  /** The big page's workload, as the table names it. */
  bigLabel: string;
}

/** The corpus files to use: *.txt, in code-unit order of their names (the same on every machine), at most `max`. */
export function selectCorpusFiles(names: readonly string[], max = MAX_PAGES): string[] {
  return names
    .filter((n) => n.toLowerCase().endsWith('.txt') && n.length > '.txt'.length)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, max);
}

function truncateUtf8(s: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * The page name for the `index`th corpus file: its number (which keeps names unique whatever the
 * files are called: "A_b" and "A b" are the same title to MediaWiki) and the file name, reduced to
 * letters, digits, dashes, spaces and a little punctuation. That drops everything a title may not
 * hold (`#<>[]|{}`, `%XX`, `~~~`, `:` that could name a namespace, control characters).
 */
export function pageName(index: number, file: string): string {
  const base = file.replace(/\.txt$/i, '');
  const clean = base
    .replace(/[^\p{L}\p{M}\p{N}\p{Pd} .,()'!&+]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const name = truncateUtf8(clean, NAME_BYTES).trim();
  const n = String(index + 1).padStart(3, '0');
  return name ? `${n} ${name}` : n;
}

/** The texts joined by blank lines, cut at `maxBytes` of UTF-8 (never inside a character). */
export function bigPage(texts: readonly string[], maxBytes = BIG_BYTES): string {
  let out = '';
  let bytes = 0;
  for (const t of texts) {
    const piece = out ? `\n\n${t}` : t;
    const n = Buffer.byteLength(piece);
    if (bytes + n <= maxBytes) {
      out += piece;
      bytes += n;
      continue;
    }
    out += truncateUtf8(piece, maxBytes - bytes);
    break;
  }
  return out;
}

/**
 * Real English prose with wiki-ish markup: the MediaWiki changelog from Debian's package, cut into
 * 200 slices of 6 KiB and one of 1 MiB. Compresses like documentation, not like repeated filler.
 */
export function changelogContent(): BenchContent {
  const source = zlib.gunzipSync(fs.readFileSync('/usr/share/doc/mediawiki/changelog.gz')).toString('utf8');
  const pages: BenchPage[] = [];
  for (let i = 0; i < MAX_PAGES; i++) {
    pages.push({ name: String(i + 1).padStart(3, '0'), text: `== Part ${i + 1} ==\n${source.slice(i * SLICE_BYTES, (i + 1) * SLICE_BYTES)}` });
  }
  return {
    pages,
    big: source.slice(200 * 1024, 200 * 1024 + BIG_BYTES),
    description: `${MAX_PAGES} pages of ${SLICE_BYTES / 1024} KiB and one of 1 MiB, slices of Debian's MediaWiki changelog (English prose)`,
    bigLabel: 'one 1 MiB page',
  };
}

/** One page per *.txt file of `dir` (wikitext); the big page is those files joined, up to 1 MiB. */
export function corpusContent(dir: string): BenchContent {
  const files = selectCorpusFiles(fs.readdirSync(dir));
  if (files.length === 0) throw new Error(`--corpus ${dir}: no *.txt files in that folder`);
  const pages = files.map((f, i) => ({ name: pageName(i, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
  const big = bigPage(pages.map((p) => p.text));
  const total = pages.reduce((n, p) => n + Buffer.byteLength(p.text), 0);
  const bigSize = Buffer.byteLength(big) > BIG_BYTES - 64 * 1024 ? '1 MiB' : `${(Buffer.byteLength(big) / 1024).toFixed(0)} KiB`;
  return {
    pages,
    big,
    description: `${pages.length} pages, one per *.txt file of ${dir} (${(total / 1024).toFixed(0)} KiB of wikitext), and one of ${bigSize}, those files joined`,
    bigLabel: `one ${bigSize} page (the files joined)`,
  };
}
