/**
 * Real-VS-Code test host: code-server (VS Code 1.99.3's workbench and server-side Node extension
 * host, installed by test/vscode/install-code-server.sh into .cache/code-server) driven in Debian's
 * Chromium through playwright-core. See test/vscode/README.md.
 *
 * Runs in plain Node (the test runner side), never inside the extension host.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { CONTEXT_ENV, GREP_ENV, SUITE_OUTPUT_MARKER } from './protocol';

const execFileAsync = promisify(execFile);

/**
 * Repository root: the nearest folder above this file with the extension's package.json and a
 * tsconfig.json (out/ holds a copy of package.json, emitted because src imports it).
 */
export const repoRoot: string = findRepoRoot(__dirname);

/** Where screenshots go (gitignored). */
export const screenshotsDir: string = path.join(repoRoot, 'test-output', 'screenshots');

export const CODE_SERVER_VERSION = '4.99.4';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'tsconfig.json'))) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'mediawiki-sessions') return dir;
      } catch {
        // keep looking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no mediawiki-sessions package.json above ${start}`);
  }
}

/** code-server binary: $CODE_SERVER_BIN, else the project-local install. */
export function codeServerBin(): string {
  const bin = process.env.CODE_SERVER_BIN ?? path.join(repoRoot, '.cache', 'code-server', 'bin', 'code-server');
  if (!fs.existsSync(bin)) {
    throw new Error(`code-server not found at ${bin}: run test/vscode/install-code-server.sh first`);
  }
  return bin;
}

/** Chromium binary: $CHROMIUM_BIN, else Debian's. */
export function chromiumBin(): string {
  const bin = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  if (!fs.existsSync(bin)) throw new Error(`Chromium not found at ${bin}: apt-get install chromium`);
  return bin;
}

const verbose = (): boolean => !!process.env.VSCODE_TEST_VERBOSE;

// ---------------------------------------------------------------------------------------------
// Cleanup registry: everything started here is stopped on exit, SIGINT and SIGTERM.

const cleanups = new Set<() => Promise<void>>();
let signalHandlersInstalled = false;

/**
 * Registers work to do when the run ends or is interrupted (SIGINT/SIGTERM): e.g. stopping a test
 * wiki started by a setup hook. Returns a function that unregisters it.
 */
export function onCleanup(fn: () => Promise<void>): () => void {
  return registerCleanup(fn);
}

function registerCleanup(fn: () => Promise<void>): () => void {
  installSignalHandlers();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every pending cleanup (stop servers, close browsers). Safe to call more than once. */
export async function cleanupAll(): Promise<void> {
  // Newest first, one at a time: browsers close before the server whose run folder holds their profile.
  const fns = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of fns) await fn().catch(() => undefined);
}

function installSignalHandlers(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[vscode-test] ${signal}: stopping code-server and Chromium ...\n`);
      const hardExit = setTimeout(() => process.exit(130), 10_000);
      hardExit.unref();
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  // Last resort on a synchronous exit: kill process groups we know about.
  process.once('exit', () => {
    for (const pgid of livePgids) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

const livePgids = new Set<number>();

// ---------------------------------------------------------------------------------------------
// code-server

export interface StartCodeServerOptions {
  /** Install this .vsix into the server's extensions folder before starting. */
  vsix?: string;
  /** More .vsix files to install first (e.g. a language pack). */
  extraVsix?: string[];
  /**
   * Display language (`--locale`), e.g. 'de'. It takes effect only with a language pack for it
   * installed (extraVsix): without one VS Code stays English.
   */
  locale?: string;
  /**
   * Folder of an extension to install as a symlink (`<publisher>.<name>-<version>`) in the
   * extensions folder, i.e. as an ordinary installed extension (not extension development mode).
   * To load it in development mode instead, pass it to openWorkbench().
   */
  linkExtension?: string;
  /** Folder to open; defaults to an empty folder in the run directory. */
  workspace?: string;
  /** Extra user settings (merged over the defaults in defaultUserSettings). */
  settings?: Record<string, unknown>;
  /**
   * Extra environment for code-server. Its extension hosts inherit it, so this is how values
   * (test wiki URL, credentials) reach the suite running inside VS Code.
   */
  env?: Record<string, string>;
  /** Keep the run directory (logs, user data) after stop(). Default: $VSCODE_TEST_KEEP set. */
  keep?: boolean;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  host: string;
  /** Temp directory of this run: home/, user-data/, extensions/, workspace/, tmp/, code-server.log */
  runDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  logFile: string;
  /** The environment code-server (and thus the extension host) runs with. */
  env: NodeJS.ProcessEnv;
  process: ChildProcess;
  /** Stops code-server and its extension hosts (whole process group); removes runDir unless kept. */
  stop(): Promise<void>;
}

/** User settings written for every run; keep the Welcome page and notifications out of the way. */
export const defaultUserSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'chat.commandCenter.enabled': false,
  'chat.setupFromDialog': false,
};

export async function startCodeServer(options: StartCodeServerOptions = {}): Promise<CodeServer> {
  const bin = codeServerBin();
  // $MWS_VSCODE_RUN_ROOT (set by the secret scan) gathers the run folders of one test run, so
  // the scan reads exactly these and never another run's that is going on at the same time.
  const runRoot = process.env.MWS_VSCODE_RUN_ROOT || os.tmpdir();
  const runDir = fs.mkdtempSync(path.join(runRoot, 'mws-vscode-'));
  const d = (name: string): string => {
    const p = path.join(runDir, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };
  const home = d('home');
  const userDataDir = d('user-data');
  const extensionsDir = d('extensions');
  const tmp = d('tmp');
  const workspace = options.workspace ?? d('workspace');
  const logFile = path.join(runDir, 'code-server.log');

  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...defaultUserSettings, ...options.settings }, null, 2),
  );

  const env: NodeJS.ProcessEnv = { ...process.env };
  // Do not let a surrounding VS Code (integrated terminal, debugger) leak into the test instance.
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key === 'NODE_OPTIONS') delete env[key];
  }
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: tmp,
    TMPDIR: tmp,
    CS_DISABLE_GETTING_STARTED_OVERRIDE: '1',
    // No extension gallery (open-vsx.org): offline, and nothing for it to do in tests.
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  });

  const common = ['--config', '/dev/null', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  // One by one: a language pack is registered (languagepacks.json) when it is installed.
  for (const vsix of [...(options.extraVsix ?? []), ...(options.vsix ? [options.vsix] : [])]) {
    await execFileAsync(bin, [...common, '--install-extension', path.resolve(vsix)], { env, timeout: 60_000 });
  }
  if (options.linkExtension) {
    const dir = path.resolve(options.linkExtension);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    fs.symlinkSync(dir, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
  }

  const host = '127.0.0.1';
  const port = await freePort(host);
  const args = [
    ...common,
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--log', process.env.VSCODE_TEST_LOG_LEVEL ?? 'info',
    ...(options.locale ? ['--locale', options.locale] : []),
  ];
  const log = fs.openSync(logFile, 'a');
  // detached: own process group, so stop() also reaches the extension hosts and pty helpers.
  const child = spawn(bin, args, { env, cwd: workspace, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) livePgids.add(child.pid);
  const forward = (chunk: Buffer): void => {
    fs.writeSync(log, chunk);
    if (verbose()) process.stderr.write(`[code-server] ${chunk.toString()}`);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const keep = options.keep ?? !!process.env.VSCODE_TEST_KEEP;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      unregister();
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        killGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.pid && killGroup(child.pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // Stragglers (extension host, pty host) in the group.
      if (child.pid) {
        killGroup(child.pid, 'SIGKILL');
        livePgids.delete(child.pid);
      }
      try {
        fs.closeSync(log);
      } catch {
        // closed
      }
      if (keep) process.stderr.write(`[vscode-test] kept ${runDir}\n`);
      else fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    })();
    return stopped;
  };
  const unregister = registerCleanup(stop);

  const url = `http://${host}:${port}`;
  try {
    await waitForHealthz(url, exited, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${readTail(logFile, keep)}`);
  }
  return { url, port, host, runDir, userDataDir, extensionsDir, workspace, logFile, env, process: child, stop };
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // group gone
  }
}

function readTail(file: string, exists: boolean): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return exists ? '(no log)' : '(log removed)';
  }
}

/** A TCP port that was free a moment ago. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealthz(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`code-server exited early with code ${exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(`${url}/healthz`, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.setTimeout(1_000, () => req.destroy());
      req.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Chromium + workbench

export interface OpenWorkbenchOptions {
  /** Load this folder as the extension under development (payload extensionDevelopmentPath). */
  extensionDevelopmentPath?: string;
  /** Compiled test runner module (exports run()); makes this an extension-test window. */
  extensionTestsPath?: string;
  /** Folder to open; defaults to server.workspace. */
  folder?: string;
  /** Called for every codeAutomationLog message (workbench log, incl. extension host output). */
  onLog?: (level: string, message: string) => void;
  /** Called when the workbench reports the end of an extension test run. */
  onExit?: (code: number) => void;
  /** Called for every browser console message (the workbench's, and extension errors it reports). */
  onBrowserConsole?: (type: string, text: string) => void;
  /** Forward browser console messages to stderr ($VSCODE_TEST_VERBOSE also enables this). */
  browserConsole?: boolean;
  /** Wait until the workbench is visible (default true). */
  waitForWorkbench?: boolean;
  viewport?: { width: number; height: number };
  /**
   * Origins VS Code opens without asking "Do you want code-server to open the external website?"
   * (patterns as in "Manage Trusted Domains", e.g. `http://127.0.0.2:*`), stored before the workbench
   * starts, as if the user had chosen "Configure Trusted Domains". Extension-test windows refuse
   * every dialog, so env.openExternal of any other origin fails there.
   */
  trustedDomains?: string[];
}

export interface Workbench {
  page: Page;
  context: BrowserContext;
  url: string;
  close(): Promise<void>;
}

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--password-store=basic',
  '--use-mock-keychain',
];

/** vscode-remote URI for a local absolute path on this server. */
export function remoteUri(server: CodeServer, absPath: string): string {
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://${server.host}:${server.port}${p}`;
}

export function workbenchUrl(server: CodeServer, options: OpenWorkbenchOptions = {}): string {
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remoteUri(server, options.extensionDevelopmentPath)]);
  }
  if (options.extensionTestsPath) {
    payload.push(['extensionTestsPath', remoteUri(server, options.extensionTestsPath)]);
  }
  const query = new URLSearchParams({ folder: path.resolve(options.folder ?? server.workspace) });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

let browserCount = 0;

export async function openWorkbench(server: CodeServer, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  // Resolved from the project's node_modules (devDependency playwright-core).
  const { chromium } = await import('playwright-core');
  const profile = path.join(server.runDir, `chromium-${++browserCount}`);
  fs.mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumBin(),
    headless: true,
    args: chromiumArgs,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    env: server.env as Record<string, string>,
    // Our own handlers (cleanupAll) close browsers *and* servers; Playwright's would exit at once.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      unregister();
      await context.close().catch(() => undefined);
    })();
    return closed;
  };
  const unregister = registerCleanup(close);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.exposeFunction('codeAutomationLog', (level: unknown, args: unknown) => {
      const message = formatLogArgs(args);
      options.onLog?.(String(level), message);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      options.onExit?.(typeof code === 'number' ? code : 1);
    });
    if (options.onBrowserConsole) {
      const cb = options.onBrowserConsole;
      page.on('console', (msg) => cb(msg.type(), msg.text()));
      page.on('pageerror', (err) => cb('pageerror', err.message));
    }
    if (options.browserConsole || verbose()) {
      page.on('console', (msg) => process.stderr.write(`[browser ${msg.type()}] ${msg.text()}\n`));
      page.on('pageerror', (err) => process.stderr.write(`[browser pageerror] ${err.message}\n`));
    }
    const url = workbenchUrl(server, options);
    if (options.trustedDomains?.length) await seedTrustedDomains(page, server, options.trustedDomains);
    await page.goto(url);
    if (options.waitForWorkbench ?? true) {
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      // The status bar is among the last parts to render.
      await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    }
    return { page, context, url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Writes the trusted-domain list where the web workbench keeps it: application storage, i.e. the
 * IndexedDB database vscode-web-state-db-global, store ItemTable, key http.linkProtectionTrustedDomains
 * (VS Code 1.99). Done on a same-origin page before the workbench loads and reads its storage.
 */
/** The little of IndexedDB that seedTrustedDomains uses. */
interface IdbRequest {
  result: {
    createObjectStore(name: string): unknown;
    transaction(store: string, mode: 'readwrite'): {
      objectStore(name: string): { put(value: unknown, key: string): unknown };
      oncomplete: (() => void) | null;
      onerror: (() => void) | null;
      error: unknown;
    };
    close(): void;
  };
  error: unknown;
  onupgradeneeded: (() => void) | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

async function seedTrustedDomains(page: Page, server: CodeServer, domains: string[]): Promise<void> {
  await page.goto(`${server.url}/healthz`);
  await page.evaluate(
    (value) =>
      new Promise<void>((resolve, reject) => {
        // (runs in the browser; this project compiles without the DOM typings)
        const idb = (globalThis as unknown as { indexedDB: { open(name: string): IdbRequest } }).indexedDB;
        const open = idb.open('vscode-web-state-db-global');
        open.onupgradeneeded = () => open.result.createObjectStore('ItemTable');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('ItemTable', 'readwrite');
          tx.objectStore('ItemTable').put(value, 'http.linkProtectionTrustedDomains');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    JSON.stringify(domains),
  );
}

function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return list.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Extension-host suite

export interface RunExtensionHostSuiteOptions {
  extensionDevelopmentPath: string;
  /** Compiled runner module exporting run(): default out/test/vscode/suite/index.js. */
  extensionTestsPath: string;
  /** Environment for code-server and therefore for the suite inside the extension host. */
  env?: Record<string, string>;
  /**
   * JSON-serialisable data for the suite: written to a file whose path is passed in
   * $MWS_VSCODE_TEST_CONTEXT; read it with testContext() from suite/env.ts.
   */
  context?: unknown;
  /** mocha --grep for the suite. */
  grep?: string;
  settings?: Record<string, unknown>;
  workspace?: string;
  /** Whole run, including start-up. Default 5 minutes. */
  timeoutMs?: number;
  /** Reuse a running server instead of starting (and stopping) one. */
  server?: CodeServer;
  /** See OpenWorkbenchOptions.trustedDomains. */
  trustedDomains?: string[];
  /** Where output goes; default process.stdout. */
  out?: NodeJS.WritableStream;
}

/**
 * Starts code-server, opens a workbench window in extension-test mode and resolves with the exit
 * code the suite reported (0 = all passed). Extension-host output (mocha's reporter) is printed.
 */
export async function runExtensionHostSuite(options: RunExtensionHostSuiteOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const env: Record<string, string> = { ...options.env };
  if (options.grep) env[GREP_ENV] = options.grep;
  let contextDir: string | undefined;
  let removeContextDir: (() => void) | undefined;
  if (options.context !== undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-vscode-context-'));
    contextDir = dir;
    removeContextDir = registerCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
    env[CONTEXT_ENV] = path.join(contextDir, 'context.json');
    fs.writeFileSync(env[CONTEXT_ENV], JSON.stringify(options.context, null, 2), { mode: 0o600 });
  }
  if (options.server && Object.keys(env).length) {
    throw new Error('runExtensionHostSuite: env/context/grep cannot be applied to an already running server');
  }
  let server: CodeServer;
  try {
    server =
      options.server ?? (await startCodeServer({ env, settings: options.settings, workspace: options.workspace }));
  } catch (error) {
    removeContextDir?.();
    if (contextDir) fs.rmSync(contextDir, { recursive: true, force: true });
    throw error;
  }
  let workbench: Workbench | undefined;
  try {
    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (resolveExit = resolve));
    workbench = await openWorkbench(server, {
      extensionDevelopmentPath: options.extensionDevelopmentPath,
      extensionTestsPath: options.extensionTestsPath,
      waitForWorkbench: false,
      trustedDomains: options.trustedDomains,
      onLog: (level, message) => {
        const line = extensionHostLine(message);
        if (line !== undefined) out.write(line.endsWith('\n') ? line : `${line}\n`);
        else if (verbose() || (level === 'error' && message !== 'Canceled')) {
          process.stderr.write(`[workbench ${level}] ${message}\n`);
        }
      },
      onExit: (code) => resolveExit(code),
      // Activation failures of the extension under test show up only in the browser console.
      onBrowserConsole: verbose()
        ? undefined
        : (type, text) => {
            if ((type === 'error' || type === 'pageerror') && /Activating extension|extension host/i.test(text)) {
              process.stderr.write(`[workbench ${type}] ${text}\n`);
            }
          },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        process.stderr.write(`[vscode-test] extension-host suite timed out after ${timeoutMs} ms\n`);
        resolve(124);
      }, timeoutMs);
    });
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    return code;
  } finally {
    await workbench?.close();
    if (!options.server) await server.stop();
    removeContextDir?.();
    if (contextDir) fs.rmSync(contextDir, { recursive: true, force: true });
  }
}

function extensionHostLine(message: string): string | undefined {
  const at = message.indexOf(SUITE_OUTPUT_MARKER);
  return at === -1 ? undefined : message.slice(at + SUITE_OUTPUT_MARKER.length);
}

// ---------------------------------------------------------------------------------------------
// UI helpers (Playwright, against the workbench DOM)

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;

async function paletteOpen(page: Page, timeout: number): Promise<boolean> {
  return page
    .locator(QUICK_INPUT_BOX)
    .waitFor({ state: 'visible', timeout })
    .then(() => true, () => false);
}

/** Opens the command palette (F1), retrying until it shows (focus may be elsewhere at first). */
export async function openCommandPalette(page: Page, attempts = 5): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await page.keyboard.press('Escape');
    // Clicking the editor area gives the workbench keyboard focus.
    if (i > 0) await page.locator('.monaco-workbench').click({ position: { x: 600, y: 300 } }).catch(() => undefined);
    await page.keyboard.press('F1');
    if (await paletteOpen(page, 2_000)) {
      const value = await page.locator(QUICK_INPUT_BOX).inputValue();
      if (value.startsWith('>')) return;
    }
  }
  throw new Error('command palette did not open');
}

/** Runs a command by its palette title, e.g. 'MediaWiki: Log In' (category: title). */
export async function runCommand(page: Page, title: string, options: { timeout?: number } = {}): Promise<void> {
  await openCommandPalette(page);
  await page.locator(QUICK_INPUT_BOX).fill(`>${title}`);
  try {
    await selectQuickPickRow(page, title, options.timeout ?? 10_000);
  } catch (error) {
    throw new Error(`command not found in the palette: ${title} (${(error as Error).message})`);
  }
  await page.keyboard.press('Enter');
  await page.locator(QUICK_INPUT_BOX).waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
}

const ROWS = `${QUICK_INPUT} .monaco-list-row[role="option"]`;

/** A row's visible label: aria-label minus codicon names ("add  Add Wiki…" -> "Add Wiki…"). */
function rowMatches(ariaLabel: string, label: string | RegExp): boolean {
  if (typeof label !== 'string') return label.test(ariaLabel);
  const a = ariaLabel.trim();
  return a === label || a.startsWith(`${label},`) || a.startsWith(`${label} `) || a.endsWith(` ${label}`) ||
    a.includes(`  ${label}`) || a.startsWith(label);
}

/**
 * Moves the quick-input focus (arrow keys) to the first row matching `label`, so that Enter
 * accepts it. Rows can look hidden to Playwright, so they are read as 'attached'.
 */
async function selectQuickPickRow(page: Page, label: string | RegExp, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout });
  let labels: string[] = [];
  while (Date.now() < deadline) {
    labels = await page
      .locator(ROWS)
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''))
      .catch(() => []);
    if (labels.some((l) => rowMatches(l, label))) break;
    await sleep(100);
  }
  if (!labels.some((l) => rowMatches(l, label))) {
    throw new Error(`no row matching ${String(label)}; rows: ${labels.slice(0, 8).join(' | ') || '(none)'}`);
  }
  // Walk the focus down from the top; the list wraps, so at most one lap.
  const focused = page.locator(`${ROWS}.focused`);
  for (let i = 0; i <= labels.length + 1; i++) {
    const current = (await focused.first().getAttribute('aria-label', { timeout: 1_000 }).catch(() => null)) ?? '';
    if (rowMatches(current, label)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not focus the row matching ${String(label)}`);
}

/** aria-labels of the rows currently listed in the quick input (palette or quick pick). */
export async function quickPickLabels(page: Page, options: { timeout?: number } = {}): Promise<string[]> {
  const timeout = options.timeout ?? 10_000;
  // The widget stays in the DOM (with its old rows) when closed: require it visible.
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout });
  const rows = page.locator(ROWS);
  await rows.first().waitFor({ state: 'attached', timeout });
  return rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? el.textContent ?? ''));
}

/**
 * Accepts the quick-pick row whose label is `label` (or matches the RegExp, tested against the
 * row's aria-label). `filter: true` first types the label into the filter box (long, virtualised
 * lists); multi-select picks need their own handling (Space toggles, Enter accepts).
 */
export async function pickQuickPickItem(
  page: Page,
  label: string | RegExp,
  options: { timeout?: number; filter?: boolean } = {},
): Promise<void> {
  const timeout = options.timeout ?? 10_000;
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout });
  if (options.filter && typeof label === 'string') await page.locator(QUICK_INPUT_BOX).fill(label);
  await selectQuickPickRow(page, label, timeout);
  await page.keyboard.press('Enter');
}

/** Types into the open input box (showInputBox) and presses Enter. */
export async function typeInInputBox(page: Page, text: string, options: { submit?: boolean; timeout?: number } = {}): Promise<void> {
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: options.timeout ?? 10_000 });
  await input.fill(text);
  if (options.submit ?? true) await input.press('Enter');
}

/**
 * Text of a status bar item: by its entry id (`<publisher>.<name>.<id>` or the id given to
 * createStatusBarItem) or by a pattern its text must match. Waits up to `timeout`.
 */
export async function statusBarText(page: Page, idOrPattern: string | RegExp, options: { timeout?: number } = {}): Promise<string> {
  const timeout = options.timeout ?? 10_000;
  const items = page.locator('#workbench\\.parts\\.statusbar .statusbar-item');
  const locator =
    typeof idOrPattern === 'string'
      ? page.locator(`#workbench\\.parts\\.statusbar [id="${idOrPattern}"], #workbench\\.parts\\.statusbar [id$=".${idOrPattern}"]`)
      : items.filter({ hasText: idOrPattern });
  await locator.first().waitFor({ state: 'attached', timeout });
  return ((await locator.first().textContent()) ?? '').trim();
}

/** Text of the visible notification toasts. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
}

/** Saves test-output/screenshots/NAME.png (full window); returns its path. */
export async function screenshot(page: Page, name: string, dir = screenshotsDir): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}
