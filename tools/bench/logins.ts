// Logins against the real test wiki: requests (server-side request log) and wall time per login,
// ours vs mwn vs mwclient, and restoring a serialized session up to the first authenticated query.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Agent } from 'undici';
import { Mwn } from 'mwn';
import {
  ApiClient, clientLogin, loginWithBotPassword, restoreSession, serializeSession,
  type FieldValues, type LoginPrompter, type LoginStep,
} from '../../src/mediawiki';
import type { TestWiki } from '../../test/wiki/types';
import { alternate, log, repoRoot } from './util';

export interface Sample {
  ms: number;
  /** Requests the wiki served for this login (server-side log). */
  requests: number;
  /** Requests the client's transport counted (ours only). */
  clientCount?: number;
  /** What was asked, in order (`action` or `action:meta`), from the server log. */
  actions?: string[];
}

const RETURN_URL = 'http://127.0.0.1:9/return';

class Scripted implements LoginPrompter {
  constructor(private readonly answer: (step: LoginStep) => FieldValues) {}
  async fill(step: LoginStep): Promise<FieldValues> {
    return this.answer(step);
  }
  async redirect(): Promise<FieldValues | undefined> {
    throw new Error('unexpected REDIRECT');
  }
}

/** Requests the wiki served since the last clearRequests(), all paths. */
function served(wiki: TestWiki): number {
  return wiki.requests().length;
}

function actionsOf(wiki: TestWiki): string[] {
  return wiki.requests().map((r) => `${r.method} ${r.action ?? r.path}`);
}

async function timed(wiki: TestWiki, fn: () => Promise<number | void>): Promise<Sample> {
  wiki.clearRequests();
  const t0 = performance.now();
  const clientCount = await fn();
  const elapsed = performance.now() - t0;
  return { ms: elapsed, requests: served(wiki), actions: actionsOf(wiki), ...(typeof clientCount === 'number' ? { clientCount } : {}) };
}

// ---------------------------------------------------------------------------------------------
// mwclient (Python, Debian's python3-mwclient), one long-lived driver process

export const PYTHON = '/usr/bin/python3';

/** Installs python3-mwclient when we can (root on Debian); returns why not otherwise. */
export function ensureMwclient(): { ok: true; version: string } | { ok: false; reason: string } {
  const probe = () => spawnSync(PYTHON, ['-c', 'import mwclient; print(mwclient.__version__)'], { encoding: 'utf8' });
  let p = probe();
  if (p.status === 0) return { ok: true, version: p.stdout.trim() };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!isRoot || !hasApt) {
    return { ok: false, reason: `python3-mwclient is not installed and cannot be installed here (${!isRoot ? 'not root' : 'no apt-get'}); install it with: apt-get install python3-mwclient` };
  }
  log('installing python3-mwclient (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-mwclient'], { encoding: 'utf8', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { encoding: 'utf8', env });
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-mwclient'], { encoding: 'utf8', env });
  }
  p = probe();
  if (p.status === 0) return { ok: true, version: p.stdout.trim() };
  return { ok: false, reason: `apt-get install python3-mwclient failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}` };
}

export class MwclientDriver {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  private constructor(proc: ChildProcessWithoutNullStreams) {
    this.proc = proc;
    this.lines = readline.createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }
  static async start(): Promise<MwclientDriver> {
    const proc = spawn(PYTHON, ['-u', path.join(repoRoot, 'tools', 'bench', 'mwclient_login.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    proc.stderr.on('data', (d: Buffer) => log(`mwclient: ${d.toString().trim()}`));
    const d = new MwclientDriver(proc);
    const first = await d.lines.next();
    if (first.done || !JSON.parse(first.value).ready) throw new Error('mwclient driver did not start');
    return d;
  }
  async login(apiUrl: string, user: string, password: string): Promise<number> {
    const u = new URL(apiUrl);
    this.proc.stdin.write(`${JSON.stringify({ host: u.host, path: u.pathname.replace(/api\.php$/, ''), scheme: u.protocol.replace(':', ''), user, password })}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error('mwclient driver exited');
    const answer = JSON.parse(next.value) as { ok: boolean; ms?: number; error?: string };
    if (!answer.ok) throw new Error(`mwclient login failed: ${answer.error}`);
    return answer.ms!;
  }
  stop(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

// ---------------------------------------------------------------------------------------------

export interface LoginResults {
  rounds: number;
  samples: Record<string, Sample[]>;
  mwclient: { version?: string; skipped?: string };
  mwnVersion: string;
}

export async function benchLogins(wiki: TestWiki, rounds: number): Promise<LoginResults> {
  const { bot, plain, twoFactor } = wiki.users;
  const mw = ensureMwclient();
  let driver: MwclientDriver | undefined;
  if (mw.ok) driver = await MwclientDriver.start();
  else log(`mwclient skipped: ${mw.reason}`);

  let tfa = 0;
  const contenders: Record<string, (round: number) => Promise<Sample>> = {
    'ours: bot password': () =>
      timed(wiki, async () => {
        const client = new ApiClient({ apiUrl: wiki.apiUrl });
        const user = await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
        if (user.name !== bot.name) throw new Error(`logged in as ${user.name}`);
        return client.transport.requestCount;
      }),
    'ours: clientlogin PASS': () =>
      timed(wiki, async () => {
        const client = new ApiClient({ apiUrl: wiki.apiUrl });
        const r = await clientLogin(client, { returnUrl: RETURN_URL, prompter: new Scripted(() => ({ username: plain.name, password: plain.password })) });
        if (r.name !== plain.name) throw new Error(`logged in as ${r.name}`);
        return client.transport.requestCount;
      }),
    'ours: clientlogin 2FA': () => {
      // resetThrottles() before each login also forgets used TOTP codes; rotating users anyway.
      const u = twoFactor[tfa++ % twoFactor.length]!;
      return timed(wiki, async () => {
        const client = new ApiClient({ apiUrl: wiki.apiUrl });
        const prompter = new Scripted((step): FieldValues => (step.kind === 'start' ? { username: u.name, password: u.password } : { OATHToken: wiki.totp(u.totpSecret) }));
        const r = await clientLogin(client, { returnUrl: RETURN_URL, prompter });
        if (r.name !== u.name) throw new Error(`logged in as ${r.name}`);
        return client.transport.requestCount;
      });
    },
    'mwn: bot password': () =>
      timed(wiki, async () => {
        const m = new Mwn({ apiUrl: wiki.apiUrl, username: bot.lgname, password: bot.botPassword, silent: true, userAgent: 'mws-bench (mwn)' });
        const r = await m.login();
        if (r.lgusername !== bot.name) throw new Error(`mwn logged in as ${r.lgusername}`);
      }),
  };
  if (driver) {
    const d = driver;
    contenders['mwclient: bot password'] = async () => {
      wiki.clearRequests();
      const elapsed = await d.login(wiki.apiUrl, bot.lgname, bot.botPassword);
      return { ms: elapsed, requests: served(wiki), actions: actionsOf(wiki) };
    };
  }

  // Warm-up (opcode cache, first connections, JIT): one of each, not counted.
  for (const fn of Object.values(contenders)) {
    await wiki.resetThrottles();
    await fn(-1);
  }
  log(`logins: ${rounds} rounds x ${Object.keys(contenders).length} contenders`);
  const samples = await alternate(rounds, contenders, () => wiki.resetThrottles());
  driver?.stop();
  const mwnVersion = (require('mwn/package.json') as { version: string }).version;
  return { rounds, samples, mwclient: mw.ok ? { version: mw.version } : { skipped: mw.reason }, mwnVersion };
}

// ---------------------------------------------------------------------------------------------
// Restore after restart: serialized session -> first authenticated query

export interface RestoreSample extends Sample {
  /** Requests served before the first authenticated query. */
  before: number;
}

export async function benchRestore(wiki: TestWiki, rounds: number): Promise<Record<string, RestoreSample[]>> {
  const { bot, plain } = wiki.users;
  await wiki.resetThrottles();
  const botClient = new ApiClient({ apiUrl: wiki.apiUrl });
  await loginWithBotPassword(botClient, { username: bot.lgname, password: bot.botPassword });
  const botJson = serializeSession(botClient);
  const plainClient = new ApiClient({ apiUrl: wiki.apiUrl });
  await clientLogin(plainClient, { returnUrl: RETURN_URL, prompter: new Scripted(() => ({ username: plain.name, password: plain.password })) });
  const plainJson = serializeSession(plainClient);

  // Each sample gets its own undici Agent: no warm connection, as after a restart.
  const firstQuery = async (client: ApiClient, expect: string): Promise<void> => {
    const res = await client.get({ action: 'query', meta: 'userinfo' });
    const name = (res.query as { userinfo: { name: string } }).userinfo.name;
    if (name !== expect) throw new Error(`first query ran as ${name}, not ${expect}`);
  };
  const restoreRun = async (json: string, expect: string): Promise<RestoreSample> => {
    const agent = new Agent({ keepAliveTimeout: 30_000 });
    wiki.clearRequests();
    const t0 = performance.now();
    const { client } = restoreSession(json, { transport: { dispatcher: agent } });
    const restoredAt = served(wiki);
    await firstQuery(client, expect);
    const elapsed = performance.now() - t0;
    const all = wiki.requests();
    await agent.close();
    // The first authenticated query is the first request that sends assert=user.
    const firstAsserting = all.findIndex((r) => r.paramNames.includes('assert'));
    return { ms: elapsed, requests: all.length, clientCount: client.transport.requestCount, before: Math.max(restoredAt, firstAsserting === -1 ? all.length : firstAsserting) };
  };
  const contenders: Record<string, () => Promise<RestoreSample>> = {
    'ours: restore bot-password session': () => restoreRun(botJson, bot.name),
    'ours: restore clientlogin session': () => restoreRun(plainJson, plain.name),
    'ours: fresh bot-password login instead': async () => {
      const agent = new Agent({ keepAliveTimeout: 30_000 });
      wiki.clearRequests();
      const t0 = performance.now();
      const client = new ApiClient({ apiUrl: wiki.apiUrl, transport: { dispatcher: agent } });
      await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
      await firstQuery(client, bot.name);
      const elapsed = performance.now() - t0;
      const n = served(wiki);
      await agent.close();
      return { ms: elapsed, requests: n, clientCount: client.transport.requestCount, before: n - 1 };
    },
  };
  for (const fn of Object.values(contenders)) await fn();
  log(`restore: ${rounds} rounds x ${Object.keys(contenders).length}`);
  return alternate(rounds, contenders, () => wiki.resetThrottles());
}
