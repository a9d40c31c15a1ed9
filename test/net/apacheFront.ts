// A real compressing reverse proxy in front of a test wiki: Debian's Apache (apache2-bin, which the
// mediawiki package pulls in anyway) with mod_proxy_http, mod_brotli and mod_deflate, the way a CDN or
// a front server compresses API answers that MediaWiki itself sends uncompressed. Its access log says,
// per request, the bytes it sent and the Content-Encoding it chose: the tests read that, not our client.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canConnect, freePort } from './ports';

export const APACHE = process.env.APACHE_BIN ?? '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

export interface FrontLogEntry {
  method: string;
  path: string;
  status: number;
  /** Bytes sent to the client, headers included (%O). */
  bytesSent: number;
  /** The answer's Content-Encoding, '' when none. */
  encoding: string;
}

export interface ApacheFront {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The target's api.php path, through the front. */
  apiUrl: string;
  /** What the access log holds so far (Apache writes each line when the answer is done). */
  log(): FrontLogEntry[];
  stop(): Promise<void>;
}

/** Apache in front of `target` (a wiki's api.php URL), compressing JSON and HTML with br and gzip. */
export async function startApacheFront(target: string): Promise<ApacheFront> {
  if (!fs.existsSync(APACHE)) {
    throw new Error(`Apache not found at ${APACHE}: install Debian's apache2-bin (node test/provision.mjs test does)`);
  }
  const t = new URL(target);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-apache-'));
  const port = await freePort();
  const accessLog = path.join(dir, 'access.log');
  const asRoot = process.getuid?.() === 0;
  const conf = [
    `ServerRoot ${dir}`,
    `DefaultRuntimeDir ${dir}`,
    `PidFile ${path.join(dir, 'httpd.pid')}`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    `ErrorLog ${path.join(dir, 'error.log')}`,
    'LogLevel warn',
    ...['mpm_event', 'authz_core', 'proxy', 'proxy_http', 'filter', 'deflate', 'brotli'].map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
    // Apache will not serve as root; its workers need nothing of ours (the logs are opened before).
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    // No query string in the log: the method, path, status, bytes and encoding are all the tests need.
    'LogFormat "%m %U %>s %O \\"%{Content-Encoding}o\\"" front',
    `CustomLog ${accessLog} front`,
    `ProxyPass "/" "${t.origin}/"`,
    `ProxyPassReverse "/" "${t.origin}/"`,
    // br where the client takes it, else gzip (DEFLATE leaves an answer that already has an encoding).
    'AddOutputFilterByType BROTLI_COMPRESS;DEFLATE application/json text/html text/plain',
  ].join('\n');
  const confFile = path.join(dir, 'httpd.conf');
  fs.writeFileSync(confFile, `${conf}\n`);
  fs.writeFileSync(accessLog, '');

  const child: ChildProcess = spawn(APACHE, ['-f', confFile, '-DFOREGROUND'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const errors = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`Apache did not start on 127.0.0.1:${port}: ${stderr}${errors}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    apiUrl: `${origin}${t.pathname}`,
    log: () =>
      fs.readFileSync(accessLog, 'utf8').split('\n').filter(Boolean).map((line) => {
        const m = /^(\S+) (\S+) (\d+) (\d+) "([^"]*)"$/.exec(line);
        if (!m) throw new Error(`unexpected access log line: ${line}`);
        return { method: m[1]!, path: m[2]!, status: Number(m[3]), bytesSent: Number(m[4]), encoding: m[5] === '-' ? '' : m[5]! };
      }),
    async stop() {
      // SIGTERM: Apache stops its workers, then exits.
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
