// Client overhead per API call: action=query calls, N sequential and N with 8 in flight, ours vs
// raw undici vs mwn, against a canned loopback server (client cost dominates) and the real wiki
// (server time dominates).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Agent, request } from 'undici';
import { Mwn } from 'mwn';
import { ApiClient, Transport, userAgent } from '../../src/mediawiki';
import { CANNED_BODY } from './cannedServer';
import { alternate, log, settle } from './util';

export interface OverheadResults {
  target: string;
  rounds: number;
  batch: { sequential: number; concurrent: number; inFlight: number };
  /** req/s per round, per contender. */
  sequential: Record<string, number[]>;
  concurrent: Record<string, number[]>;
}

type Call = () => Promise<unknown>;

export async function startCannedServer(): Promise<{ apiUrl: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [path.join(__dirname, 'cannedServer.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await readline.createInterface({ input: proc.stdout! })[Symbol.asyncIterator]().next();
  if (first.done) throw new Error('canned server did not start');
  const { port } = JSON.parse(first.value) as { port: number };
  return { apiUrl: `http://127.0.0.1:${port}/w/api.php`, proc };
}

function contenders(apiUrl: string): Record<string, Call> {
  const params = { action: 'query', meta: 'siteinfo|userinfo' };
  // Ours, as an extension would use it (default transport: cookie jar, shared keep-alive Agent).
  const ours = new ApiClient({ apiUrl, transport: new Transport() });
  // Raw undici: the same request line, its own Agent with ours' pool settings, body read and parsed.
  const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 16 });
  const url = `${apiUrl}?${new URLSearchParams({ format: 'json', formatversion: '2', ...params })}`;
  const ua = userAgent();
  const raw = async (): Promise<unknown> => {
    const res = await request(url, { method: 'GET', dispatcher: agent, headers: { 'user-agent': ua, accept: 'application/json' } });
    const data = JSON.parse(await res.body.text()) as { query?: unknown };
    if (!data.query) throw new Error('no query in answer');
    return data;
  };
  const mwn = new Mwn({ apiUrl, silent: true, userAgent: 'mws-bench (mwn)' });
  return {
    ours: () => ours.get(params),
    'raw undici': raw,
    mwn: () => mwn.request(params),
  };
}

async function sequential(call: Call, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await call();
  return n / ((performance.now() - t0) / 1000);
}

async function concurrent(call: Call, n: number, inFlight: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await call();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  return n / ((performance.now() - t0) / 1000);
}

export async function benchOverhead(
  target: string,
  apiUrl: string,
  opts: { rounds: number; sequential: number; concurrent: number; inFlight: number; warmup: number },
): Promise<OverheadResults> {
  const calls = contenders(apiUrl);
  // Check the answers once, and warm up (JIT, connections).
  for (const [name, call] of Object.entries(calls)) {
    const res = (await call()) as { query?: { general?: { sitename?: string } } };
    if (!res?.query?.general?.sitename) throw new Error(`${name}: unexpected answer ${JSON.stringify(res).slice(0, 200)}`);
    await sequential(call, opts.warmup);
    await concurrent(call, opts.warmup, opts.inFlight);
  }
  log(`overhead (${target}): ${opts.rounds} rounds, ${opts.sequential} sequential + ${opts.concurrent} concurrent (${opts.inFlight} in flight) calls each`);
  const seq = await alternate(opts.rounds, Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, () => sequential(c, opts.sequential)])), settle);
  const conc = await alternate(opts.rounds, Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, () => concurrent(c, opts.concurrent, opts.inFlight)])), settle);
  return {
    target,
    rounds: opts.rounds,
    batch: { sequential: opts.sequential, concurrent: opts.concurrent, inFlight: opts.inFlight },
    sequential: seq,
    concurrent: conc,
  };
}

export { CANNED_BODY };

/**
 * Where ours' per-call time goes, against the canned server: raw undici plus one of ours' extra
 * steps at a time, then ours' Transport.send and ApiClient.get. Sequential calls, req/s per round.
 */
export async function benchOverheadBreakdown(apiUrl: string, opts: { rounds: number; calls: number; warmup: number }): Promise<Record<string, number[]>> {
  const { CookieJar } = await import('tough-cookie');
  const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 16 });
  const query = { action: 'query', meta: 'siteinfo|userinfo', format: 'json', formatversion: '2' };
  const url = `${apiUrl}?${new URLSearchParams(query)}`;
  const jar = new CookieJar();
  const transport = new Transport({ dispatcher: agent });
  const client = new ApiClient({ apiUrl, transport: new Transport({ dispatcher: agent }) });
  const parse = async (res: Awaited<ReturnType<typeof request>>) => JSON.parse(await res.body.text()) as unknown;
  const variants: Record<string, Call> = {
    'raw undici': async () => parse(await request(url, { dispatcher: agent })),
    '+ AbortSignal.any([AbortSignal.timeout()])': async () =>
      parse(await request(url, { dispatcher: agent, signal: AbortSignal.any([AbortSignal.timeout(30_000)]) })),
    '+ cookie jar lookup (tough-cookie, empty jar)': async () => {
      await jar.getCookieString(url);
      return parse(await request(url, { dispatcher: agent }));
    },
    'ours: Transport.send + JSON.parse': async () => JSON.parse((await transport.send({ method: 'GET', url: apiUrl, params: new URLSearchParams(query) })).body) as unknown,
    'ours: ApiClient.get': () => client.get({ action: 'query', meta: 'siteinfo|userinfo' }),
  };
  for (const call of Object.values(variants)) await sequential(call, opts.warmup);
  log(`overhead breakdown: ${opts.rounds} rounds x ${opts.calls} sequential calls`);
  const out = await alternate(opts.rounds, Object.fromEntries(Object.entries(variants).map(([k, c]) => [k, () => sequential(c, opts.calls)])), settle);
  await agent.close();
  return out;
}
