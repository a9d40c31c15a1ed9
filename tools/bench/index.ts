// `npm run bench`: ours vs peer clients on the same real test wiki, in one process run, contenders
// in alternation; prints a markdown table of medians and ratios and a one-line summary.
//
//   node --expose-gc out/tools/bench/index.js [--quick] [--no-vscode] [--wire-only] [--corpus DIR] [--overhead-only] [--help]
//
// Results also go to test-output/bench/results.{md,json}. Progress goes to stderr.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startWiki, type StartedWiki } from '../../test/wiki';
import { CODE_SERVER_VERSION, cleanupAll } from '../../test/vscode/host';
import { activationSummary, benchActivation, benchLoadCost, packageExtension, stubVsix, type ActivationResults, type LoadCost, type PackageResults } from './extensionCost';
import { benchLogins, benchRestore, type LoginResults, type RestoreSample } from './logins';
import { benchOverhead, benchOverheadBreakdown, startCannedServer, type OverheadResults } from './overhead';
import { kib, log, median, ms, pairedRatio, perSecond, range, ratio, repoRoot } from './util';
import { benchWire, renderWire, type WireResults } from './wire';
import { benchOAuth, renderOAuth, type OAuthSample } from './oauth';
import { startOAuthWiki } from '../../test/wiki/oauth';
import { startApacheFront } from '../../test/net/apacheFront';

const APACHE_SERVER = "MediaWiki not compressing ($wgDisableOutputCompression, as under Debian's php.ini) behind Debian's Apache 2.4 as a compressing front: mod_proxy_http, mod_brotli (br, its default quality 5) where the client takes br, else mod_deflate (gzip, zlib's default level 6)";

const USAGE = `usage: node --expose-gc out/tools/bench/index.js [options]   (npm run bench -- [options])
  --quick      fewer rounds (about 1.5 min instead of 4)
  --no-vscode  skip the activation measurement in code-server
  --wire-only  only the bytes-on-the-wire workload (also test-output/bench/wire.json)
  --corpus DIR the wire workload's pages from DIR's *.txt files (wikitext, one page per file, the
               first 200 by name; the big page is those files joined, up to 1 MiB) instead of
               slices of Debian's MediaWiki changelog
  --behind-apache  with --wire-only: the wiki does not compress ($wgDisableOutputCompression) and the
               clients talk to real Apache in front of it, compressing with mod_brotli (br) and
               mod_deflate (gzip), as a CDN or front server does
  --overhead-only  only the per-call overhead against the canned server (about 3 min)
  --help       this text
Results: test-output/bench/results.{md,json}; BENCHMARKS.md explains them.`;
function parse() {
  return parseArgs({
    options: {
      quick: { type: 'boolean' },
      'no-vscode': { type: 'boolean' },
      'wire-only': { type: 'boolean' },
      corpus: { type: 'string' },
      'behind-apache': { type: 'boolean' },
      'overhead-only': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
}
let parsed: ReturnType<typeof parse>;
try {
  parsed = parse();
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
const opts = parsed.values;
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
/** A folder of wikitext files for the wire workload (see tools/bench/corpus.ts). */
const corpus = opts.corpus;
if (corpus !== undefined && !fs.statSync(corpus, { throwIfNoEntry: false })?.isDirectory()) {
  process.stderr.write(`--corpus ${corpus}: not a folder\n`);
  process.exit(2);
}
const quick = opts.quick === true;
const withVsCode = opts['no-vscode'] !== true;
/** Only the bytes-on-the-wire workload (quick check while working on the transport). */
const wireOnly = opts['wire-only'] === true;
/** Only the per-call overhead against the canned server (quick check while working on the client). */
const overheadOnly = opts['overhead-only'] === true;

const CONFIG = {
  loginRounds: quick ? 3 : 15,
  restoreRounds: quick ? 3 : 15,
  canned: quick
    ? { rounds: 3, sequential: 200, concurrent: 400, inFlight: 8, warmup: 100 }
    : { rounds: 24, sequential: 500, concurrent: 1000, inFlight: 8, warmup: 300 },
  real: quick
    ? { rounds: 2, sequential: 10, concurrent: 16, inFlight: 8, warmup: 5 }
    : { rounds: 6, sequential: 30, concurrent: 80, inFlight: 8, warmup: 10 },
  wireRounds: quick ? 2 : 10,
  activationReloads: quick ? 2 : 5,
  loadRuns: quick ? 3 : 9,
  // Rounds: multiples of 2 x the contenders (see alternate()), so the orders are balanced.
  breakdown: quick ? { rounds: 3, calls: 200, warmup: 100 } : { rounds: 10, calls: 400, warmup: 200 },
};

const TARGETS = { vsixBytes: 300 * 1024, activateMs: 50, overheadVsUndici: 1.1 };

function machine(wiki: StartedWiki): Record<string, string> {
  const sh = (cmd: string, a: string[]): string => {
    try {
      return execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '?';
    }
  };
  let debian = '?';
  try {
    debian = fs.readFileSync('/etc/debian_version', 'utf8').trim();
  } catch {
    // not Debian
  }
  return {
    cpu: `${os.cpus()[0]?.model ?? '?'} (${os.cpus().length} logical CPUs; nproc ${sh('nproc', [])})`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (Debian ${debian})`,
    node: process.version,
    php: sh('php', ['-r', 'echo PHP_VERSION;']),
    wiki: `MediaWiki (Debian package) on php -S, ${wiki.workers} worker(s), SQLite`,
    vscode: `code-server ${CODE_SERVER_VERSION}`,
  };
}

/** The overhead table. Ratios are per round (the contenders' turns in one round are next to each other in time), then the median. */
function renderOverhead(overhead: OverheadResults[], over: Record<string, { undici: number; mwn: number }> = {}): string[] {
  const L: string[] = [];
  L.push('| Server | Mode | ours | raw undici | mwn | undici ÷ ours (time per call; range over rounds) | mwn time ÷ ours |');
  L.push('|---|---|---|---|---|---|---|');
  for (const o of overhead) {
    for (const mode of ['sequential', 'concurrent'] as const) {
      const d = o[mode];
      const m = (k: string) => median(d[k] ?? []);
      const und = pairedRatio(d['raw undici'] ?? [], d['ours'] ?? []);
      const mw = pairedRatio(d['ours'] ?? [], d['mwn'] ?? []);
      const label = mode === 'sequential' ? `${o.batch.sequential} sequential` : `${o.batch.concurrent}, ${o.batch.inFlight} in flight`;
      over[`${o.target}/${mode}`] = { undici: und.median, mwn: mw.median };
      const canned = o.target.startsWith('canned');
      L.push(
        `| ${o.target} (${o.rounds} rounds) | ${label} | ${perSecond(m('ours'))} | ${perSecond(m('raw undici'))} | ${perSecond(m('mwn'))} | ${und.median.toFixed(2)}x (${und.min.toFixed(2)}-${und.max.toFixed(2)})${canned ? mark(und.median <= TARGETS.overheadVsUndici) : ''} | ${mw.median.toFixed(2)}x${canned ? mark(mw.median > 1) : ''} |`,
      );
    }
  }
  L.push(
    '',
    '_Ratios > 1 in "undici ÷ ours" mean ours takes longer per call than raw undici (target ≤ 1.10x); "mwn time ÷ ours" > 1 means ours is faster than mwn. The garbage is collected between contenders\' turns (node --expose-gc), so that one contender\'s garbage is not collected during, and charged to, the next one\'s._',
    '',
  );
  return L;
}

function loadAvg(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(' / ');
}

interface Results {
  date: string;
  config: typeof CONFIG;
  machine: Record<string, string>;
  logins: LoginResults;
  restore: Record<string, RestoreSample[]>;
  overhead: OverheadResults[];
  breakdown: Record<string, number[]>;
  wire?: WireResults;
  oauth?: Record<string, OAuthSample[]>;
  pkg?: PackageResults;
  load?: LoadCost;
  activation?: ActivationResults;
  /** The same, with a stub as the extension's module (the host's share of VS Code's number). */
  activationStub?: ActivationResults;
  notes: string[];
}

function mark(ok: boolean | undefined): string {
  return ok === undefined ? '' : ok ? ' ✅' : ' ❌';
}

function render(r: Results): { md: string; summary: string } {
  const L: string[] = [];
  const s = r.logins.samples;
  const med = (k: string) => median((s[k] ?? []).map((x) => x.ms));
  const reqs = (k: string) => (s[k] ?? []).map((x) => x.requests);
  const oursBot = med('ours: bot password');
  const targetReq: Record<string, number> = { 'ours: bot password': 2, 'ours: clientlogin PASS': 2, 'ours: clientlogin 2FA': 3 };

  L.push(`### Logins against the real wiki (${r.logins.rounds} rounds, contenders alternated, medians)`, '');
  L.push('| Client: login | Requests per login (server log) | Target | Median wall time | ours bot password ÷ this | Requests (first sample) |');
  L.push('|---|---|---|---|---|---|');
  for (const k of Object.keys(s)) {
    const t = targetReq[k];
    const rq = reqs(k);
    const okReq = t === undefined ? undefined : rq.every((n) => n === t);
    const peer = !k.startsWith('ours');
    L.push(`| ${k} | ${range(rq)}${mark(okReq)} | ${t ?? '—'} | ${ms(med(k))} | ${peer ? ratio(oursBot, med(k)) : '—'} | ${(s[k]?.[0]?.actions ?? []).join(', ')} |`);
  }
  if (r.logins.mwclient.skipped) L.push(`| mwclient: bot password | skipped: ${r.logins.mwclient.skipped} | | | | |`);
  L.push('');
  for (const k of Object.keys(s).filter((k) => k.startsWith('ours'))) {
    const mismatch = s[k]!.filter((x) => x.clientCount !== undefined && x.clientCount !== x.requests);
    if (mismatch.length) r.notes.push(`${k}: transport.requestCount differed from the server log in ${mismatch.length} login(s)`);
  }

  L.push(`### Restore after restart: serialized session → first authenticated query (${r.config.restoreRounds} rounds, fresh connection each)`, '');
  L.push('| Path | Requests before the first authenticated query | Requests in total | Median time to the first authenticated answer |');
  L.push('|---|---|---|---|');
  for (const [k, v] of Object.entries(r.restore)) {
    const isRestore = k.includes('restore');
    L.push(`| ${k} | ${range(v.map((x) => x.before))}${isRestore ? mark(v.every((x) => x.before === 0)) : ''} | ${range(v.map((x) => x.requests))} | ${ms(median(v.map((x) => x.ms)))} |`);
  }
  L.push('');

  L.push('### Client overhead per API call (`action=query&meta=siteinfo|userinfo`, GET)', '');
  const over: Record<string, { undici: number; mwn: number }> = {};
  L.push(...renderOverhead(r.overhead, over));

  const rawRate = median(r.breakdown['raw undici'] ?? []);
  L.push(`Where the time per call goes (canned loopback, ${r.config.breakdown.rounds} rounds x ${r.config.breakdown.calls} sequential calls, alternated):`, '');
  L.push('| Variant | Calls/s | µs per call | µs over raw undici |');
  L.push('|---|---|---|---|');
  for (const [k, v] of Object.entries(r.breakdown)) {
    const rate = median(v);
    L.push(`| ${k} | ${perSecond(rate)} | ${(1e6 / rate).toFixed(0)} | ${k === 'raw undici' ? '—' : `${(1e6 / rate - 1e6 / rawRate).toFixed(0)}`} |`);
  }
  L.push('');

  let wireSummary: string | undefined;
  if (r.oauth) {
    L.push('### OAuth 2.0 logins and restore (TestOAuth wiki)', '', renderOAuth(r.oauth), '');
  }

  if (r.wire) {
    const w = renderWire(r.wire);
    L.push(...w.lines);
    wireSummary = w.summary;
  }

  L.push('### Extension cost', '');
  L.push('| Metric | Value | Target |');
  L.push('|---|---|---|');
  const p = r.pkg;
  let act: ReturnType<typeof activationSummary> | undefined;
  let actAcc: ReturnType<typeof activationSummary> | undefined;
  if (p) {
    if (p.devBundleBytes !== undefined) L.push(`| dist/extension.js, \`npm run build\` (not minified; map separate) | ${kib(p.devBundleBytes)} | — |`);
    L.push(`| dist/extension.js, production (minified, no map; loaded at activation) | ${kib(p.prodBundleBytes)} | — |`);
    for (const f of p.prodFiles.filter((f) => f.name !== 'extension.js')) L.push(`| dist/${f.name}, production (loaded on the first request) | ${kib(f.bytes)} | — |`);
    L.push(`| .vsix (\`vsce package --no-dependencies\`) | ${kib(p.vsixBytes)}${mark(p.vsixBytes < TARGETS.vsixBytes)} | < 300 KB |`);
  }
  if (r.load) {
    for (const [k, v] of Object.entries(r.load.medians)) L.push(`| require() of ${k} in plain Node, fresh process (node:http, node:crypto loaded), median of ${r.load.runs} | ${ms(v)} | — |`);
  }
  if (r.activation) {
    act = activationSummary(r.activation.samples);
    L.push(`| Activation, VS Code's own (Running Extensions: load + activate call), no account, median of ${r.activation.samples.length} | ${ms(act.vscode)}${mark(act.vscode < TARGETS.activateMs)} | < 50 ms |`);
    L.push(`| activate() start to end (our log line), no account | ${ms(act.activate)}${mark(act.activate < TARGETS.activateMs)} | < 50 ms |`);
    if (r.activationStub?.samples.length) {
      const stub = activationSummary(r.activationStub.samples);
      L.push(`| Activation, VS Code's own, of a stub in place of dist/extension.js (empty module and activate(): the host's share), no account, median of ${r.activationStub.samples.length} | ${ms(stub.vscode)} | — |`);
    }
    if (r.activation.withAccount.length) {
      actAcc = activationSummary(r.activation.withAccount);
      L.push(`| Activation, VS Code's own, 1 stored session, median of ${r.activation.withAccount.length} | ${ms(actAcc.vscode)}${mark(actAcc.vscode < TARGETS.activateMs)} | < 50 ms |`);
      L.push(`| activate() start to end, 1 stored session | ${ms(actAcc.activate)}${mark(actAcc.activate < TARGETS.activateMs)} | < 50 ms |`);
      L.push(`| Wiki requests from window load to end of activation, 1 stored session (max) | ${actAcc.during}${mark(actAcc.during === 0)} | 0 |`);
      L.push(`| Wiki requests in the 3 s after activation (max) | ${actAcc.after} | — |`);
    }
  } else if (withVsCode) {
    L.push('| Activation | not measured | < 50 ms |');
  }
  L.push('');
  if (p) {
    const files = p.prodFiles.map((f) => {
      const top = p.contributors.filter((c) => c.file === f.name).slice(0, 8).map((c) => `${c.name} ${kib(c.bytes)}`).join(', ');
      return `${f.name}: ${top}`;
    });
    L.push(`Production bundles by origin (esbuild metafile, bytes in output): ${files.join('; ')}.`, '');
    if (p.vsixFiles.length) L.push(`.vsix contents: ${p.vsixFiles.map((f) => `${f.name} (${kib(f.bytes)})`).join(', ')}.`, '');
  }
  const notes = [...r.notes, ...(p?.notes ?? []), ...(r.activation?.notes ?? []), ...(r.activationStub?.notes ?? [])];
  if (notes.length) L.push('Notes:', '', ...notes.map((n) => `- ${n}`), '');

  const peerReq = [`mwn ${range(reqs('mwn: bot password'))}`, s['mwclient: bot password'] ? `mwclient ${range(reqs('mwclient: bot password'))}` : 'mwclient skipped'].join(', ');
  const parts = [
    `requests/login ours ${range(reqs('ours: bot password'))}/${range(reqs('ours: clientlogin PASS'))}/${range(reqs('ours: clientlogin 2FA'))} (target 2/2/3) vs ${peerReq}`,
    `bot login time ${ratio(oursBot, med('mwn: bot password'))} of mwn's${s['mwclient: bot password'] ? `, ${ratio(oursBot, med('mwclient: bot password'))} of mwclient's` : ''}`,
    `restore: ${range(r.restore['ours: restore bot-password session']!.map((x) => x.before))} requests before the first query`,
    ...(r.oauth
      ? [`OAuth 2.0: ${range((r.oauth['OAuth 2.0 browser login (code + PKCE)'] ?? []).map((x) => x.requests))} requests per browser login (plus the browser's), ${range((r.oauth['OAuth 2.0 owner-only token'] ?? []).map((x) => x.requests))} per owner-only token, ${range((r.oauth['restore an OAuth 2.0 session + first query'] ?? []).map((x) => x.before ?? 0))} before the first query of a restored session (target 0)`]
      : []),
  ];
  const c = over['canned loopback/sequential'];
  const cc = over['canned loopback/concurrent'];
  if (c && cc) parts.push(`overhead vs raw undici ${c.undici.toFixed(2)}x seq / ${cc.undici.toFixed(2)}x conc (target ≤1.10), mwn ${c.mwn.toFixed(2)}x / ${cc.mwn.toFixed(2)}x slower than ours`);
  if (wireSummary) parts.push(wireSummary);
  if (p) parts.push(`.vsix ${kib(p.vsixBytes)} (target <300 KB)`);
  const stubMs = r.activationStub?.samples.length ? activationSummary(r.activationStub.samples).vscode : NaN;
  if (act) parts.push(`activation (VS Code's own, load + activate call) ${ms(act.vscode)} without / ${actAcc ? ms(actAcc.vscode) : 'n/a'} with a stored session (a stub's: ${ms(stubMs)}), activate() alone ${ms(act.activate)} / ${actAcc ? ms(actAcc.activate) : 'n/a'} (target <50 ms)`);
  if (actAcc) parts.push(`${actAcc.during} wiki requests during activation`);
  const summary = `Summary: ${parts.join('; ')}.`;
  L.push(summary);
  return { md: L.join('\n'), summary };
}

async function main(): Promise<void> {
  const started = Date.now();
  const notes: string[] = [];
  log(`starting the test wiki${quick ? ' (quick run)' : ''}`);
  const loadStart = loadAvg();
  const loadLine = (): string => `load average ${loadStart} at the start, ${loadAvg()} at the end (1/5/15 min)`;
  const behindApache = opts['behind-apache'] === true;
  if (behindApache && !wireOnly) {
    process.stderr.write(`--behind-apache goes with --wire-only\n${USAGE}\n`);
    process.exit(2);
  }
  const wiki = await startWiki(behindApache ? { extraSettings: '$wgDisableOutputCompression = true;' } : {});
  let canned: Awaited<ReturnType<typeof startCannedServer>> | undefined;
  if (overheadOnly) {
    await wiki.stop();
    const c = await startCannedServer();
    try {
      const o = await benchOverhead('canned loopback', c.apiUrl, CONFIG.canned);
      process.stdout.write(`${renderOverhead([o]).join('\n')}\n`);
    } finally {
      c.proc.stdin?.end();
      c.proc.kill();
    }
    return;
  }
  if (wireOnly) {
    const front = behindApache ? await startApacheFront(wiki.apiUrl) : undefined;
    try {
      const results = await benchWire(wiki, CONFIG.wireRounds, corpus, front && { origin: front.origin, server: APACHE_SERVER });
      const w = renderWire(results);
      const outDir = path.join(repoRoot, 'test-output', 'bench');
      fs.mkdirSync(outDir, { recursive: true });
      const load = loadLine();
      fs.writeFileSync(path.join(outDir, 'wire.json'), JSON.stringify({ date: new Date().toISOString(), load, ...results }, null, 2));
      process.stdout.write(`${w.lines.join('\n')}\n${w.summary}\n\nMachine: ${load}.\n`);
    } finally {
      await front?.stop();
      await wiki.stop();
    }
    return;
  }
  try {
    const logins = await benchLogins(wiki, CONFIG.loginRounds);
    const restore = await benchRestore(wiki, CONFIG.restoreRounds);
    canned = await startCannedServer();
    const overhead = [
      await benchOverhead('canned loopback', canned.apiUrl, CONFIG.canned),
      await benchOverhead('real wiki', wiki.apiUrl, CONFIG.real),
    ];
    const breakdown = await benchOverheadBreakdown(canned.apiUrl, CONFIG.breakdown);
    const wire = await benchWire(wiki, CONFIG.wireRounds, corpus);
    // OAuth needs its own wiki (with the test-only TestOAuth extension).
    const oauthWiki = await startOAuthWiki();
    let oauth: Record<string, OAuthSample[]>;
    try {
      log(`OAuth 2.0: ${CONFIG.loginRounds} rounds`);
      oauth = await benchOAuth(oauthWiki, CONFIG.loginRounds);
    } finally {
      await oauthWiki.stop();
    }
    canned.proc.stdin?.end();
    canned.proc.kill();
    log('packaging (production build + vsce package)');
    const pkg = await packageExtension();
    const load = await benchLoadCost(
      Object.fromEntries(Object.entries(pkg.prodBundlePaths).map(([name, file]) => [`dist/${name} (production)`, file])),
      CONFIG.loadRuns,
    );
    let activation: ActivationResults | undefined;
    let activationStub: ActivationResults | undefined;
    if (withVsCode) {
      try {
        activation = await benchActivation(wiki, pkg.vsixPath, CONFIG.activationReloads);
      } catch (e) {
        notes.push(`activation not measured: ${(e as Error).message.split('\n')[0]}`);
        log(notes[notes.length - 1]!);
      }
      try {
        log('activation of a stub (the host\'s share)');
        const stub = stubVsix(pkg);
        activationStub = await benchActivation(wiki, stub, CONFIG.activationReloads, { withAccount: false });
        fs.rmSync(path.dirname(stub), { recursive: true, force: true });
      } catch (e) {
        notes.push(`stub activation not measured: ${(e as Error).message.split('\n')[0]}`);
        log(notes[notes.length - 1]!);
      }
    }
    fs.rmSync(pkg.stageDir, { recursive: true, force: true });
    const results: Results = { date: new Date().toISOString(), config: CONFIG, machine: { ...machine(wiki), load: loadLine() }, logins, restore, overhead, breakdown, wire, oauth, pkg, load, activation, activationStub, notes };
    const { md } = render(results);
    const header = [
      `Run ${results.date} in ${((Date.now() - started) / 1000).toFixed(0)} s${quick ? ' (--quick)' : ''}.`,
      '',
      ...Object.entries(results.machine).map(([k, v]) => `- ${k}: ${v}`),
      `- peers: mwn ${logins.mwnVersion} (npm); mwclient ${logins.mwclient.version ?? `skipped (${logins.mwclient.skipped})`} (Debian python3-mwclient)`,
      '',
    ].join('\n');
    const outDir = path.join(repoRoot, 'test-output', 'bench');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'results.md'), `${header}\n${md}\n`);
    fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2));
    process.stdout.write(`${header}\n${md}\n`);
    log(`results in ${path.relative(repoRoot, outDir)}/results.{md,json}`);
  } finally {
    if (canned && canned.proc.exitCode === null) canned.proc.kill();
    await cleanupAll().catch(() => undefined);
    await wiki.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
