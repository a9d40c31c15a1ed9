// A real MediaWiki 1.39 (Debian's package) for the tests: one fresh wiki per startWiki(),
// served by `php -S` on 127.0.0.1 with SQLite. See README.md next to this file. The parts:
// constants.ts (what every wiki is configured with), accounts.ts, totp.ts, settings.ts with
// php/LocalSettings.template.php, template.ts (the pristine install), phpServer.ts, processes.ts.
//
// Only node built-ins are used.

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../net/ports';
import { checkPrerequisites } from '../prerequisites';
import { TWO_FACTOR_USERS, userSpecs } from './accounts';
import { CAPTCHA, DEFAULT_PHP_WORKERS, MW_DIR, PHP, REDIRECT_FIELD, SITE_NAME } from './constants';
import { startPhpServer } from './phpServer';
import { fileSize, installExitHook, killGroup, makeTempDir, readFrom, readIf, run, running, sleep, type Running } from './processes';
import { renderSettings } from './settings';
import { TEMPLATE_DB, findAssetsDir, getTemplate } from './template';
import { totp } from './totp';
import { canonicalUserName } from './userName';
import type {
  BotAccount,
  ServedRequest,
  StartWikiOptions,
  TestWiki,
  TwoFactorAccount,
  WikiAccount,
} from './types';

export * from './types';
export * from './constants';
export { base32Decode, base32Encode, totp } from './totp';
export { canonicalUserName } from './userName';
export { checkPrerequisites } from '../prerequisites';

/** What a data dir keeps across restarts (opts.dataDir). */
interface FixtureState {
  dbName: string;
  idpSecret: string;
  userIds: Record<string, number>;
}

export interface StartedWiki extends TestWiki {
  /** Root of this wiki's files (data/, conf/, logs/, requests.log, server.log). */
  dir: string;
  /** The private LocalSettings.php. */
  localSettings: string;
  /** Number of php -S workers (PHP_CLI_SERVER_WORKERS), 1 = single process. */
  workers: number;
  /** Stored sessions etc.: keys of the objectcache table (debugging). */
  cacheKeys(): Promise<string[]>;
  /** Text of the php -S log and MediaWiki's exception/error logs (debugging). */
  serverLog(): string;
}

export interface StartWikiOptionsEx extends StartWikiOptions {
  /** php -S workers; default DEFAULT_PHP_WORKERS (or env MWTEST_PHP_WORKERS). */
  workers?: number;
  /**
   * Loopback address to serve on (default 127.0.0.1). Another 127/8 address (e.g. 127.0.0.2)
   * makes a wiki that is not "localhost" to code-server, which rewrites localhost URLs it opens.
   */
  host?: string;
}

/**
 * Start a fresh wiki. The first call in a process installs a pristine template (about 3-4 s);
 * later calls copy it (well under a second).
 */
export async function startWiki(opts: StartWikiOptionsEx = {}): Promise<StartedWiki> {
  checkPrerequisites();
  installExitHook();
  const assets = findAssetsDir();
  const template = await getTemplate();

  const keep = Boolean(opts.dataDir);
  const dir = opts.dataDir ? path.resolve(opts.dataDir) : makeTempDir('mwtest-wiki-');
  fs.mkdirSync(dir, { recursive: true });
  const dataDir = path.join(dir, 'data');
  const confDir = path.join(dir, 'conf');
  const logDir = path.join(dir, 'logs');
  const docRoot = path.join(dir, 'docroot');
  const stateFile = path.join(dir, 'fixture.json');

  let state: FixtureState;
  if (keep && fs.existsSync(stateFile)) {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as FixtureState;
  } else {
    state = {
      dbName: `mwtest${randomBytes(4).toString('hex')}`,
      idpSecret: randomBytes(16).toString('hex'),
      userIds: template.userIds,
    };
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(path.join(dataDir, 'locks'), { recursive: true });
    for (const f of fs.readdirSync(template.dataDir)) {
      const from = path.join(template.dataDir, f);
      if (!fs.statSync(from).isFile()) continue;
      const to = path.join(dataDir, f.startsWith(TEMPLATE_DB) ? state.dbName + f.slice(TEMPLATE_DB.length) : f);
      fs.copyFileSync(from, to);
    }
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
  }
  for (const d of [confDir, logDir, docRoot]) fs.mkdirSync(d, { recursive: true });

  const workers = opts.workers ?? (process.env.MWTEST_PHP_WORKERS ? Number(process.env.MWTEST_PHP_WORKERS) : DEFAULT_PHP_WORKERS);
  const cacheDir = opts.extraSettings ? path.join(dir, 'cache') : template.cacheDir;
  if (opts.extraSettings && !fs.existsSync(cacheDir)) fs.cpSync(template.cacheDir, cacheDir, { recursive: true });
  const requestLog = path.join(dir, 'requests.log');
  const holdFile = path.join(dir, 'hold-logins');
  const serverLogFile = path.join(dir, 'server.log');
  const localSettings = path.join(confDir, 'LocalSettings.php');

  const host = opts.host ?? '127.0.0.1';
  let port = 0;
  let child: ChildProcess | undefined;
  let lastError = '';
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = opts.port ?? (await freePort(host));
    const server = `http://${host}:${port}`;
    fs.writeFileSync(
      localSettings,
      renderSettings(template.installerSettings, {
        dataDir,
        dbName: state.dbName,
        server,
        cacheDir,
        logDir,
        idpSecret: state.idpSecret,
        assets,
        extraSettings: opts.extraSettings ?? '',
      }),
    );
    const started = await startPhpServer({
      host,
      port,
      docRoot,
      router: path.join(assets, 'php', 'router.php'),
      serverLog: serverLogFile,
      workers,
      env: {
        MWTEST_CONF: localSettings,
        MWTEST_LOG: requestLog,
        MWTEST_HOLD: holdFile,
        MWTEST_MW: MW_DIR,
        MWTEST_IDP_SECRET: state.idpSecret,
      },
    });
    if ('child' in started) {
      child = started.child;
    } else {
      lastError = started.log;
      if (opts.port) break;
    }
  }
  if (!child || child.pid === undefined) {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`php -S did not start: ${lastError}`);
  }
  const proc = child;
  const pid = child.pid;
  const entry: Running = { pid, removeDir: keep ? undefined : dir };
  running.add(entry);

  const server = `http://${host}:${port}`;
  const apiUrl = `${server}/w/api.php`;
  const wikiCache = path.join(dataDir, 'wikicache.sqlite');

  // Warm-up request (first request builds some caches); fail fast if the wiki is broken.
  try {
    const res = await fetch(`${apiUrl}?action=query&meta=siteinfo&format=json&formatversion=2`);
    const body = await res.text();
    // A private wiki ($wgGroupPermissions['*']['read'] = false) answers readapidenied: up and working.
    if (!res.ok || !(body.includes('"sitename"') || body.includes('"readapidenied"'))) throw new Error(`warm-up: HTTP ${res.status}: ${body.slice(0, 2000)}`);
  } catch (e) {
    killGroup(proc);
    running.delete(entry);
    const log = readIf(serverLogFile);
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`test wiki did not answer: ${(e as Error).message}\n${log}`);
  }

  let logOffset = fileSize(requestLog);
  const ids = state.userIds;
  const specs = new Map(userSpecs().map((s) => [s.name, s]));
  const account = (name: string): WikiAccount => {
    const s = specs.get(name)!;
    return { name, password: s.password, userId: ids[name] ?? 0 };
  };
  const botAccount = (name: string): BotAccount => {
    const s = specs.get(name)!;
    const bp = s.botPasswords![0]!;
    return { ...account(name), appId: bp.appId, lgname: `${name}@${bp.appId}`, botPassword: bp.password };
  };
  const twoFactor: TwoFactorAccount[] = [];
  for (let i = 1; i <= TWO_FACTOR_USERS; i++) {
    const name = `TwoFactor${i}`;
    twoFactor.push({ ...account(name), totpSecret: specs.get(name)!.totpSecret! });
  }

  let stopped: Promise<void> | undefined;
  const maintenanceRun = async (script: string, args: string[]): Promise<string> => {
    const file = script.includes('/') ? script : path.join(MW_DIR, 'maintenance', script.endsWith('.php') ? script : `${script}.php`);
    const r = await run(PHP, [file, '--conf', localSettings, ...args]);
    return r.stdout;
  };
  const cacheTool = async (args: string[]): Promise<string> => {
    const r = await run(PHP, [path.join(assets, 'php', 'cacheTool.php'), wikiCache, ...args]);
    return r.stdout;
  };

  const wiki: StartedWiki = {
    server,
    apiUrl,
    articleUrl: (title: string) => `${server}/wiki/${encodeURIComponent(title.replace(/ /g, '_')).replace(/%2F/g, '/').replace(/%3A/g, ':')}`,
    wikiId: state.dbName,
    siteName: SITE_NAME,
    users: {
      admin: account('Admin'),
      bot: botAccount('Bot'),
      plain: account('Plain'),
      twoFactor,
      captcha: account('Captcha'),
      blocked: botAccount('Blocked'),
      redirect: account('Redirect'),
    },
    redirectField: { name: REDIRECT_FIELD, values: () => ({ [REDIRECT_FIELD]: '1' }) },
    captcha: { ...CAPTCHA },
    totp: (secret: string, t?: number) => totp(secret, t),
    requests(): ServedRequest[] {
      const text = readFrom(requestLog, logOffset);
      const out: ServedRequest[] = [];
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const j = JSON.parse(line) as ServedRequest & { time?: number };
        const r: ServedRequest = { method: j.method, path: j.path, paramNames: j.paramNames, cookieNames: j.cookieNames };
        if (j.action !== undefined) r.action = j.action;
        out.push(r);
      }
      return out;
    },
    clearRequests(): void {
      logOffset = fileSize(requestLog);
    },
    holdLogins(): () => void {
      fs.writeFileSync(holdFile, '');
      return () => fs.rmSync(holdFile, { force: true });
    },
    async resetThrottles(): Promise<void> {
      await cacheTool(['reset-throttles']);
    },
    async invalidateSessions(userName: string, o: { resetToken?: boolean } = {}): Promise<void> {
      const canonical = canonicalUserName(userName);
      if (o.resetToken) await maintenanceRun('invalidateUserSessions.php', ['--user', canonical]);
      await cacheTool(['invalidate-sessions', canonical]);
    },
    maintenance: maintenanceRun,
    async revisionCount(title: string): Promise<number> {
      const out = await maintenanceRun(path.join(assets, 'php', 'revisionCount.php'), [title]);
      const n = Number(out.trim().split('\n').pop());
      if (!Number.isFinite(n)) throw new Error(`revisionCount.php printed ${out}`);
      return n;
    },
    async cacheKeys(): Promise<string[]> {
      return (await cacheTool(['list'])).split('\n').filter(Boolean).map((l) => l.split('\t')[0]!);
    },
    serverLog(): string {
      return [serverLogFile, ...['exception', 'error', 'fatal', 'dberror'].map((n) => path.join(logDir, `${n}.log`))]
        .map((f) => (fs.existsSync(f) ? `==> ${f}\n${readIf(f)}` : ''))
        .filter(Boolean)
        .join('\n');
    },
    dir,
    localSettings,
    workers,
    stop(): Promise<void> {
      if (!stopped) {
        stopped = (async () => {
          const exited = new Promise<void>((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) resolve();
            else proc.once('exit', () => resolve());
          });
          killGroup(proc);
          await Promise.race([exited, sleep(3000, true)]);
          running.delete(entry);
          if (!keep) fs.rmSync(dir, { recursive: true, force: true });
        })();
      }
      return stopped;
    },
  };
  return wiki;
}
