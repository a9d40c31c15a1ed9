// Processes and files of the test wikis: running PHP, the php -S process groups (killed on exit),
// temp dirs that name their owner (so a later run removes the ones of dead runs), and reading
// the logs the wiki appends to.
import { execFile, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MW_DIR } from './constants';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command (in MediaWiki's dir, with MW_INSTALL_PATH) and fails with its output. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
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

export const sleep = (ms: number, unref = false): Promise<void> =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    if (unref) t.unref();
  });

/** Kills a detached child's whole process group (sh, php, php workers). */
export function killGroup(c: ChildProcess): void {
  if (c.pid === undefined) return;
  try {
    process.kill(-c.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  c.stdin?.destroy();
}

// ---------------------------------------------------------------------------------------------
// Running wikis and the template dir: killed and removed when this process exits.

export interface Running {
  pid: number;
  removeDir?: string;
}
export const running = new Set<Running>();
const dirsToRemove = new Set<string>();
let exitHookInstalled = false;

/** Removes `dir` when this process exits (the template). */
export function removeOnExit(dir: string): void {
  installExitHook();
  dirsToRemove.add(dir);
}

export function installExitHook(): void {
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
    for (const d of dirsToRemove) fs.rmSync(d, { recursive: true, force: true });
  });
}

// ---------------------------------------------------------------------------------------------
// Temp dirs

const OWNER_FILE = 'owner.pid';

/** A temp dir that records its owner's pid. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

/** Removes the temp dirs of processes that died without cleaning up (never another live run's). */
export function removeStaleTempDirs(): void {
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

// ---------------------------------------------------------------------------------------------
// Files

export function fileSize(f: string): number {
  try {
    return fs.statSync(f).size;
  } catch {
    return 0;
  }
}

export function readIf(f: string): string {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

/** Complete lines appended to `f` after `offset` (a line being written right now waits for the next call). */
export function readFrom(f: string, offset: number): string {
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
    const end = text.lastIndexOf('\n');
    return end < 0 ? '' : text.slice(0, end + 1);
  } finally {
    fs.closeSync(fd);
  }
}
