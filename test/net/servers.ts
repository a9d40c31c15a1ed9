// Small loopback network parts for tests: a forward proxy (CONNECT tunnels, what undici's
// ProxyAgent speaks) that records what it carried, an https front for a wiki, and a relay that
// counts bytes. Certificates are made in tls.ts.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startHttpsServer, type TlsPair } from './tls';

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
export async function startHttpsFront(target: string, tlsPair?: TlsPair): Promise<HttpsFront> {
  const t = new URL(target);
  const server = await startHttpsServer((req, res) => {
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  }, tlsPair);
  return { origin: server.origin, apiUrl: `${server.origin}${t.pathname}`, stop: server.stop };
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
