// The one canned loopback HTTP server, with scripted answers: for the faults a real wiki cannot
// produce on demand (5xx, 429, maxlag, HTML instead of JSON, resets), a hostile wiki's lies, and
// the benchmark's constant answer (tools/bench/cannedServer.ts runs one in its own process).
// Everything else is tested against the real wiki.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Canned =
  /** `raw`: these bytes as the body, as they are (e.g. compressed, with a content-encoding header). */
  | { status?: number; headers?: Record<string, string>; json?: unknown; body?: string; raw?: Buffer; delayMs?: number }
  | 'reset'
  | 'hang'
  /** Headers at once, then a JSON body one byte every 50 ms, never finished. */
  | 'trickle';

/** A request as the canned server saw it. */
export interface CannedHit {
  method: string;
  path: string;
  params: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface CannedServerOptions {
  /** Keep every request in `hits` (default true; the benchmark sends too many to keep). */
  record?: boolean;
  /** How long an idle keep-alive connection stays open (Node's default: 5 s). */
  keepAliveMs?: number;
}

export class CannedServer {
  readonly hits: CannedHit[] = [];
  /** Answers by request (a hostile wiki that answers what an attacker would); undefined: the script. */
  route?: (hit: CannedHit) => Canned | undefined;
  private script: Canned[] = [];
  private fallback: Canned = { json: { batchcomplete: true, query: {} } };
  private server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  constructor(private readonly options: CannedServerOptions = {}) {
    if (options.keepAliveMs !== undefined) this.server.keepAliveTimeout = options.keepAliveMs;
  }

  /** `host`: another loopback address (127.0.0.2) is another host for the client. */
  async start(host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, host, r));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}/w/api.php`;
    return this;
  }

  /** `http://host:port` of this server. */
  get origin(): string {
    return new URL(this.url).origin;
  }

  /** Answers for the next requests, in order; afterwards `otherwise`. */
  answer(...script: Canned[]): this {
    this.script = script;
    this.hits.length = 0;
    return this;
  }

  otherwise(c: Canned): this {
    this.fallback = c;
    return this;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const params = req.method === 'POST' ? new URLSearchParams(body) : u.searchParams;
      const hit = { method: req.method ?? '', path: u.pathname, params, headers: req.headers };
      if (this.options.record ?? true) this.hits.push(hit);
      const c = this.route?.(hit) ?? this.script.shift() ?? this.fallback;
      if (c === 'reset') {
        req.socket.destroy();
        return;
      }
      if (c === 'hang') return;
      if (c === 'trickle') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"batchcomplete":true,"query":{"x":"');
        const t = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      const text = c.raw ?? (c.json !== undefined ? JSON.stringify(c.json) : (c.body ?? ''));
      const send = () => {
        res.writeHead(c.status ?? 200, {
          'content-type': c.json !== undefined ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
          ...c.headers,
        });
        res.end(text);
      };
      // A late answer: what a busy wiki does to one request while others overtake it.
      if (c.delayMs) setTimeout(send, c.delayMs);
      else send();
    });
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
