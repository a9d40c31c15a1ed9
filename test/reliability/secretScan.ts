/**
 * Secret hygiene, proved by a scan. A setup module for the real-VS-Code run, given after the wiki:
 *
 *   node out/test/vscode/run.js --setup out/test/vscode/setupWiki.js --setup out/test/reliability/secretScan.js
 *
 * It keeps code-server's run folders (user data: settings.json, globalState and workspace state in
 * state.vscdb, the extension's output channel and all other logs; the browser profile), and at
 * teardown, while the wiki still runs, scans them and test-output/ for every test secret: all
 * fixture passwords and bot passwords, the TOTP secrets, every session id the wiki holds (the
 * session cookie values) and the csrf tokens the suite reported (suite/reliability.test.ts writes
 * them to $MWS_SECRET_SINK, a private file outside the scanned folders).
 *
 * The run is at trace level (code-server `--log trace`), where the extension writes every request
 * with its (redacted) parameters: the scan fails unless the extension's own log file was among the
 * files scanned and holds trace lines.
 *
 * Excluded, exactly: the browser profile's `Local Storage`, where code-server keeps SecretStorage
 * (encrypted). It is scanned too, but its hits are only reported, not counted.
 * A hit anywhere else fails the run (the teardown throws). Figures: test-output/reliability-scan.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testWiki } from '../vscode/setupWiki';
import { extensionLogFiles } from '../vscode/ui/steps';
import { figures, outputDir, writeAll } from './record';

interface Secret {
  kind: string;
  value: string;
}

const SECRET_STORAGE = /[\\/]chromium-\d+[\\/]Default[\\/]Local Storage[\\/]/;

export async function setup() {
  const hadKeep = !!process.env.VSCODE_TEST_KEEP;
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-secret-sink-'));
  fs.chmodSync(privateDir, 0o700);
  const sink = path.join(privateDir, 'secrets.jsonl');
  fs.writeFileSync(sink, '', { mode: 0o600 });
  // This run's code-server folders, all under one root of its own (host.ts startCodeServer).
  const runRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-vscode-run-'));
  return {
    // Trace level: the extension's log then holds every request line with its parameters.
    env: { VSCODE_TEST_KEEP: '1', MWS_SECRET_SINK: sink, MWS_VSCODE_RUN_ROOT: runRoot, VSCODE_TEST_LOG_LEVEL: 'trace' },
    teardown: async () => {
      const runDirs = fs.readdirSync(runRoot).filter((n) => n.startsWith('mws-vscode-')).map((n) => path.join(runRoot, n));
      try {
        const secrets = await collectSecrets(sink);
        // The scan must be able to fail: a planted copy of each kind of secret has to be found.
        const canaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-scan-canary-'));
        try {
          const kinds = [...new Map(secrets.map((x) => [x.kind, x])).values()];
          kinds.forEach((x, i) => fs.writeFileSync(path.join(canaryDir, `planted-${i}.log`), `some log line ${x.value} more text\n`));
          const planted = scan([canaryDir], secrets);
          const found = new Set(planted.hits.map((h) => h.kind));
          const missed = kinds.filter((x) => !found.has(x.kind)).map((x) => x.kind);
          if (kinds.length === 0 || missed.length) throw new Error(`secret scan self-check: planted secrets not found (${missed.join(', ') || 'no secrets collected'})`);
          process.stdout.write(`[secret-scan] self-check: ${kinds.length} planted kinds of secret all found\n`);
        } finally {
          fs.rmSync(canaryDir, { recursive: true, force: true });
        }
        const result = scan([...runDirs, outputDir], secrets);
        // The scan must have read the extension's own log, written at trace level.
        const extensionLogs = runDirs.flatMap((d) => extensionLogFiles(d)).filter((f) => result.scanned.has(f));
        const traced = extensionLogs.filter((f) => /\[trace\] (GET|POST) /.test(fs.readFileSync(f, 'utf8')));
        process.stdout.write(`[secret-scan] the extension's log: ${extensionLogs.length} file(s) scanned, ${traced.length} with request traces\n`);
        if (extensionLogs.length === 0) throw new Error('secret scan: the extension\'s own log file ("MediaWiki Sessions.log") was not among the files scanned');
        if (traced.length === 0) throw new Error('secret scan: the extension\'s log holds no trace lines (the run was not at trace level)');
        const f = figures('scan');
        f.secretScan = {
          filesScanned: result.files,
          secretsChecked: secrets.length,
          hits: result.hits.length,
          excluded: ['browser profile Local Storage (code-server SecretStorage, encrypted)'],
        };
        f.extra['secretStorageHits'] = result.secretStorageHits;
        f.extra['runFolders'] = runDirs.length;
        f.extra['extensionLogsScanned'] = extensionLogs.length;
        f.extra['extensionLogsWithTraces'] = traced.length;
        writeAll();
        process.stdout.write(`[secret-scan] ${result.files} files in ${runDirs.length} run folder(s) + test-output, ${secrets.length} secrets: ${result.hits.length} hit(s)\n`);
        if (runDirs.length === 0) throw new Error('secret scan: no code-server run folder found (did the suite run?)');
        if (result.hits.length) {
          throw new Error(`secret scan: ${result.hits.length} hit(s): ${result.hits.map((h) => `${h.kind} in ${h.file}`).join('; ')}`);
        }
      } finally {
        fs.rmSync(privateDir, { recursive: true, force: true });
        if (!hadKeep) fs.rmSync(runRoot, { recursive: true, force: true, maxRetries: 3 });
        else process.stdout.write(`[secret-scan] kept the run folders in ${runRoot}\n`);
      }
    },
  };
}

async function collectSecrets(sink: string): Promise<Secret[]> {
  const w = testWiki();
  const out: Secret[] = [];
  const add = (kind: string, value: string | undefined) => {
    if (value && value.length >= 6 && !out.some((s) => s.value === value)) out.push({ kind, value });
  };
  const u = w.users;
  for (const a of [u.admin, u.bot, u.plain, u.captcha, u.blocked, u.redirect, ...u.twoFactor]) add(`password of ${a.name}`, a.password);
  add('bot password', u.bot.botPassword);
  add('bot password', u.blocked.botPassword);
  for (const t of u.twoFactor) add('TOTP secret', t.totpSecret);
  // Session ids (the session cookie values) of every session the wiki holds now.
  for (const key of await w.cacheKeys()) {
    const m = /MWSession:([0-9a-z]{20,})/.exec(key);
    if (m) add('session cookie value', m[1]);
  }
  for (const line of fs.readFileSync(sink, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const s = JSON.parse(line) as Secret;
    add(s.kind, s.value);
    add(`${s.kind} (hex part)`, s.value.replace(/\+\\$/, ''));
  }
  if (!out.some((s) => s.kind === 'session cookie value')) throw new Error('secret scan: the wiki holds no session; nothing to look for');
  if (!out.some((s) => s.kind === 'csrf token')) throw new Error('secret scan: the suite reported no csrf token');
  return out;
}

function scan(roots: string[], secrets: Secret[]): { files: number; scanned: Set<string>; hits: { file: string; kind: string }[]; secretStorageHits: number } {
  const hits: { file: string; kind: string }[] = [];
  const scanned = new Set<string>();
  let files = 0;
  let secretStorageHits = 0;
  const needles = secrets.flatMap((s) => [...new Set([s.value, encodeURIComponent(s.value), JSON.stringify(s.value).slice(1, -1)])].map((v) => ({ kind: s.kind, bytes: Buffer.from(v) })));
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      for (const n of fs.readdirSync(p)) walk(path.join(p, n));
      return;
    }
    if (!st.isFile()) return;
    // Extensions and the code-server install are code, not data.
    if (/[\\/]extensions[\\/]/.test(p) && !/[\\/]user-data[\\/]/.test(p)) return;
    files++;
    scanned.add(p);
    const buf = fs.readFileSync(p);
    for (const n of needles) {
      if (buf.includes(n.bytes) || buf.includes(Buffer.from(n.bytes.toString('utf8'), 'utf16le'))) {
        if (SECRET_STORAGE.test(p)) secretStorageHits++;
        else hits.push({ file: p, kind: n.kind });
      }
    }
  };
  for (const r of roots) if (fs.existsSync(r)) walk(r);
  return { files, scanned, hits, secretStorageHits };
}
