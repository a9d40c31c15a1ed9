/**
 * Entry point of the real-VS-Code tests: `node out/test/vscode/run.js [options]`.
 *
 *   1. runs setup hooks (e.g. start the test wiki) and applies the env/context they return,
 *   2. the extension-host suite (out/test/vscode/suite/**\/*.test.js inside VS Code's extension host),
 *   3. the UI tests (out/test/vscode/ui/**\/*.ui.js: mocha in Node, Playwright against the workbench),
 *   4. teardown; exits 0 only if everything passed. code-server and Chromium are always stopped,
 *      also on Ctrl-C.
 *
 * Options:
 *   --only suite|ui       run one half
 *   --grep PATTERN        mocha grep, both halves
 *   --setup MODULE        setup hook module (repeatable; also $MWS_VSCODE_TEST_SETUP, comma-separated)
 *   --keep                keep the temp run folders (logs, user data); same as VSCODE_TEST_KEEP=1
 *   --verbose             code-server and browser logs on stderr; same as VSCODE_TEST_VERBOSE=1
 *
 * A setup module exports `setup` (or default) returning, all optional:
 *   { env?: Record<string,string>, context?: unknown, teardown?: () => Promise<void>, trustedDomains?: string[] }
 * `env` goes into process.env before anything starts (so the extension host inherits it and UI
 * tests see it); `context` is handed to the suite as JSON (suite/env.ts testContext()).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { cleanupAll, codeServerBin, onCleanup, repoRoot, runExtensionHostSuite } from './host';
import { mochaHooks } from './ui/hooks';
import { GREP_ENV, listTestFiles } from './protocol';

export interface SetupResult {
  env?: Record<string, string>;
  context?: Record<string, unknown>;
  teardown?: () => Promise<void>;
  /**
   * Origins the extension-host suite's window opens without the trust prompt (host.ts
   * OpenWorkbenchOptions.trustedDomains): nobody can click "Open" there.
   */
  trustedDomains?: string[];
}
export type SetupHook = () => Promise<SetupResult | void> | SetupResult | void;

export interface RunOptions {
  only?: 'suite' | 'ui';
  grep?: string;
  setup?: SetupHook[];
}

/** Runs everything; resolves with the process exit code. */
export async function main(options: RunOptions = {}): Promise<number> {
  const started = Date.now();
  const teardowns: (() => Promise<void>)[] = []; // newest first
  let exitCode = 0;
  try {
    preflight();

    let context: Record<string, unknown> = { probe: 'context-file-ok' };
    const trustedDomains: string[] = [];
    for (const hook of options.setup ?? []) {
      const result = (await hook()) ?? {};
      if (result.teardown) {
        const teardown = result.teardown;
        const unregister = onCleanup(teardown); // also on Ctrl-C
        teardowns.unshift(() => {
          unregister();
          return teardown();
        });
      }
      Object.assign(process.env, result.env);
      context = { ...context, ...result.context };
      trustedDomains.push(...(result.trustedDomains ?? []));
    }
    // Proves on every run that env reaches the extension host (smoke.test.ts checks it).
    process.env.MWS_VSCODE_TEST_PROBE = 'extension-host-env-ok';

    if (options.only !== 'ui') {
      section('extension-host suite');
      const t = Date.now();
      const code = await runExtensionHostSuite({
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
        context,
        grep: options.grep,
        trustedDomains,
      });
      log(`extension-host suite: exit ${code} (${secs(t)})`);
      if (code !== 0) exitCode = 1;
    }

    if (options.only !== 'suite') {
      section('UI tests');
      const t = Date.now();
      const failures = await runUiTests(options.grep);
      log(`UI tests: ${failures} failure(s) (${secs(t)})`);
      if (failures !== 0) exitCode = 1;
    }
  } catch (error) {
    process.stderr.write(`[vscode-test] ${(error as Error).stack ?? error}\n`);
    exitCode = 1;
  } finally {
    for (const teardown of teardowns) {
      await teardown().catch((e) => {
        // A teardown can be a check too (test/reliability/secretScan.ts): its failure fails the run.
        process.stderr.write(`[vscode-test] teardown failed: ${e}\n`);
        exitCode = 1;
      });
    }
    await cleanupAll();
  }
  log(`${exitCode === 0 ? 'PASSED' : 'FAILED'} in ${secs(started)}`);
  return exitCode;
}

function preflight(): void {
  codeServerBin(); // throws with the install hint
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const main = path.join(repoRoot, pkg.main ?? 'dist/extension.js');
  if (!fs.existsSync(main)) throw new Error(`${main} does not exist: run \`npm run build\` first`);
  if (!fs.existsSync(path.join(__dirname, 'suite', 'index.js'))) {
    throw new Error(`${__dirname}/suite/index.js does not exist: run \`npx tsc -p .\` first`);
  }
}

/** UI tests: plain mocha in this process, one shared workbench via the root hooks. */
async function runUiTests(grep?: string): Promise<number> {
  const dir = path.join(__dirname, 'ui');
  const files = listTestFiles(dir, '.ui.js', (m) => log(`WARNING: ${m}`));
  if (files.length === 0) {
    log('no UI tests');
    return 0;
  }
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 60_000,
    slow: 10_000,
    rootHooks: mochaHooks,
    grep,
  });
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  mocha.dispose();
  return failures;
}

function log(message: string): void {
  process.stdout.write(`[vscode-test] ${message}\n`);
}

function section(title: string): void {
  process.stdout.write(`\n[vscode-test] ===== ${title} =====\n`);
}

function secs(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function parseArgs(argv: string[]): RunOptions & { setupModules: string[] } {
  const options: RunOptions & { setupModules: string[] } = { setupModules: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--only': {
        const v = value();
        if (v !== 'suite' && v !== 'ui') throw new Error('--only takes suite or ui');
        options.only = v;
        break;
      }
      case '--grep':
        options.grep = value();
        break;
      case '--setup':
        options.setupModules.push(value());
        break;
      case '--keep':
        process.env.VSCODE_TEST_KEEP = '1';
        break;
      case '--verbose':
        process.env.VSCODE_TEST_VERBOSE = '1';
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  for (const m of (process.env.MWS_VSCODE_TEST_SETUP ?? '').split(',')) if (m.trim()) options.setupModules.push(m.trim());
  return options;
}

/** Loads a setup hook module (exports setup or default). */
export function loadSetup(module: string): SetupHook {
  const resolved = require.resolve(path.resolve(module));
  const mod = require(resolved) as { setup?: SetupHook; default?: SetupHook };
  const hook = mod.setup ?? mod.default;
  if (typeof hook !== 'function') throw new Error(`${module} exports no setup() function`);
  return hook;
}

if (require.main === module) {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
    options.setup = options.setupModules.map(loadSetup);
  } catch (error) {
    process.stderr.write(`[vscode-test] ${(error as Error).message}\n`);
    process.exit(2);
  }
  delete process.env[GREP_ENV];
  void main(options).then((code) => process.exit(code));
}
