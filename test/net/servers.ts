// Small loopback network parts for tests: a forward proxy (CONNECT tunnels, what undici's
// ProxyAgent speaks) that records what it carried, and a self-signed https front for a wiki.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface TestProxy {
  url: string;
  /** `host:port` of every CONNECT tunnel opened. */
  tunnels: string[];
  /** Requests refused (wrong or missing Proxy-Authorization, or not CONNECT). */
  refused: number;
  stop(): Promise<void>;
}

/**
 * A forward proxy on 127.0.0.1. With `auth` ("user:password") it demands Basic proxy authorization.
 * `hosts` maps a tunnel target ("wiki.example:80") to where it really goes ("127.0.0.2:8080"):
 * a name that is not loopback for the client, as a wiki behind a corporate proxy is.
 */
export async function startProxy(opts: { auth?: string; hosts?: Record<string, string> } = {}): Promise<TestProxy> {
  const sockets = new Set<net.Socket>();
  const state: TestProxy = { url: '', tunnels: [], refused: 0, stop: async () => undefined };
  const server = http.createServer((_req, res) => {
    state.refused++;
    res.writeHead(405).end('only CONNECT');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (opts.auth && req.headers['proxy-authorization'] !== `Basic ${Buffer.from(opts.auth).toString('base64')}`) {
      state.refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const asked = req.url ?? '';
    state.tunnels.push(asked);
    const target = opts.hosts?.[asked] ?? asked;
    const [host, port] = [target.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''), Number(/:(\d+)$/.exec(target)?.[1] ?? 443)];
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}

export interface HttpsFront {
  /** https://127.0.0.1:PORT */
  origin: string;
  /** The same api.php path as the wiki's, on the https front. */
  apiUrl: string;
  stop(): Promise<void>;
}

/**
 * An https server that forwards every request to `target` (http). Its certificate is self-signed
 * (CN and SAN 127.0.0.1) unless `tlsPair` gives one (e.g. from a TestCa).
 */
export async function startHttpsFront(target: string, tlsPair?: { key: string; cert: string }): Promise<HttpsFront> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-tls-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  if (tlsPair) {
    fs.writeFileSync(key, tlsPair.key);
    fs.writeFileSync(cert, tlsPair.cert);
  } else {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  }
  const t = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    origin,
    apiUrl: `${origin}${t.pathname}`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface CountingRelay {
  /** http://127.0.0.1:PORT: the target's origin, as seen through the relay. */
  origin: string;
  /** Bytes the target sent to clients (headers and bodies as they crossed the wire), since start or reset(). */
  down: number;
  /** Bytes clients sent to the target. */
  up: number;
  reset(): void;
  stop(): Promise<void>;
}

/** A TCP relay in front of `target` (http://host:port) that counts the bytes in each direction. */
export async function startCountingRelay(target: string): Promise<CountingRelay> {
  const t = new URL(target);
  const sockets = new Set<net.Socket>();
  const state: CountingRelay = {
    origin: '',
    down: 0,
    up: 0,
    reset: () => {
      state.down = 0;
      state.up = 0;
    },
    stop: async () => undefined,
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(t.port), t.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (b: Buffer) => (state.up += b.length));
    upstream.on('data', (b: Buffer) => (state.down += b.length));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}

export interface TestCa {
  /** The authority's certificate (PEM). */
  caPem: string;
  /** A server certificate for 127.0.0.1 signed by this authority. */
  server: { key: string; cert: string };
}

/** A certificate authority made for this run (openssl), and a server certificate for 127.0.0.1 from it. */
export function makeTestCa(): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-ca-'));
  const f = (n: string) => path.join(dir, n);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  try {
    const name = `MWS Test CA ${process.pid}-${Date.now()}`;
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '1', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1']);
    fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.pem'), '-days', '1', '-extfile', f('ext.cnf')]);
    return { caPem: fs.readFileSync(f('ca.pem'), 'utf8'), server: { key: fs.readFileSync(f('server.key'), 'utf8'), cert: fs.readFileSync(f('server.pem'), 'utf8') } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const LOCAL_CA_DIR = '/usr/local/share/ca-certificates';
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const ETC_CERTS = '/etc/ssl/certs';

/**
 * Installs a CA into Debian's trust store (a file under /usr/local/share/ca-certificates, then
 * update-ca-certificates) and returns how to take it out again. The machine is shared: removal also
 * runs when this process exits or is interrupted, so the trust store is restored on every path.
 */
export function installSystemCa(caPem: string): { file: string; remove(): void } {
  const file = path.join(LOCAL_CA_DIR, `mws-test-${process.pid}-${Date.now()}.crt`);
  // The bundle as the machine has it now: put back byte for byte at the end. A bundle rebuilt by
  // update-ca-certificates can differ from one the machine was given (seen in a fresh Debian root,
  // whose bundle was copied in rather than built from its own certificate folders).
  const bundleBefore = fs.readFileSync(SYSTEM_BUNDLE);
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.removeListener('exit', remove);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    fs.rmSync(file, { force: true });
    // update-ca-certificates rebuilds the bundle without the file, but only deletes the links it made
    // in /etc/ssl/certs (NAME.pem and its hash link) when something else changed too: delete them here.
    const pem = `${path.basename(file, '.crt')}.pem`;
    for (const name of fs.readdirSync(ETC_CERTS)) {
      const link = path.join(ETC_CERTS, name);
      let target: string | undefined;
      try {
        target = fs.readlinkSync(link);
      } catch {
        continue; // not a link
      }
      if (name === pem || path.basename(target) === pem) fs.rmSync(link, { force: true });
    }
    execFileSync('update-ca-certificates', [], { stdio: 'ignore' });
    fs.writeFileSync(SYSTEM_BUNDLE, bundleBefore);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    remove();
    process.kill(process.pid, sig);
  };
  process.on('exit', remove);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    fs.writeFileSync(file, caPem);
    execFileSync('update-ca-certificates', [], { stdio: 'ignore' });
  } catch (e) {
    remove();
    throw e;
  }
  return { file, remove };
}
