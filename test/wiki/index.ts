// A real MediaWiki 1.39 (Debian's package) for the tests: one fresh wiki per startWiki(),
// served by `php -S` on 127.0.0.1 with SQLite. See README.md next to this file.
//
// Only node built-ins are used.

import { spawn, spawnSync, execFile, ChildProcess } from 'node:child_process';
import { createHmac, createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import debianPackages from '../debian-packages.json';
import type {
  BotAccount,
  ServedRequest,
  StartWikiOptions,
  TestWiki,
  TwoFactorAccount,
  WikiAccount,
} from './types';

export * from './types';

/** Where MediaWiki is installed (Debian: /usr/share/mediawiki). */
export const MW_DIR = process.env.MWTEST_MW_DIR || '/usr/share/mediawiki';
const PHP = process.env.MWTEST_PHP || 'php';

/** php -S workers (PHP_CLI_SERVER_WORKERS). See README: measured reliable with SQLite. */
export const DEFAULT_PHP_WORKERS = 4;

export const CAPTCHA = { question: 'What is the name of the test wiki software (one word, lower case)?', answer: 'mediawiki' };

/** Login throttle: this many login attempts per user and IP within THROTTLE_SECONDS. */
export const THROTTLE_COUNT = 5;
export const THROTTLE_SECONDS = 30;
/** ConfirmEdit: failed logins per user after which the next attempt needs the captcha. */
export const CAPTCHA_BAD_LOGINS = 2;
/** App id of the bot passwords. */
export const BOT_APP_ID = 'vscode';
export const BOT_GRANTS = ['basic', 'editpage', 'createeditmovepage', 'highvolume'];
/** Field of the TestRedirectAuth button request; `testidp=1` selects the REDIRECT login. */
export const REDIRECT_FIELD = 'testidp';
/**
 * `extraSettings` that enable MediaWiki's ConfirmLinkSecondaryAuthenticationProvider (off by default in 1.39,
 * "experimental", T134952). With it, a RESTART keeps the external identity (`testidp=sub:NAME`) and a login
 * with `loginpreservestate=1` offers to link it (UI step `confirmedLinkIDs`).
 */
export const CONFIRM_LINK_SETTINGS =
  "$wgAuthManagerAutoConfig['secondaryauth'][MediaWiki\\Auth\\ConfirmLinkSecondaryAuthenticationProvider::class] = " +
  "[ 'class' => MediaWiki\\Auth\\ConfirmLinkSecondaryAuthenticationProvider::class, 'sort' => 100 ];";
export const SITE_NAME = 'MWSessions Test Wiki';
const TWO_FACTOR_USERS = 4;

// ---------------------------------------------------------------------------------------------
// TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps) and base32 (RFC 4648)

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.toUpperCase().replace(/[\s=]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = B32.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP code for a base32 secret at time t (ms since epoch, default now). */
export function totp(secret: string, t: number = Date.now(), digits = 6, stepSeconds = 30): string {
  const counter = Math.floor(t / 1000 / stepSeconds);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = h[h.length - 1]! & 0x0f;
  const bin = ((h[off]! & 0x7f) << 24) | (h[off + 1]! << 16) | (h[off + 2]! << 8) | h[off + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

// ---------------------------------------------------------------------------------------------
// The fixed accounts (same in every wiki; passwords are test-only constants)

function derive(label: string, len: number): string {
  return createHash('sha256').update(`mwsessions-test-fixture:${label}`).digest('hex').slice(0, len);
}

interface UserSpec {
  name: string;
  password: string;
  groups?: string[];
  botPasswords?: { appId: string; password: string; grants: string[] }[];
  totpSecret?: string;
  blocked?: boolean;
}

const ADMIN_PASSWORD = `Admin-${derive('admin', 12)}!`;

function userSpecs(): UserSpec[] {
  const specs: UserSpec[] = [
    { name: 'Admin', password: ADMIN_PASSWORD },
    {
      name: 'Bot',
      password: `Bot-${derive('bot', 12)}!`,
      groups: ['bot'],
      botPasswords: [{ appId: BOT_APP_ID, password: derive('bot-bp', 32), grants: BOT_GRANTS }],
    },
    { name: 'Plain', password: `Plain-${derive('plain', 12)}!` },
    { name: 'Captcha', password: `Captcha-${derive('captcha', 12)}!` },
    {
      name: 'Blocked',
      password: `Blocked-${derive('blocked', 12)}!`,
      blocked: true,
      botPasswords: [{ appId: BOT_APP_ID, password: derive('blocked-bp', 32), grants: BOT_GRANTS }],
    },
    { name: 'Redirect', password: `Redirect-${derive('redirect', 12)}!` },
  ];
  for (let i = 1; i <= TWO_FACTOR_USERS; i++) {
    specs.push({
      name: `TwoFactor${i}`,
      password: `TwoFactor${i}-${derive(`2fa${i}`, 12)}!`,
      totpSecret: base32Encode(createHash('sha1').update(`mwsessions-test-fixture:totp:${i}`).digest()),
    });
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// helpers

function findAssetsDir(): string {
  // Compiled: out/test/wiki/index.js; sources: test/wiki/index.ts.
  const candidates = [__dirname, path.resolve(__dirname, '../../../test/wiki')];
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'php', 'router.php'))) return c;
  }
  throw new Error(`test wiki assets (php/router.php) not found near ${__dirname}`);
}

function phpString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

interface RunResult {
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd ?? MW_DIR,
        env: { ...process.env, MW_INSTALL_PATH: MW_DIR, ...opts.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 120_000,
      },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
        } else {
          resolve({ stdout: String(stdout), stderr: String(stderr) });
        }
      },
    );
  });
}

function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms: number, unref = false) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    if (unref) t.unref();
  });

// ---------------------------------------------------------------------------------------------
// Pristine template: installed once per process, copied for each wiki.

const TEMPLATE_DB = 'mwtemplate';
const TEMPLATE_SERVER = 'http://127.0.0.1:1';
const DATA_DIR_TOKEN = '__MWTEST_DATA_DIR__';

interface Template {
  dir: string;
  dataDir: string;
  /** Installer's LocalSettings with the data dir replaced by DATA_DIR_TOKEN. */
  installerSettings: string;
  /** Shared $wgCacheDirectory (localisation cache), warmed. */
  cacheDir: string;
  userIds: Record<string, number>;
}

let templatePromise: Promise<Template> | undefined;
let templateDirToRemove: string | undefined;

function getTemplate(): Promise<Template> {
  if (!templatePromise) {
    templatePromise = buildTemplate();
    templatePromise.catch(() => {
      templatePromise = undefined;
    });
  }
  return templatePromise;
}

/** Temp dirs record their owner's pid; remove the ones of processes that died without cleanup. */
function removeStaleTempDirs(): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(os.tmpdir()).filter((n) => /^mwtest-(template|wiki)-/.test(n));
  } catch {
    return;
  }
  for (const n of names) {
    const dir = path.join(os.tmpdir(), n);
    const pid = Number(readIf(path.join(dir, OWNER_FILE)).trim());
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

const OWNER_FILE = 'owner.pid';

function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

async function buildTemplate(): Promise<Template> {
  removeStaleTempDirs();
  const assets = findAssetsDir();
  const dir = makeTempDir('mwtest-template-');
  templateDirToRemove = dir;
  const dataDir = path.join(dir, 'data');
  const confDir = path.join(dir, 'conf');
  const cacheDir = path.join(dir, 'cache');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(confDir);
  fs.mkdirSync(cacheDir);
  await run(PHP, [
    'maintenance/install.php',
    '--dbtype', 'sqlite',
    '--dbpath', dataDir,
    '--dbname', TEMPLATE_DB,
    '--server', TEMPLATE_SERVER,
    '--scriptpath', '/w',
    '--confpath', confDir,
    '--lang', 'en',
    '--pass', ADMIN_PASSWORD,
    '--extensions', 'OATHAuth,ConfirmEdit',
    SITE_NAME,
    'Admin',
  ]);
  const installed = fs.readFileSync(path.join(confDir, 'LocalSettings.php'), 'utf8');
  if (!installed.includes(dataDir)) throw new Error('installer LocalSettings does not mention the data dir');
  const installerSettings = installed.split(dataDir).join(DATA_DIR_TOKEN);
  const template: Template = { dir, dataDir, installerSettings, cacheDir, userIds: {} };

  const conf = path.join(confDir, 'LocalSettings.php');
  fs.writeFileSync(
    conf,
    renderSettings(template, {
      dataDir,
      dbName: TEMPLATE_DB,
      server: TEMPLATE_SERVER,
      cacheDir,
      logDir: path.join(dir, 'logs'),
      idpSecret: 'template',
      assets,
      extraSettings: '',
    }),
  );
  const specFile = path.join(dir, 'users.json');
  fs.writeFileSync(specFile, JSON.stringify({ blockPerformer: 'Admin', users: userSpecs() }));
  const setup = await run(PHP, [path.join(assets, 'php', 'setupFixture.php'), '--conf', conf, '--spec', specFile]);
  const m = /\{"users".*\}/.exec(setup.stdout);
  if (!m) throw new Error(`setupFixture.php printed no user ids:\n${setup.stdout}\n${setup.stderr}`);
  template.userIds = (JSON.parse(m[0]) as { users: Record<string, number> }).users;
  // Warm the shared localisation cache (English) so the first request of each wiki is fast.
  await run(PHP, ['maintenance/rebuildLocalisationCache.php', '--conf', conf, '--lang', 'en', '--threads', '1']);
  // Nothing from the setup run may leak into the wikis' object caches (keys contain the db name).
  await run(PHP, ['-r', `$p = new PDO('sqlite:' . $argv[1]); $p->exec('DELETE FROM objectcache');`, path.join(dataDir, 'wikicache.sqlite')]);
  if (process.env.MWTEST_SQLITE_WAL !== '0') {
    // WAL: readers and the writer do not block each other (php -S workers); persistent in the file.
    for (const f of [`${TEMPLATE_DB}.sqlite`, 'wikicache.sqlite']) {
      await run(PHP, ['-r', `$p = new PDO('sqlite:' . $argv[1]); $p->query('PRAGMA journal_mode=WAL');`, path.join(dataDir, f)]);
    }
  }
  return template;
}

interface SettingsParams {
  dataDir: string;
  dbName: string;
  server: string;
  cacheDir: string;
  logDir: string;
  idpSecret: string;
  assets: string;
  extraSettings: string;
}

function replaceLine(text: string, re: RegExp, line: string): string {
  if (!re.test(text)) throw new Error(`installer LocalSettings has no line matching ${re}`);
  return text.replace(re, line);
}

function renderSettings(t: Template, p: SettingsParams): string {
  let s = t.installerSettings.split(DATA_DIR_TOKEN).join(p.dataDir);
  s = replaceLine(s, /^\$wgServer = .*$/m, `$wgServer = ${phpString(p.server)};`);
  s = replaceLine(s, /^\$wgDBname = .*$/m, `$wgDBname = ${phpString(p.dbName)};`);
  s = replaceLine(s, /^\$wgMainCacheType = .*$/m, '$wgMainCacheType = CACHE_DB;');
  const extJson = path.join(p.assets, 'extensions', 'TestRedirectAuth', 'extension.json');
  const q = CAPTCHA;
  return `${s}

# ---------------------------------------------------------------------------
# MediaWiki Sessions test fixture (test/wiki/index.ts)
$wgCacheDirectory = ${phpString(p.cacheDir)};
$wgDBerrorLog = ${phpString(path.join(p.logDir, 'dberror.log'))};
$wgDebugLogGroups['exception'] = ${phpString(path.join(p.logDir, 'exception.log'))};
$wgDebugLogGroups['error'] = ${phpString(path.join(p.logDir, 'error.log'))};
$wgDebugLogGroups['fatal'] = ${phpString(path.join(p.logDir, 'fatal.log'))};
$wgShowExceptionDetails = true;
$wgShowDBErrorBacktrace = true;

$wgArticlePath = '/wiki/$1';
$wgUsePathInfo = true;

$wgMainCacheType = CACHE_DB;
$wgSessionCacheType = CACHE_DB;
$wgParserCacheType = CACHE_DB;
$wgMessageCacheType = CACHE_DB;
$wgEnableBotPasswords = true;
$wgEnableEmail = false;
$wgEnableUserEmail = false;
$wgEmailAuthentication = false;
$wgJobRunRate = 0;

# Edit rate limits high enough for bursts of test edits (1.39's default is 90/min per user and
# 8/min per IP, and bot-password sessions were measured to hit it despite noratelimit).
$wgRateLimits['edit'] = [ 'ip' => [ 1000, 60 ], 'newbie' => [ 1000, 60 ], 'user' => [ 1000, 60 ] ];

# Login throttle (per user and IP): ${THROTTLE_COUNT} attempts per ${THROTTLE_SECONDS} s.
$wgPasswordAttemptThrottle = [ [ 'count' => ${THROTTLE_COUNT}, 'seconds' => ${THROTTLE_SECONDS} ] ];

# ConfirmEdit: QuestyCaptcha after failed logins of the same user.
wfLoadExtension( 'ConfirmEdit/QuestyCaptcha' );
$wgCaptchaClass = 'QuestyCaptcha';
$wgCaptchaQuestions = [ ${phpString(q.question)} => ${phpString(q.answer)} ];
$wgCaptchaTriggers['edit'] = false;
$wgCaptchaTriggers['create'] = false;
$wgCaptchaTriggers['addurl'] = false;
$wgCaptchaTriggers['sendemail'] = false;
$wgCaptchaTriggers['badlogin'] = false;
$wgCaptchaTriggers['badloginperuser'] = true;
$wgCaptchaBadLoginPerUserAttempts = ${CAPTCHA_BAD_LOGINS};

# OATHAuth is loaded by the installer (--extensions OATHAuth,ConfirmEdit).

# Test-only REDIRECT login provider (submit testidp=1 to clientlogin).
wfLoadExtension( 'TestRedirectAuth', ${phpString(extJson)} );
$wgTestRedirectAuthSecret = ${phpString(p.idpSecret)};
$wgTestRedirectAuthUser = 'Redirect';

# opts.extraSettings
${p.extraSettings}
`;
}

// ---------------------------------------------------------------------------------------------
// Running wikis (killed on process exit)

interface Running {
  pid: number;
  removeDir?: string;
}
const running = new Set<Running>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const r of running) {
      try {
        process.kill(-r.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      if (r.removeDir) fs.rmSync(r.removeDir, { recursive: true, force: true });
    }
    running.clear();
    if (templateDirToRemove) fs.rmSync(templateDirToRemove, { recursive: true, force: true });
  });
}

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
/**
 * Says exactly which Debian packages are missing (the wiki needs MediaWiki 1.39, PHP and SQLite).
 * `npm start` and `npm test` install them first (test/provision.mjs); this is for the other ways in.
 */
export function checkPrerequisites(): void {
  const missing: string[] = [];
  if (!fs.existsSync(path.join(MW_DIR, 'maintenance', 'install.php'))) missing.push('mediawiki');
  const php = spawnSync(PHP, ['-m'], { encoding: 'utf8' });
  if (php.status !== 0) missing.push('php-cli', 'php-sqlite3');
  else if (!/pdo_sqlite/i.test(php.stdout)) missing.push('php-sqlite3');
  if (missing.length > 0) {
    const all = (debianPackages.wiki.packages as string[]).join(' ');
    throw new Error(
      `The test wiki needs Debian packages that are missing: ${missing.join(' ')}.\n` +
        `Install them with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${all}`,
    );
  }
}

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
      renderSettings(template, {
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
    fs.writeFileSync(serverLogFile, '');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MWTEST_CONF: localSettings,
      MWTEST_LOG: requestLog,
      MWTEST_HOLD: holdFile,
      MWTEST_MW: MW_DIR,
      MWTEST_IDP_SECRET: state.idpSecret,
      MWTEST_PORT: String(port),
      MWTEST_HOST: host,
      MWTEST_DOCROOT: docRoot,
      MWTEST_ROUTER: path.join(assets, 'php', 'router.php'),
      MWTEST_SERVER_LOG: serverLogFile,
      MWTEST_PHPBIN: PHP,
      MW_INSTALL_PATH: MW_DIR,
    };
    if (workers > 1) env.PHP_CLI_SERVER_WORKERS = String(workers);
    else delete env.PHP_CLI_SERVER_WORKERS;
    // sh is the process-group leader (detached). When this node process dies, its end of the
    // stdin pipe closes, `cat` returns and the whole group (sh, php, php workers) is killed.
    // output_buffering=0: Debian's php.ini sets 4096, and with PHP's own buffer already open
    // WebStart.php does not install MediaWiki's OutputHandler, so the wiki would neither gzip
    // (Accept-Encoding) nor send Content-Length. PHP's built-in default is 0, as here.
    const c = spawn(
      'sh',
      [
        '-c',
        '"$MWTEST_PHPBIN" -d display_errors=stderr -d log_errors=0 -d opcache.enable_cli=1 -d output_buffering=0 ' +
          '-S "$MWTEST_HOST:$MWTEST_PORT" -t "$MWTEST_DOCROOT" "$MWTEST_ROUTER" >>"$MWTEST_SERVER_LOG" 2>&1 & ' +
          'cat >/dev/null; kill -KILL 0',
      ],
      { cwd: MW_DIR, env, detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
    );
    let exited = false;
    c.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 15_000;
    let up = false;
    while (Date.now() < deadline && !exited) {
      if (await canConnect(port, host)) {
        up = true;
        break;
      }
      const log = fs.readFileSync(serverLogFile, 'utf8');
      if (/Failed to listen|Address already in use/i.test(log)) break;
      await sleep(20);
    }
    if (up) {
      child = c;
    } else {
      lastError = fs.readFileSync(serverLogFile, 'utf8');
      killGroup(c);
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
      const trimmed = userName.replace(/_/g, ' ').trim();
      const canonical = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
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

function killGroup(c: ChildProcess): void {
  if (c.pid === undefined) return;
  try {
    process.kill(-c.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  c.stdin?.destroy();
}

function fileSize(f: string): number {
  try {
    return fs.statSync(f).size;
  } catch {
    return 0;
  }
}

function readIf(f: string): string {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

function readFrom(f: string, offset: number): string {
  let fd: number;
  try {
    fd = fs.openSync(f, 'r');
  } catch {
    return '';
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return '';
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    const text = buf.toString('utf8');
    // Only complete lines (a line being appended right now is left for the next call).
    const end = text.lastIndexOf('\n');
    return end < 0 ? '' : text.slice(0, end + 1);
  } finally {
    fs.closeSync(fd);
  }
}
