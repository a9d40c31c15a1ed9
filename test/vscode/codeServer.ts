// code-server (VS Code 1.99.3's workbench and server-side Node extension host, installed by
// test/vscode/install-code-server.sh into .cache/code-server): start one with its own user data,
// extensions and settings, wait until it answers, stop its whole process group.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../net/ports';
import { codeServerBin } from '../prerequisites';
import { livePgids, onCleanup } from './cleanup';

const execFileAsync = promisify(execFile);

export const CODE_SERVER_VERSION = '4.99.4';

/** $VSCODE_TEST_VERBOSE: code-server log, workbench log and browser console on stderr. */
export const verbose = (): boolean => !!process.env.VSCODE_TEST_VERBOSE;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface StartCodeServerOptions {
  /** Install this .vsix into the server's extensions folder before starting. */
  vsix?: string;
  /**
   * Display language (`--locale`), e.g. 'de'. It takes effect only with a language pack for it
   * registered by the running server (german.ui.ts): without one VS Code stays English.
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
const defaultUserSettings: Record<string, unknown> = {
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
  // A machine may name its CA bundle here (this one's environment does): the extension would then trust
  // the system store's CAs through it, and the trust store tests would not see whether it reads the store.
  delete env.NODE_EXTRA_CA_CERTS;
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
  if (options.vsix) {
    await execFileAsync(bin, [...common, '--install-extension', path.resolve(options.vsix)], { env, timeout: 60_000 });
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
  const unregister = onCleanup(stop);

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
