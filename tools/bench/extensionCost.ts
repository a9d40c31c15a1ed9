// Extension cost: the production bundle (what ships), the packaged .vsix, and activation inside a
// real VS Code host (code-server 4.99 = VS Code 1.99, with the .vsix installed as a user would).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import type { Page } from 'playwright-core';
import { openWorkbench, runCommand, startCodeServer } from '../../test/vscode/host';
import type { TestWiki } from '../../test/wiki/types';
import { log, median, repoRoot, sleep } from './util';
import { addWiki, botPasswordLogin, extensionLogFiles, waitForStatus } from '../../test/vscode/ui/steps';

export interface PackageResults {
  /** dist/extension.js as `npm run build` leaves it (development: not minified, external map). */
  devBundleBytes?: number;
  /** The production activation bundle dist/extension.js (minified, no source map), as packaged. */
  prodBundleBytes: number;
  /** Every production bundle in dist/ (extension.js, and undici.js, tough-cookie.js loaded on the first request). */
  prodFiles: { name: string; bytes: number }[];
  vsixBytes: number;
  vsixPath: string;
  vsixFiles: { name: string; bytes: number }[];
  /** Bytes per origin (npm package or src/), per production bundle. */
  contributors: { file: string; name: string; bytes: number }[];
  notes: string[];
  stageDir: string;
  /** The staged production bundles (dist/*.js inside stageDir), by file name. */
  prodBundlePaths: Record<string, string>;
}

function origin(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (m) return m[1]!;
  if (input.startsWith('src/')) return `src/${input.split('/')[1]}`;
  return input;
}

/**
 * The esbuild arguments of `npm run build:production` (package.json), with the output folder
 * moved: the bench builds exactly what ships, and cannot drift from the script.
 */
function productionEsbuildArgs(pkg: Record<string, unknown>, outdir: string): string[] {
  const script = (pkg.scripts as Record<string, string> | undefined)?.['build:production'] ?? '';
  const m = /(?:^|&&\s*)esbuild\s+([^&]+)$/.exec(script);
  if (!m) throw new Error(`package.json build:production is not "... && esbuild <args>": ${script}`);
  const args = m[1]!.trim().split(/\s+/);
  if (!args.includes('--outdir=dist')) throw new Error(`package.json build:production has no --outdir=dist: ${script}`);
  return args.map((a) => (a === '--outdir=dist' ? `--outdir=${outdir}` : a));
}

/**
 * Production build into a staging folder (the esbuild command of npm run build:production, plus
 * a metafile), then `vsce package --no-dependencies` there, honouring .vscodeignore. The working
 * tree's dist/ is left alone.
 */
export async function packageExtension(): Promise<PackageResults> {
  const notes: string[] = [];
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-bench-vsix-'));
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const f of ['package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) {
    const from = path.join(repoRoot, f);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(stage, f));
    else notes.push(`${f} missing`);
  }
  if (fs.existsSync(path.join(repoRoot, 'media'))) fs.cpSync(path.join(repoRoot, 'media'), path.join(stage, 'media'), { recursive: true });
  if (typeof pkg.icon === 'string' && !fs.existsSync(path.join(repoRoot, pkg.icon))) {
    notes.push(`package.json names the icon ${pkg.icon}, which does not exist yet: packaged without an icon`);
    delete pkg.icon;
  }
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2));

  const dist = path.join(stage, 'dist');
  const metafile = path.join(stage, 'meta.json'); // outside dist/: not packaged
  execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'esbuild'), [...productionEsbuildArgs(pkg, dist), `--metafile=${metafile}`], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const meta = JSON.parse(fs.readFileSync(metafile, 'utf8')) as Metafile;
  fs.rmSync(metafile);
  const contributors: PackageResults['contributors'] = [];
  for (const [outPath, out] of Object.entries(meta.outputs)) {
    if (!outPath.endsWith('.js')) continue;
    const by = new Map<string, number>();
    for (const [input, info] of Object.entries(out.inputs)) by.set(origin(input), (by.get(origin(input)) ?? 0) + info.bytesInOutput);
    const file = path.basename(outPath);
    for (const [name, bytes] of by) contributors.push({ file, name, bytes });
  }
  contributors.sort((a, b) => b.bytes - a.bytes);
  const prodFiles = fs
    .readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .map((name) => ({ name, bytes: fs.statSync(path.join(dist, name)).size }))
    .sort((a, b) => (a.name === 'extension.js' ? -1 : b.name === 'extension.js' ? 1 : b.bytes - a.bytes));
  const prodBundleBytes = fs.statSync(path.join(dist, 'extension.js')).size;

  const vsixPath = path.join(stage, `${String(pkg.name)}-${String(pkg.version)}.vsix`);
  execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsixPath], {
    cwd: stage,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VSCE_TELEMETRY: 'off' },
  });
  const vsixBytes = fs.statSync(vsixPath).size;
  const vsixFiles: { name: string; bytes: number }[] = [];
  try {
    const listing = execFileSync('unzip', ['-l', vsixPath], { encoding: 'utf8' });
    for (const line of listing.split('\n')) {
      const m = /^\s*(\d+)\s+\S+\s+\S+\s+(\S.*)$/.exec(line);
      if (m && !m[2]!.startsWith('Name')) vsixFiles.push({ name: m[2]!, bytes: Number(m[1]) });
    }
  } catch {
    notes.push('unzip not available: .vsix contents not listed');
  }
  for (const f of prodFiles) {
    if (vsixFiles.length && !vsixFiles.some((v) => v.name === `extension/dist/${f.name}`)) notes.push(`dist/${f.name} is not in the .vsix`);
  }
  const dev = path.join(repoRoot, 'dist', 'extension.js');
  return {
    devBundleBytes: fs.existsSync(dev) ? fs.statSync(dev).size : undefined,
    prodBundleBytes,
    prodFiles,
    vsixBytes,
    vsixPath,
    vsixFiles,
    contributors,
    notes,
    stageDir: stage,
    prodBundlePaths: Object.fromEntries(prodFiles.map((f) => [f.name, path.join(dist, f.name)])),
  };
}

// ---------------------------------------------------------------------------------------------
// Load cost: require() of each production bundle in a fresh Node process (vscode stubbed; the
// Node built-ins they use loaded first, as they are in the extension host), to show where
// loading time goes: extension.js at activation, undici.js and tough-cookie.js at the first request.

// The built-ins extension.js requires at its top level. The extension host has loaded them before
// any extension (VS Code's proxy support patches node:http; it uses node:crypto itself), so a
// fresh process would otherwise charge their start-up to the bundle.
const PRELOADED = ['node:http', 'node:crypto'];

const LOAD_PROBE = `
const Module = require('module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return new Proxy({}, { get: () => new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : undefined) }) });
  return load.call(this, request, ...rest);
};
for (const m of ${JSON.stringify(PRELOADED)}) require(m);
const t0 = performance.now();
require(process.argv[1]);
process.stdout.write(String(performance.now() - t0));
`;

export interface LoadCost {
  /** Median ms of require() in a fresh process, per bundle. */
  medians: Record<string, number>;
  runs: number;
}

export async function benchLoadCost(bundles: Record<string, string>, runs: number): Promise<LoadCost> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(bundles).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, file] of Object.entries(bundles)) {
      const out = execFileSync(process.execPath, ['-e', LOAD_PROBE, file], { encoding: 'utf8' });
      samples[name]!.push(Number(out));
    }
  }
  return { medians: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), runs };
}

// ---------------------------------------------------------------------------------------------
// Activation inside code-server

export interface ActivationSample {
  /** VS Code's own number (Running Extensions: code loading + activate() call, synchronous part). */
  vscodeMs?: number;
  vscodeLabel?: string;
  /** Our log line "activated in X ms": activate() from its first line to its end (async included). */
  activateMs?: number;
  /** Requests the wiki served between the window (re)load and the end of activation. */
  wikiRequestsDuringActivation: number;
  /** ...and in the 3 s after it (informational: the extension may check sessions then). */
  wikiRequestsAfter: number;
  accountsRestored?: number;
}

export interface ActivationResults {
  samples: ActivationSample[];
  /** Samples with a stored (restored) account. */
  withAccount: ActivationSample[];
  notes: string[];
}

const ACTIVATED = /activated in ([\d.]+) ms; (\d+) wiki\(s\), (\d+) account\(s\) restored/g;

function activationLines(logRoots: string[]): { ms: number; accounts: number }[] {
  const out: { ms: number; accounts: number }[] = [];
  for (const root of logRoots) {
    for (const f of extensionLogFiles(root).sort()) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(ACTIVATED)) out.push({ ms: Number(m[1]), accounts: Number(m[3]) });
    }
  }
  return out;
}

async function waitForNewActivation(logRoots: string[], seen: number, timeoutMs = 60_000): Promise<{ ms: number; accounts: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lines = activationLines(logRoots);
    if (lines.length > seen) return lines[lines.length - 1]!;
    await sleep(50);
  }
  throw new Error(`no "activated in" line in the extension's log within ${timeoutMs} ms (looked under ${logRoots.join(', ')})`);
}

/** Developer: Show Running Extensions → our row's "Startup Activation: N ms" / "Activation: N ms". */
async function runningExtensionsTime(page: Page): Promise<{ ms?: number; label?: string }> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'MediaWiki Sessions' }).first();
  await row.waitFor({ state: 'attached', timeout: 20_000 });
  const deadline = Date.now() + 10_000;
  let label = '';
  while (Date.now() < deadline) {
    label = ((await row.locator('.activation-time').textContent()) ?? '').trim();
    if (/\d+\s*ms/.test(label)) break;
    await sleep(100);
  }
  const m = /(\d+)\s*ms/.exec(label);
  // Close the editor again so the next reload starts with the same layout.
  await page.keyboard.press('Control+W').catch(() => undefined);
  return { ms: m ? Number(m[1]) : undefined, label };
}

/**
 * The host's share of VS Code's activation number: the same package, but dist/extension.js is a
 * one-line stub whose activate() returns at once and loads the real bundle (moved to
 * dist/stubbed.js) in a later task. VS Code's number for it is what the host charges any extension
 * activated with ours on startup (onStartupFinished): mostly the code loading of the built-in
 * extensions activated in the same batch, which runs between our codeLoadingStart and our require().
 * A measuring device only: the real extension does its work inside activate().
 */
export function stubVsix(pkg: PackageResults): string {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-bench-stub-'));
  fs.cpSync(pkg.stageDir, stage, { recursive: true });
  fs.rmSync(path.join(stage, path.basename(pkg.vsixPath)));
  fs.renameSync(path.join(stage, 'dist', 'extension.js'), path.join(stage, 'dist', 'stubbed.js'));
  fs.writeFileSync(path.join(stage, 'dist', 'extension.js'), "exports.activate = (context) => new Promise((resolve) => setTimeout(() => resolve(require('./stubbed.js').activate(context)), 0));\n");
  const vsix = path.join(stage, 'stub.vsix');
  execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], {
    cwd: stage,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VSCE_TELEMETRY: 'off' },
  });
  return vsix;
}

export async function benchActivation(wiki: TestWiki, vsix: string, reloads: number, opts: { withAccount?: boolean } = {}): Promise<ActivationResults> {
  const notes: string[] = [];
  const server = await startCodeServer({ vsix });
  const logRoots = [server.userDataDir, path.join(server.runDir, 'home')];
  const samples: ActivationSample[] = [];
  const withAccount: ActivationSample[] = [];
  try {
    wiki.clearRequests();
    const wb = await openWorkbench(server);
    const { page } = wb;
    let seen = 0;
    const measure = async (load: () => Promise<unknown>): Promise<ActivationSample> => {
      wiki.clearRequests();
      await load();
      const line = await waitForNewActivation(logRoots, seen);
      seen++;
      const during = wiki.requests().length;
      await sleep(3_000);
      const after = wiki.requests().length - during;
      await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
      const vs = await runningExtensionsTime(page).catch((e: Error) => {
        notes.push(`Running Extensions not read: ${e.message.split('\n')[0]}`);
        return { ms: undefined, label: undefined };
      });
      return { vscodeMs: vs.ms, vscodeLabel: vs.label, activateMs: line.ms, wikiRequestsDuringActivation: during, wikiRequestsAfter: after, accountsRestored: line.accounts };
    };
    const reload = async () => {
      await page.reload();
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    };
    // 1: the first start (already loading), then reloads without any account.
    samples.push(await measure(async () => undefined));
    for (let i = 1; i < reloads; i++) samples.push(await measure(reload));
    log(`activation (no account): ${samples.map((s) => `${s.vscodeMs ?? '?'}/${s.activateMs ?? '?'} ms`).join(', ')}`);

    // Then with a stored session: Add Wiki + bot-password login through the UI, as a user would.
    if (opts.withAccount !== false) {
      try {
        await wiki.resetThrottles();
        const { bot } = wiki.users;
        await addWiki(page, wiki.articleUrl('Main Page'), wiki.siteName);
        await botPasswordLogin(page, new RegExp(wiki.siteName), bot);
        await waitForStatus(page, new RegExp(bot.name));
        for (let i = 0; i < reloads; i++) withAccount.push(await measure(reload));
        log(`activation (1 stored account): ${withAccount.map((s) => `${s.vscodeMs ?? '?'}/${s.activateMs ?? '?'} ms, ${s.wikiRequestsDuringActivation} req`).join(', ')}`);
      } catch (e) {
        notes.push(`activation with a stored account not measured: ${(e as Error).message.split('\n')[0]}`);
        log(notes[notes.length - 1]!);
      }
    }
    await wb.close();
  } finally {
    await server.stop();
  }
  return { samples, withAccount, notes };
}

export function activationSummary(s: ActivationSample[]): { vscode: number; activate: number; during: number; after: number } {
  return {
    vscode: median(s.map((x) => x.vscodeMs ?? NaN).filter(Number.isFinite)),
    activate: median(s.map((x) => x.activateMs ?? NaN).filter(Number.isFinite)),
    during: Math.max(0, ...s.map((x) => x.wikiRequestsDuringActivation)),
    after: Math.max(0, ...s.map((x) => x.wikiRequestsAfter)),
  };
}
