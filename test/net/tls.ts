// Certificates for tests (openssl, made for this run) and the one self-signed https server helper:
// a self-signed pair, a certificate authority with a server certificate, Debian's trust store, and
// an https server on 127.0.0.1 with any of them.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** A private key and its certificate (PEM). */
export interface TlsPair {
  key: string;
  cert: string;
}

/** A self-signed certificate for 127.0.0.1 (CN and SAN), valid for a day. */
export function selfSignedPair(): TlsPair {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface HttpsServer {
  /** https://127.0.0.1:PORT */
  origin: string;
  /** TCP connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

/** An https server on 127.0.0.1 with `pair` (default: a fresh self-signed one); counts connections. */
export async function startHttpsServer(handler: http.RequestListener, pair: TlsPair = selfSignedPair()): Promise<HttpsServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = https.createServer({ key: pair.key, cert: pair.cert }, handler);
  server.on('connection', (s: net.Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A self-signed https "wiki" at /w/api.php; counts TCP connections. `handler` answers instead of
 * the default API JSON (e.g. a redirect down to http).
 */
export async function selfSignedHttps(handler?: http.RequestListener): Promise<{ url: string; connections: () => number; stop(): Promise<void> }> {
  const server = await startHttpsServer(handler ?? ((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"batchcomplete":true}');
  }));
  return { url: `${server.origin}/w/api.php`, connections: server.connections, stop: server.stop };
}

export interface TestCa {
  /** The authority's certificate (PEM). */
  caPem: string;
  /** A server certificate for 127.0.0.1 signed by this authority. */
  server: TlsPair;
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
