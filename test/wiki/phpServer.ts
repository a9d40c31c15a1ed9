// One `php -S` for a test wiki: MediaWiki behind php/router.php, as its own process group that dies
// with this Node process, up when its port accepts connections.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { canConnect } from '../net/ports';
import { MW_DIR, PHP } from './constants';
import { killGroup, sleep } from './processes';

export interface PhpServerOptions {
  host: string;
  port: number;
  docRoot: string;
  router: string;
  /** php -S output goes here (emptied first). */
  serverLog: string;
  /** PHP_CLI_SERVER_WORKERS; 1 = a single process. */
  workers: number;
  /** For the router (MWTEST_CONF, MWTEST_LOG, ...). */
  env: Record<string, string>;
}

/** The running server, or what its log said when it did not come up within 15 s. */
export async function startPhpServer(o: PhpServerOptions): Promise<{ child: ChildProcess } | { log: string }> {
  fs.writeFileSync(o.serverLog, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...o.env,
    MWTEST_PORT: String(o.port),
    MWTEST_HOST: o.host,
    MWTEST_DOCROOT: o.docRoot,
    MWTEST_ROUTER: o.router,
    MWTEST_SERVER_LOG: o.serverLog,
    MWTEST_PHPBIN: PHP,
    MW_INSTALL_PATH: MW_DIR,
  };
  if (o.workers > 1) env.PHP_CLI_SERVER_WORKERS = String(o.workers);
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
  while (Date.now() < deadline && !exited) {
    if (await canConnect(o.port, o.host)) return { child: c };
    const log = fs.readFileSync(o.serverLog, 'utf8');
    if (/Failed to listen|Address already in use/i.test(log)) break;
    await sleep(20);
  }
  const log = fs.readFileSync(o.serverLog, 'utf8');
  killGroup(c);
  return { log };
}
