// Bytes on the wire and time for a read-heavy sibling workload against the real test wiki:
// 200 pages' wikitext through a generator with continuation, and one 1 MB page (tools/bench/corpus.ts
// says what they hold). Every contender talks to the wiki through its own counting TCP relay, so the
// bytes are what crossed the wire (status lines, headers, bodies), counted outside the clients. Next
// to them, what the same answers would take compressed as hard as gzip and brotli go: the content's
// own limit, computed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Agent, request } from 'undici';
import { Mwn } from 'mwn';
import { ApiClient, Transport, type HttpRequest, type HttpResponse } from '../../src/mediawiki';
import { startCountingRelay, type CountingRelay } from '../../test/net/servers';
import type { StartedWiki } from '../../test/wiki';
import { alternate, kib, log, median, ms, ratio } from './util';
import { changelogContent, corpusContent, type BenchContent } from './corpus';

const PREFIX = 'Bench page ';
const BIG = 'Bench big page';

export interface WireSample {
  bytesDown: number;
  bytesUp: number;
  ms: number;
  requests: number;
}

/** The content's own limit: the decoded answers of one workload, compressed by the bench (not on the wire). */
export interface WireLimit {
  /** The answers' bodies, decoded. */
  bodyBytes: number;
  /** The same bodies as the wiki sent them to raw undici + gzip. */
  wikiBodyBytes: number;
  /** What else that contender received: status lines, headers, chunk framing. */
  headerBytes: number;
  gzip9: number;
  brotli11: number;
  /** How long the bench took to compress them (ms), to say why no wiki does this per answer. */
  gzip9Ms: number;
  brotli11Ms: number;
}

export interface WireResults {
  rounds: number;
  /** What the pages hold, for the table's caption. */
  content: string;
  /** What serves and compresses the answers, for the caption. */
  server: string;
  /** workload -> contender -> samples */
  samples: Record<string, Record<string, WireSample[]>>;
  /** workload -> computed sizes */
  limits: Record<string, WireLimit>;
}

/** Imports the pages (importTextFiles.php: title = prefix + file name without .txt). */
async function importPages(wiki: StartedWiki, c: BenchContent): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-bench-pages-'));
  try {
    const files = c.pages.map((p) => {
      const f = path.join(dir, `${p.name}.txt`);
      fs.writeFileSync(f, p.text);
      return f;
    });
    log(`creating ${c.pages.length} pages and the big page (importTextFiles.php)`);
    await wiki.maintenance('importTextFiles', ['--prefix', PREFIX, '--bot', ...files]);
    const big = path.join(dir, 'big', 'page.txt');
    fs.mkdirSync(path.dirname(big));
    fs.writeFileSync(big, c.big);
    await wiki.maintenance('importTextFiles', ['--prefix', `${BIG.slice(0, -4)}`, '--bot', big]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Ours with compression turned off: what the transport sent before it asked for compression. */
class IdentityTransport extends Transport {
  override send(req: HttpRequest): Promise<HttpResponse> {
    return super.send({ ...req, headers: { ...req.headers, 'accept-encoding': 'identity' } });
  }
}

interface Read {
  /** Characters of wikitext read. */
  content: number;
  /** Pages with a revision. */
  pages: number;
  requests: number;
  /** raw undici only: each answer's body, decoded, and the body bytes as received. */
  bodies?: Buffer[];
  received?: number;
}
type Workload = (apiUrl: string) => Promise<Read>;
type Contender = Record<'list' | 'big', Workload>;

const LIST = { generator: 'allpages', gapprefix: PREFIX, gapnamespace: '0', gaplimit: '50', prop: 'revisions', rvprop: 'content', rvslots: 'main' };
const ONE = { prop: 'revisions', rvprop: 'content', rvslots: 'main', titles: BIG };

interface Page { revisions?: { slots: { main: { content: string } } }[] }
function tally(r: Read, pages: Page[] | undefined): void {
  for (const p of pages ?? []) {
    const text = p.revisions?.[0]?.slots.main.content;
    if (text === undefined) continue;
    r.content += text.length;
    r.pages++;
  }
}

function ours(transport: () => Transport): Contender {
  const run = async (apiUrl: string, params: Record<string, string>) => {
    const t = transport();
    const client = new ApiClient({ apiUrl, transport: t });
    const r: Read = { content: 0, pages: 0, requests: 0 };
    for await (const batch of client.continue({ action: 'query', ...params })) tally(r, (batch.query as { pages?: Page[] } | undefined)?.pages);
    r.requests = t.requestCount;
    return r;
  };
  return { list: (u) => run(u, LIST), big: (u) => run(u, ONE) };
}

function rawUndici(agent: Agent, encoding?: string): Contender {
  const run = async (apiUrl: string, params: Record<string, string>) => {
    let cont: Record<string, string> = {};
    const r: Read = { content: 0, pages: 0, requests: 0, bodies: [], received: 0 };
    for (;;) {
      const q = new URLSearchParams({ action: 'query', format: 'json', formatversion: '2', ...params, ...cont });
      const res = await request(`${apiUrl}?${q}`, { dispatcher: agent, headers: encoding ? { 'accept-encoding': encoding } : {} });
      r.requests++;
      let body = Buffer.from(await res.body.arrayBuffer());
      r.received! += body.length;
      if (res.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      r.bodies!.push(body);
      const data = JSON.parse(body.toString('utf8')) as { query?: { pages?: Page[] }; continue?: Record<string, string> };
      tally(r, data.query?.pages);
      if (!data.continue) return r;
      cont = data.continue;
    }
  };
  return { list: (u) => run(u, LIST), big: (u) => run(u, ONE) };
}

function mwn(): Contender {
  const run = async (apiUrl: string, params: Record<string, string>) => {
    const bot = new Mwn({ apiUrl, silent: true, userAgent: 'mws-bench (mwn)' });
    const r: Read = { content: 0, pages: 0, requests: 0 };
    for await (const batch of bot.continuedQueryGen({ action: 'query', ...params }, 100)) {
      r.requests++;
      tally(r, (batch.query as { pages?: Page[] } | undefined)?.pages);
    }
    return r;
  };
  return { list: (u) => run(u, LIST), big: (u) => run(u, ONE) };
}

/**
 * The content's own limit: each decoded answer compressed as hard as the encodings clients accept
 * allow (gzip level 9; brotli quality 11 with Node's default 4 MiB window), each on its own as a
 * server would, plus the status lines and headers that came with the wiki's gzip answers.
 */
function limitOf(bodies: readonly Buffer[], received: number, relayDown: number): WireLimit {
  const sum = (f: (b: Buffer) => number) => bodies.reduce((n, b) => n + f(b), 0);
  const timed = (f: (b: Buffer) => number) => {
    const t0 = performance.now();
    const bytes = sum(f);
    return [bytes, performance.now() - t0] as const;
  };
  const [gzip9, gzip9Ms] = timed((b) => zlib.gzipSync(b, { level: 9 }).length);
  const [brotli11, brotli11Ms] = timed((b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length);
  return { bodyBytes: sum((b) => b.length), wikiBodyBytes: received, headerBytes: relayDown - received, gzip9, brotli11, gzip9Ms, brotli11Ms };
}

const GZIP = 'raw undici + gzip (zlib.gunzipSync)';
const BEFORE = 'ours without compression (as before)';
const RAW = 'raw undici (no Accept-Encoding)';

/** A front server the clients talk to instead of the wiki itself (e.g. Apache compressing for a wiki that does not). */
export interface WireFront {
  origin: string;
  /** For the caption. */
  server: string;
}

const WIKI_ITSELF = 'MediaWiki behind php -S with its own gzip (OutputHandler, `gzencode($s, 6)`)';

/**
 * `corpus`: a folder of *.txt wikitext files (one page each) instead of the changelog slices.
 * `front`: the clients talk to it (it forwards to `wiki`), not to the wiki itself.
 */
export async function benchWire(wiki: StartedWiki, rounds: number, corpus?: string, front?: WireFront): Promise<WireResults> {
  const c = corpus ? corpusContent(corpus) : changelogContent();
  await importPages(wiki, c);
  const agents = [new Agent({ keepAliveTimeout: 30_000, connections: 16 }), new Agent({ keepAliveTimeout: 30_000, connections: 16 })];
  const contenders: Record<string, Contender> = {
    ours: ours(() => new Transport()),
    [BEFORE]: ours(() => new IdentityTransport()),
    [RAW]: rawUndici(agents[0]!),
    [GZIP]: rawUndici(agents[1]!, 'gzip'),
    mwn: mwn(),
  };
  // One relay per contender, so no contender's kept-alive connection is counted for another.
  const relays: Record<string, CountingRelay> = {};
  for (const name of Object.keys(contenders)) relays[name] = await startCountingRelay(front?.origin ?? wiki.server);
  const samples: WireResults['samples'] = {};
  const limits: WireResults['limits'] = {};
  try {
    for (const workload of ['list', 'big'] as const) {
      const expected = await contenders[RAW]![workload](wiki.apiUrl);
      const expectPages = workload === 'list' ? c.pages.length : 1;
      // importTextFiles.php skips a title it cannot use with a message, not an exit code.
      if (expected.pages !== expectPages) throw new Error(`wire (${workload}): the wiki has ${expected.pages} of the ${expectPages} page(s) the bench imported`);
      log(`wire (${workload}): ${rounds} rounds, ${Object.keys(contenders).length} contenders; ${expectPages} page(s), ${expected.content} characters of wikitext`);
      let last: Read | undefined;
      const one = (name: string) => async (): Promise<WireSample> => {
        const relay = relays[name]!;
        relay.reset();
        const t0 = performance.now();
        const r = await contenders[name]![workload](`${relay.origin}/w/api.php`);
        const ms = performance.now() - t0;
        if (r.content !== expected.content || r.pages !== expected.pages) {
          throw new Error(`${name} (${workload}) read ${r.pages} pages, ${r.content} characters; expected ${expected.pages}, ${expected.content}`);
        }
        last = r;
        return { bytesDown: relay.down, bytesUp: relay.up, ms, requests: r.requests };
      };
      // Warm-up: connections, JIT, the wiki's caches; raw undici + gzip's answers feed the limit.
      for (const name of Object.keys(contenders)) await one(name)();
      await one(GZIP)();
      const gz = { read: last!, down: relays[GZIP]!.down };
      const label = workload === 'list' ? `${c.pages.length} pages' wikitext (generator=allpages, continuation)` : c.bigLabel;
      samples[label] = await alternate(rounds, Object.fromEntries(Object.keys(contenders).map((n) => [n, one(n)])));
      log(`wire (${workload}): compressing the answers with gzip -9 and brotli -11 (the content's limit)`);
      limits[label] = limitOf(gz.read.bodies!, gz.read.received!, gz.down);
    }
  } finally {
    for (const r of Object.values(relays)) await r.stop();
    for (const a of agents) await a.close();
  }
  return { rounds, content: c.description, server: front?.server ?? WIKI_ITSELF, samples, limits };
}

export const WIRE_TARGET = 4;

/** The table, and the summary's part: bytes (medians; they hardly vary) and time per workload. */
export function renderWire(r: WireResults): { lines: string[]; summary: string } {
  const L: string[] = [];
  const parts: string[] = [];
  L.push(`### Bytes on the wire: read-heavy workload against the real wiki (${r.rounds} rounds, contenders alternated, medians)`, '');
  L.push(`Content: ${r.content}. Server: ${r.server}. Bytes counted by a TCP relay in front of it (one per contender): everything it sent, headers included.`, '');
  L.push('| Workload | Client | Requests | Bytes from the wiki | Bytes to the wiki | ours without compression ÷ this (bytes) | Median time | time ÷ raw undici (no Accept-Encoding) |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const [workload, byClient] of Object.entries(r.samples)) {
    const m = (k: string, f: (s: WireSample) => number) => median((byClient[k] ?? []).map(f));
    const before = m(BEFORE, (s) => s.bytesDown);
    const rawMs = m(RAW, (s) => s.ms);
    for (const k of Object.keys(byClient)) {
      const down = m(k, (s) => s.bytesDown);
      const reqs = [...new Set(byClient[k]!.map((s) => s.requests))].join('/');
      const fewer = before / down;
      const mark = k === 'ours' ? (fewer >= WIRE_TARGET ? ' ✅' : ' ❌') : '';
      L.push(`| ${workload} | ${k} | ${reqs} | ${kib(down)} | ${kib(m(k, (s) => s.bytesUp))} | ${ratio(before, down)}${mark} | ${ms(m(k, (s) => s.ms))} | ${ratio(m(k, (s) => s.ms), rawMs)} |`);
      if (k === 'ours') parts.push(`${workload}: ${fewer.toFixed(1)}x fewer bytes than before (${kib(down)} vs ${kib(before)}), time ${ratio(m(k, (s) => s.ms), rawMs)} of raw undici`);
    }
    const lim = r.limits[workload];
    if (lim) {
      const reqs = [...new Set(byClient[GZIP]!.map((s) => s.requests))].join('/');
      for (const [k, body] of [['gzip level 9', lim.gzip9], ['brotli quality 11', lim.brotli11]] as const) {
        const bytes = lim.headerBytes + body;
        L.push(`| ${workload} | _computed, not on the wire: ${k}_ | ${reqs} | ${kib(bytes)} | — | ${ratio(before, bytes)} | — | — |`);
      }
      parts.push(`content limit ${ratio(before, lim.headerBytes + lim.gzip9)} (gzip -9) / ${ratio(before, lim.headerBytes + lim.brotli11)} (brotli -11)`);
    }
  }
  L.push(
    '',
    `_Target: ours at least ${WIRE_TARGET}x fewer bytes than before for the wikitext workload, and no slower than raw undici on loopback. The computed rows are the content's own limit, not measured on the wire: the bench took the answers raw undici + gzip received in one run, decoded them, compressed each answer's body on its own with node:zlib (gzip level 9; brotli quality 11, Node's default 4 MiB window) and added the status lines and headers that came with the wiki's answers; a wiki that compressed that hard would send that many bytes (MediaWiki's own OutputHandler, as here, sends gzip level 6, \`gzencode($s, 6)\`; the time each took is below)._`,
    '',
  );
  const bodies = Object.entries(r.limits).map(([w, l]) => `${w}: ${kib(l.bodyBytes)} of JSON decoded, ${kib(l.wikiBodyBytes)} as the wiki's gzip sent it (${ratio(l.bodyBytes, l.wikiBodyBytes)}), gzip -9 ${kib(l.gzip9)} (${ratio(l.bodyBytes, l.gzip9)}, ${ms(l.gzip9Ms)} to compress), brotli -11 ${kib(l.brotli11)} (${ratio(l.bodyBytes, l.brotli11)}, ${ms(l.brotli11Ms)}); status lines and headers ${kib(l.headerBytes)}`);
  if (bodies.length) L.push(`Answer bodies alone: ${bodies.join('; ')}.`, '');
  return { lines: L, summary: `bytes on the wire: ${parts.join('; ')}` };
}
