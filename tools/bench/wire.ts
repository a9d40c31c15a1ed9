// Bytes on the wire and time for a read-heavy sibling workload against the real test wiki:
// 200 pages' wikitext through a generator with continuation, and one 1 MB page. Every contender
// talks to the wiki through its own counting TCP relay, so the bytes are what crossed the wire
// (status lines, headers, bodies), counted outside the clients.
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

export const PAGES = 200;
const PAGE_BYTES = 6 * 1024;
const BIG_BYTES = 1024 * 1024;
const PREFIX = 'Bench page ';
const BIG = 'Bench big page';

export interface WireSample {
  bytesDown: number;
  bytesUp: number;
  ms: number;
  requests: number;
}

export interface WireResults {
  rounds: number;
  /** What the pages hold, for the table's caption. */
  content: string;
  /** workload -> contender -> samples */
  samples: Record<string, Record<string, WireSample[]>>;
}

/**
 * Real English prose with wiki-ish markup: the MediaWiki changelog from Debian's package, cut into
 * 200 slices of 6 KiB and one of 1 MiB. Compresses like documentation, not like repeated filler.
 */
export async function createBenchPages(wiki: StartedWiki): Promise<string> {
  const source = zlib.gunzipSync(fs.readFileSync('/usr/share/doc/mediawiki/changelog.gz')).toString('utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-bench-pages-'));
  try {
    const files: string[] = [];
    for (let i = 0; i < PAGES; i++) {
      const text = `== Part ${i + 1} ==\n${source.slice(i * PAGE_BYTES, (i + 1) * PAGE_BYTES)}`;
      const f = path.join(dir, `${String(i + 1).padStart(3, '0')}.txt`);
      fs.writeFileSync(f, text);
      files.push(f);
    }
    const big = path.join(dir, 'big.txt');
    fs.writeFileSync(big, source.slice(200 * 1024, 200 * 1024 + BIG_BYTES));
    log(`creating ${PAGES} pages and a 1 MiB page (importTextFiles.php)`);
    await wiki.maintenance('importTextFiles', ['--prefix', PREFIX, '--bot', ...files]);
    fs.renameSync(big, path.join(dir, 'page'));
    await wiki.maintenance('importTextFiles', ['--prefix', `${BIG.slice(0, -4)}`, '--bot', path.join(dir, 'page')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return `200 pages of ${PAGE_BYTES / 1024} KiB and one of 1 MiB, slices of Debian's MediaWiki changelog (English prose)`;
}

/** Ours with compression turned off: what the transport sent before it asked for compression. */
class IdentityTransport extends Transport {
  override send(req: HttpRequest): Promise<HttpResponse> {
    return super.send({ ...req, headers: { ...req.headers, 'accept-encoding': 'identity' } });
  }
}

type Workload = (apiUrl: string) => Promise<{ content: number; requests: number }>;
type Contender = Record<string, Workload>;

const LIST = { generator: 'allpages', gapprefix: PREFIX, gapnamespace: '0', gaplimit: '50', prop: 'revisions', rvprop: 'content', rvslots: 'main' };
const ONE = { prop: 'revisions', rvprop: 'content', rvslots: 'main', titles: BIG };

interface Page { revisions?: { slots: { main: { content: string } } }[] }
const contentOf = (pages: Page[] | undefined) => (pages ?? []).reduce((n, p) => n + (p.revisions?.[0]?.slots.main.content.length ?? 0), 0);

function ours(transport: () => Transport): Contender {
  const run = async (apiUrl: string, params: Record<string, string>) => {
    const t = transport();
    const client = new ApiClient({ apiUrl, transport: t });
    let content = 0;
    for await (const batch of client.continue({ action: 'query', ...params })) content += contentOf((batch.query as { pages?: Page[] } | undefined)?.pages);
    return { content, requests: t.requestCount };
  };
  return { list: (u) => run(u, LIST), big: (u) => run(u, ONE) };
}

function rawUndici(agent: Agent, encoding?: string): Contender {
  const run = async (apiUrl: string, params: Record<string, string>) => {
    let cont: Record<string, string> = {};
    let content = 0;
    let requests = 0;
    for (;;) {
      const q = new URLSearchParams({ action: 'query', format: 'json', formatversion: '2', ...params, ...cont });
      const res = await request(`${apiUrl}?${q}`, { dispatcher: agent, headers: encoding ? { 'accept-encoding': encoding } : {} });
      requests++;
      let body = Buffer.from(await res.body.arrayBuffer());
      if (res.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      const data = JSON.parse(body.toString('utf8')) as { query?: { pages?: Page[] }; continue?: Record<string, string> };
      content += contentOf(data.query?.pages);
      if (!data.continue) return { content, requests };
      cont = data.continue;
    }
  };
  return { list: (u) => run(u, LIST), big: (u) => run(u, ONE) };
}

function mwn(): Contender {
  const run = async (apiUrl: string, params: Record<string, string>) => {
    const bot = new Mwn({ apiUrl, silent: true, userAgent: 'mws-bench (mwn)' });
    let content = 0;
    let requests = 0;
    for await (const batch of bot.continuedQueryGen({ action: 'query', ...params }, 100)) {
      requests++;
      content += contentOf((batch.query as { pages?: Page[] } | undefined)?.pages);
    }
    return { content, requests };
  };
  return { list: (u) => run(u, LIST), big: (u) => run(u, ONE) };
}

export async function benchWire(wiki: StartedWiki, rounds: number): Promise<WireResults> {
  const content = await createBenchPages(wiki);
  const agents = [new Agent({ keepAliveTimeout: 30_000, connections: 16 }), new Agent({ keepAliveTimeout: 30_000, connections: 16 })];
  const contenders: Record<string, Contender> = {
    ours: ours(() => new Transport()),
    'ours without compression (as before)': ours(() => new IdentityTransport()),
    'raw undici (no Accept-Encoding)': rawUndici(agents[0]!),
    'raw undici + gzip (zlib.gunzipSync)': rawUndici(agents[1]!, 'gzip'),
    mwn: mwn(),
  };
  // One relay per contender, so no contender's kept-alive connection is counted for another.
  const relays: Record<string, CountingRelay> = {};
  for (const name of Object.keys(contenders)) relays[name] = await startCountingRelay(wiki.server);
  const samples: WireResults['samples'] = {};
  try {
    for (const workload of ['list', 'big'] as const) {
      const expected = (await contenders['raw undici (no Accept-Encoding)']![workload](wiki.apiUrl)).content;
      const expectPages = workload === 'list' ? PAGES : 1;
      log(`wire (${workload}): ${rounds} rounds, ${Object.keys(contenders).length} contenders; ${expectPages} page(s), ${expected} characters of wikitext`);
      const one = (name: string) => async (): Promise<WireSample> => {
        const relay = relays[name]!;
        relay.reset();
        const t0 = performance.now();
        const r = await contenders[name]![workload](`${relay.origin}/w/api.php`);
        const ms = performance.now() - t0;
        if (r.content !== expected) throw new Error(`${name} (${workload}) read ${r.content} characters, expected ${expected}`);
        return { bytesDown: relay.down, bytesUp: relay.up, ms, requests: r.requests };
      };
      // Warm-up: connections, JIT, the wiki's caches.
      for (const name of Object.keys(contenders)) await one(name)();
      samples[workload === 'list' ? `${PAGES} pages' wikitext (generator=allpages, continuation)` : 'one 1 MiB page'] = await alternate(
        rounds,
        Object.fromEntries(Object.keys(contenders).map((n) => [n, one(n)])),
      );
    }
  } finally {
    for (const r of Object.values(relays)) await r.stop();
    for (const a of agents) await a.close();
  }
  return { rounds, content, samples };
}

export const WIRE_TARGET = 4;

/** The table, and the summary's part: bytes (medians; they hardly vary) and time per workload. */
export function renderWire(r: WireResults): { lines: string[]; summary: string } {
  const L: string[] = [];
  const parts: string[] = [];
  L.push(`### Bytes on the wire: read-heavy workload against the real wiki (${r.rounds} rounds, contenders alternated, medians)`, '');
  L.push(`Content: ${r.content}. Bytes counted by a TCP relay in front of the wiki (one per contender): everything the wiki sent, headers included. The wiki is MediaWiki behind php -S with its own gzip (OutputHandler); see "Compression" below.`, '');
  L.push('| Workload | Client | Requests | Bytes from the wiki | Bytes to the wiki | ours without compression ÷ this (bytes) | Median time | time ÷ raw undici (no Accept-Encoding) |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const [workload, byClient] of Object.entries(r.samples)) {
    const m = (k: string, f: (s: WireSample) => number) => median((byClient[k] ?? []).map(f));
    const before = m('ours without compression (as before)', (s) => s.bytesDown);
    const rawMs = m('raw undici (no Accept-Encoding)', (s) => s.ms);
    for (const k of Object.keys(byClient)) {
      const down = m(k, (s) => s.bytesDown);
      const reqs = [...new Set(byClient[k]!.map((s) => s.requests))].join('/');
      const fewer = before / down;
      const mark = k === 'ours' ? (fewer >= WIRE_TARGET ? ' ✅' : ' ❌') : '';
      L.push(`| ${workload} | ${k} | ${reqs} | ${kib(down)} | ${kib(m(k, (s) => s.bytesUp))} | ${ratio(before, down)}${mark} | ${ms(m(k, (s) => s.ms))} | ${ratio(m(k, (s) => s.ms), rawMs)} |`);
      if (k === 'ours') parts.push(`${workload}: ${fewer.toFixed(1)}x fewer bytes than before (${kib(down)} vs ${kib(before)}), time ${ratio(m(k, (s) => s.ms), rawMs)} of raw undici`);
    }
  }
  L.push('', `_Target: ours at least ${WIRE_TARGET}x fewer bytes than before for the wikitext workload, and no slower than raw undici on loopback._`, '');
  return { lines: L, summary: `bytes on the wire: ${parts.join('; ')}` };
}
