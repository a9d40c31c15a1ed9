// Small loopback servers written for the fault tests: the faults a real wiki cannot produce on
// demand (a socket cut mid-answer, a proxy that drops the answer to an edit after forwarding it).
// Everything else stays against the real wiki. A self-signed https server is in tls.ts.
import * as net from 'node:net';

/** A raw TCP server that answers every request with `reply` bytes and then does `end`. */
export async function rawServer(
  reply: string,
  end: 'reset' | 'close',
  host = '127.0.0.1',
): Promise<{ url: string; requests: () => number; stop(): Promise<void> }> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const head = buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const len = Number(/content-length:\s*(\d+)/i.exec(buf.slice(0, head))?.[1] ?? 0);
      if (buf.length < head + 4 + len) return;
      buf = '';
      requests++;
      sock.write(reply, () => {
        if (end === 'reset') sock.resetAndDestroy();
        else sock.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${host}:${port}/w/api.php`,
    requests: () => requests,
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

export type ProxyMode = 'pass' | 'reset-after-forward' | 'hold-answer';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server. For requests whose body matches `match`
 * (e.g. action=edit), `mode` decides what happens to the answer: `reset-after-forward` forwards the
 * request, waits until the server's answer starts (so the server has done the work), then resets
 * the client's connection; `hold-answer` forwards the request and never passes the answer on.
 */
export class TcpProxy {
  mode: ProxyMode = 'pass';
  /** Requests that matched `match` and were forwarded to the server. */
  matchedForwarded = 0;
  /** Answers that were dropped (reset or held). */
  answersDropped = 0;
  private server = net.createServer((c) => this.onClient(c));
  private readonly sockets = new Set<net.Socket>();
  url = '';
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly match: RegExp,
    private readonly host = '127.0.0.1',
  ) {}

  async start(pathName = '/w/api.php'): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, this.host, r));
    this.port = (this.server.address() as net.AddressInfo).port;
    this.url = `http://${this.host}:${this.port}${pathName}`;
    return this;
  }

  private onClient(client: net.Socket): void {
    const upstream = net.connect(this.target);
    this.sockets.add(client);
    this.sockets.add(upstream);
    let armed = false; // the last request forwarded matched: its answer is to be dropped
    let counted = false;
    let pending = '';
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => {
      this.sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      // hold-answer: the client must see nothing at all (php -S closes after each answer).
      if (!(armed && this.mode === 'hold-answer')) client.destroy();
    });
    client.on('data', (d) => {
      pending += d.toString('latin1');
      // A request is complete when its head and Content-Length body are in; only then decide.
      for (;;) {
        const head = pending.indexOf('\r\n\r\n');
        if (head < 0) break;
        const len = Number(/content-length:\s*(\d+)/i.exec(pending.slice(0, head))?.[1] ?? 0);
        if (pending.length < head + 4 + len) break;
        const request = pending.slice(0, head + 4 + len);
        pending = pending.slice(head + 4 + len);
        if (this.mode !== 'pass' && this.match.test(request)) {
          armed = true;
          counted = false;
          this.matchedForwarded++;
        }
        upstream.write(Buffer.from(request, 'latin1'));
      }
    });
    upstream.on('data', (d) => {
      if (!armed) {
        client.write(d);
        return;
      }
      if (!counted) this.answersDropped++;
      counted = true;
      if (this.mode === 'reset-after-forward') {
        client.resetAndDestroy();
        upstream.destroy();
      }
      // hold-answer: swallow it; the client times out.
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
