// The fault matrix: every fault against the core client, with the number of attempts, the time
// spent (bounded by the retry deadline) and the error the caller gets. The real wiki produces what
// it can (maxlag, readonly, a dropped answer to a real edit through a TCP proxy); loopback servers
// written for the test produce the rest. Each case is recorded for the reliability figures in CONTRIBUTING.md.
// Faults that end (the call succeeds after a retry) are in test/unit/retryOverTheWire.test.ts, and
// the retry decision as a table in test/unit/retryDecision.test.ts.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiClient, ApiError, HttpError, NetworkError, NotJsonError, OffsiteRedirectError, loginWithBotPassword,
  type RetryPolicy,
} from '../../src/mediawiki';
import { startWiki } from '../wiki';
import type { TestWiki } from '../wiki/types';
import { figures, type FaultRecord } from '../reliability/record';
import { CannedServer } from '../net/cannedServer';
import { TcpProxy, rawServer } from '../net/faultServers';
import { freePort } from '../net/ports';
import { selfSignedHttps } from '../net/tls';
import { wiki } from './hooks';
import { uniqueTitle } from './helpers';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 400, deadlineMs: 3_000 };
const TIMEOUT_MS = 400;
/** undici fires its header/body timeouts up to about a second late (its coarse "fast timers"). */
const TIMER_SLACK_MS = 1_000;
/** Upper bound of any one case: the deadline, one request timeout (as undici keeps it), scheduling slack. */
const BOUND_MS = POLICY.deadlineMs + TIMEOUT_MS + TIMER_SLACK_MS + 1_000;
const fig = figures('core');

interface Outcome {
  error?: Error & { code?: string };
  attempts: number;
  elapsedMs: number;
}

/** Runs one call, measures it, records it, and checks what every failure must have. */
async function attempt(
  fault: string,
  method: 'GET' | 'POST',
  source: FaultRecord['source'],
  call: () => Promise<unknown>,
  attempts: () => number,
): Promise<Outcome> {
  const t = Date.now();
  let error: (Error & { code?: string }) | undefined;
  try {
    await call();
  } catch (e) {
    error = e as Error & { code?: string };
  }
  const out = { error, attempts: attempts(), elapsedMs: Date.now() - t };
  fig.faults.push({ fault, method, source, attempts: out.attempts, elapsedMs: out.elapsedMs, code: error?.code ?? 'ok' });
  assert.ok(out.elapsedMs <= BOUND_MS, `${fault}: took ${out.elapsedMs} ms, more than the deadline allows`);
  if (error) {
    assert.ok(error.code, `${fault}: the error has a code`);
    assert.ok(error.message.includes(`[${error.code}]`), `${fault}: the message names the code: ${error.message}`);
  }
  return out;
}

function client(apiUrl: string, extra: Partial<RetryPolicy> = {}): ApiClient {
  return new ApiClient({ apiUrl, retry: { ...POLICY, ...extra }, transport: { timeoutMs: TIMEOUT_MS } });
}

const EDIT = { action: 'edit', title: 'Fault test', text: 'x', token: '+\\' };

describe('fault matrix: network faults (loopback servers written for the test)', () => {
  it('connection refused: GET and POST retried (nothing was sent), then ECONNREFUSED', async () => {
    const url = `http://127.0.0.1:${await freePort()}/w/api.php`;
    for (const method of ['GET', 'POST'] as const) {
      const c = client(url);
      const o = await attempt('connection refused', method, 'loopback', () => c.request(method, method === 'GET' ? { action: 'query' } : EDIT), () => c.transport.requestCount);
      assert.ok(o.error instanceof NetworkError);
      assert.equal(o.error.code, 'ECONNREFUSED');
      assert.equal(o.error.maybeSent, false);
      assert.match(o.error.message, /connection refused.*Check the address and that the wiki is running/);
      assert.equal(o.attempts, POLICY.maxAttempts);
    }
  });

  it('DNS failure (unresolvable host): one attempt, ENOTFOUND', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const c = client('http://wiki.invalid/w/api.php');
      const o = await attempt('DNS failure', method, 'loopback', () => c.request(method, method === 'GET' ? { action: 'query' } : EDIT), () => c.transport.requestCount);
      assert.ok(o.error instanceof NetworkError);
      assert.equal(o.error.code, 'ENOTFOUND');
      assert.equal(o.error.maybeSent, false);
      assert.match(o.error.message, /wiki\.invalid.*host name not found.*Check the host name/);
      assert.equal(o.attempts, 1);
    }
  });

  it('TLS error (self-signed https server): one attempt, tls-error', async () => {
    const tls = await selfSignedHttps();
    try {
      for (const method of ['GET', 'POST'] as const) {
        const c = client(tls.url);
        const before = tls.connections();
        const o = await attempt('TLS error (self-signed)', method, 'loopback', () => c.request(method, method === 'GET' ? { action: 'query' } : EDIT), () => tls.connections() - before);
        assert.ok(o.error instanceof NetworkError);
        assert.equal(o.error.code, 'tls-error');
        assert.equal(o.error.maybeSent, false);
        assert.match(o.error.message, /certificate was not accepted: it is self-signed.*\[tls-error\]/);
        assert.equal(o.attempts, 1);
      }
    } finally {
      await tls.stop();
    }
  });

  it('reset mid-response: GET retried up to the limit, POST not re-sent (maybeSent)', async () => {
    const partial = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{"batchcomplete":true,"query":{"pa';
    const srv = await rawServer(partial, 'reset');
    try {
      let o = await attempt('reset mid-response', 'GET', 'loopback', () => client(srv.url).get({ action: 'query' }), srv.requests);
      assert.ok(o.error instanceof NetworkError);
      assert.equal(o.error.code, 'ECONNRESET');
      assert.equal(o.attempts, POLICY.maxAttempts);
      const before = srv.requests();
      o = await attempt('reset mid-response', 'POST', 'loopback', () => client(srv.url).post(EDIT), () => srv.requests() - before);
      assert.ok(o.error instanceof NetworkError);
      assert.equal(o.error.code, 'ECONNRESET');
      assert.equal(o.error.maybeSent, true);
      assert.match(o.error.message, /may have reached the wiki, so it was not sent again/);
      assert.equal(o.attempts, 1);
    } finally {
      await srv.stop();
    }
  });

  it('connection closed before the announced length (truncated body): same as a reset', async () => {
    const partial = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{"batchcomplete":true,"query":{"pa';
    const srv = await rawServer(partial, 'close');
    try {
      const o = await attempt('truncated body (close before content-length)', 'POST', 'loopback', () => client(srv.url).post(EDIT), srv.requests);
      assert.ok(o.error instanceof NetworkError, String(o.error));
      assert.equal(o.error.code, 'ECONNRESET');
      assert.equal(o.error.maybeSent, true);
      assert.equal(o.attempts, 1);
    } finally {
      await srv.stop();
    }
  });

  it('slow answer past the timeout: GET retried within the deadline, POST not re-sent', async () => {
    const server = await new CannedServer().start();
    try {
      server.answer().otherwise('hang');
      // A deadline that leaves room for every attempt, so maxAttempts is what stops the retries.
      let o = await attempt('slow response past timeout', 'GET', 'loopback', () => client(server.url, { deadlineMs: 5_000 }).get({ action: 'query' }), () => server.hits.length);
      assert.equal(o.error?.code, 'ETIMEDOUT');
      assert.match(o.error!.message, /no answer in time.*did not answer in time/);
      assert.equal(o.attempts, POLICY.maxAttempts);
      server.answer();
      o = await attempt('slow response past timeout', 'POST', 'loopback', () => client(server.url).post(EDIT), () => server.hits.length);
      assert.ok(o.error instanceof NetworkError);
      assert.equal(o.error.code, 'ETIMEDOUT');
      assert.equal(o.error.maybeSent, true);
      assert.equal(o.attempts, 1);
      // The deadline bounds the total, whatever maxAttempts says: deadline + at most one timeout.
      server.answer();
      const deadlineMs = 2_500;
      o = await attempt('slow response past timeout (deadline)', 'GET', 'loopback', () => client(server.url, { maxAttempts: 50, deadlineMs }).get({ action: 'query' }), () => server.hits.length);
      assert.equal(o.error?.code, 'ETIMEDOUT');
      assert.ok(o.elapsedMs <= deadlineMs + TIMEOUT_MS + TIMER_SLACK_MS + 300, `took ${o.elapsedMs} ms`);
      assert.ok(o.attempts >= 2 && o.attempts <= 8, `attempts ${o.attempts}`);
    } finally {
      server.otherwise({ json: {} });
      await server.stop();
    }
  });
  it('a body that trickles in (one byte every 50 ms, forever): cut off at the request timeout, not kept alive by the idle timer', async () => {
    // Headers at once, then the body slowly: undici's bodyTimeout is an idle timer, which every byte resets.
    const server = await new CannedServer().start();
    try {
      server.answer().otherwise('trickle');
      const o = await attempt('body trickling past the timeout', 'GET', 'loopback', () => client(server.url, { maxAttempts: 1 }).get({ action: 'query' }), () => server.hits.length);
      assert.equal(o.error?.code, 'ETIMEDOUT', String(o.error));
      assert.match(o.error!.message, /no answer in time/);
      assert.equal(o.attempts, 1);
      assert.ok(o.elapsedMs >= TIMEOUT_MS - 50 && o.elapsedMs <= TIMEOUT_MS + 400, `cut off after ${o.elapsedMs} ms (timeout ${TIMEOUT_MS} ms)`);
    } finally {
      await server.stop();
    }
  });
});

describe('fault matrix: HTTP and API faults (canned loopback answers)', () => {
  let server: CannedServer;
  before(async () => (server = await new CannedServer().start()));
  after(() => server.stop());
  afterEach(() => server.answer().otherwise({ json: { batchcomplete: true, query: {} } }));

  const run = (fault: string, method: 'GET' | 'POST', extra: Partial<RetryPolicy> = {}) =>
    attempt(fault, method, 'loopback', () => client(server.url, extra).request(method, method === 'GET' ? { action: 'query' } : EDIT), () => server.hits.length);

  it('truncated JSON (complete HTTP answer, cut JSON): one attempt, not-json naming it', async () => {
    for (const method of ['GET', 'POST'] as const) {
      server.answer().otherwise({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"batchcomplete":true,"query":{"pages":[{"ti' });
      const o = await run('truncated JSON', method);
      assert.ok(o.error instanceof NotJsonError);
      assert.match(o.error.message, /broken JSON.*\[not-json\]/);
      assert.equal(o.attempts, 1);
    }
  });

  it('HTML instead of JSON: a login wall (200) is not-json naming the page, one attempt', async () => {
    server.answer().otherwise({ status: 200, body: '<html><head><title>Sign in - Corp SSO</title></head><body>login</body></html>' });
    const o = await run('HTML login wall instead of JSON', 'GET');
    assert.ok(o.error instanceof NotJsonError);
    assert.match(o.error.message, /text\/html instead of API JSON \("Sign in - Corp SSO"\).*login wall or proxy/);
    assert.equal(o.attempts, 1);
  });

  it('HTML proxy error page (502): GET retried, POST not; http-502', async () => {
    server.answer().otherwise({ status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' });
    let o = await run('HTML proxy error page (502)', 'GET');
    assert.ok(o.error instanceof HttpError);
    assert.equal(o.error.code, 'http-502');
    assert.match(o.error.message, /answered HTTP 502.*proxy in front of the wiki failed/);
    assert.equal(o.attempts, POLICY.maxAttempts);
    server.answer().otherwise({ status: 502, body: '<html>Bad Gateway</html>' });
    o = await run('HTML proxy error page (502)', 'POST');
    assert.equal(o.error?.code, 'http-502');
    assert.equal(o.attempts, 1);
  });

  for (const status of [500, 502, 503]) {
    it(`HTTP ${status} without Retry-After: GET retried with backoff, POST sent once`, async () => {
      server.answer().otherwise({ status, body: 'error' });
      let o = await run(`HTTP ${status}`, 'GET');
      assert.ok(o.error instanceof HttpError);
      assert.equal(o.error.code, `http-${status}`);
      assert.equal(o.attempts, POLICY.maxAttempts);
      server.answer();
      o = await run(`HTTP ${status}`, 'POST');
      assert.ok(o.error instanceof HttpError, 'a POST is not re-sent after a 5xx (it may have been carried out)');
      assert.equal(o.error.code, `http-${status}`);
      assert.equal(o.attempts, 1);
    });

    it(`HTTP ${status} with Retry-After: the wait is the server's (capped), bounded by the deadline`, async () => {
      server.answer().otherwise({ status, headers: { 'retry-after': '1' }, body: 'error' });
      // maxDelayMs 1500 lets the 1 s through; the 3 s deadline allows 2 such waits, not 3.
      const o = await run(`HTTP ${status} + Retry-After: 1`, 'GET', { maxAttempts: 10, maxDelayMs: 1_500 });
      assert.equal(o.error?.code, `http-${status}`);
      assert.equal(o.attempts, 3);
      assert.ok(o.elapsedMs >= 2_000, `waited the server's 2 x 1 s (${o.elapsedMs} ms)`);
      server.answer();
      const p = await run(`HTTP ${status} + Retry-After: 1`, 'POST', { maxDelayMs: 1_500 });
      assert.equal(p.attempts, 1);
    });
  }

  it('HTTP 429: retried for GET and POST (the wiki did nothing), Retry-After honoured', async () => {
    for (const method of ['GET', 'POST'] as const) {
      server.answer().otherwise({ status: 429, headers: { 'retry-after': '0.2' }, body: 'Too Many Requests' });
      const o = await run('HTTP 429 + Retry-After', method);
      assert.ok(o.error instanceof HttpError);
      assert.equal(o.error.code, 'http-429');
      assert.match(o.error.message, /rate limiting requests; wait and try again/);
      assert.equal(o.attempts, POLICY.maxAttempts);
      assert.ok(o.elapsedMs >= 3 * 200, `waited Retry-After each time (${o.elapsedMs} ms)`);
    }
  });

  it('internal_api_error_DBQueryError: GET retried, POST sent once', async () => {
    const dbError = { json: { error: { code: 'internal_api_error_DBQueryError', info: '[abc123] Exception caught: A database query error has occurred.', errorclass: 'Wikimedia\\Rdbms\\DBQueryError' } } };
    server.answer().otherwise(dbError);
    let o = await run('internal_api_error_DBQueryError', 'GET');
    assert.ok(o.error instanceof ApiError);
    assert.equal(o.error.code, 'internal_api_error_DBQueryError');
    assert.match(o.error.message, /database error; try again later/);
    assert.equal(o.attempts, POLICY.maxAttempts);
    server.answer();
    o = await run('internal_api_error_DBQueryError', 'POST');
    assert.equal(o.error?.code, 'internal_api_error_DBQueryError');
    assert.equal(o.attempts, 1);
  });

  it('a redirect to another host is not followed, and that host gets nothing', async () => {
    const hits: http.IncomingHttpHeaders[] = [];
    const other = http.createServer((req, res) => {
      hits.push(req.headers);
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.2', r));
    const target = `http://127.0.0.2:${(other.address() as AddressInfo).port}/w/api.php`;
    try {
      for (const [method, status] of [['GET', 302], ['POST', 307]] as const) {
        server.answer().otherwise({ status, headers: { location: target }, body: '' });
        const c = client(server.url);
        await c.transport.setCookie('wiki_session=s3cr3tvalue; Path=/', server.url);
        const o = await attempt('redirect to another host', method, 'loopback', () => c.request(method, method === 'GET' ? { action: 'query' } : EDIT), () => server.hits.length);
        assert.ok(o.error instanceof OffsiteRedirectError);
        assert.match(o.error.message, /127\.0\.0\.1:\d+ redirected .* to 127\.0\.0\.2:\d+; not followed/);
        assert.equal(o.attempts, 1);
      }
      assert.equal(hits.length, 0, 'the other host was never contacted');
    } finally {
      other.closeAllConnections();
      await new Promise<void>((r) => other.close(() => r()));
    }
  });

  it('no retry storm: 50 concurrent calls against a failing wiki send at most 50 x maxAttempts requests', async () => {
    server.answer().otherwise({ status: 503, body: 'down' });
    const c = client(server.url);
    const t = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => c.get({ action: 'query', i })));
    const elapsed = Date.now() - t;
    assert.ok(results.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'http-503'));
    assert.equal(server.hits.length, 50 * POLICY.maxAttempts);
    assert.ok(elapsed <= BOUND_MS, `took ${elapsed} ms`);
    fig.faults.push({ fault: 'HTTP 503 x 50 concurrent calls', method: 'GET', source: 'loopback', attempts: server.hits.length, elapsedMs: elapsed, code: 'http-503' });
  });
});

describe('fault matrix: faults the real wiki produces', () => {
  it('maxlag (maxlag=-2 makes a wiki without replicas lagged: its lag is -1): Retry-After from the wiki, bounded attempts', async () => {
    const c = client(wiki().apiUrl, { maxDelayMs: 20_000 });
    c.maxlag = -2;
    const retryAfters: number[] = [];
    const c2 = new ApiClient({ apiUrl: wiki().apiUrl, retry: { ...POLICY, maxDelayMs: 100 }, transport: { timeoutMs: 5_000 }, onRetry: (_r, d) => retryAfters.push(d) });
    c2.maxlag = -2;
    wiki().clearRequests();
    const o = await attempt('maxlag (+ Retry-After)', 'GET', 'real wiki', () => c2.get({ action: 'query', meta: 'siteinfo' }), () => wiki().requests().length);
    assert.ok(o.error instanceof ApiError);
    assert.equal(o.error.code, 'maxlag');
    assert.match(o.error.message, /\[maxlag\] The wiki's database replicas are lagging/);
    assert.equal(o.attempts, POLICY.maxAttempts);
    assert.deepEqual(retryAfters, [100, 100, 100], 'the server Retry-After (5 s) capped to maxDelayMs');
    // Without the cap, the wiki's Retry-After (5 s) would pass the 3 s deadline: no retry at all.
    wiki().clearRequests();
    const p = await attempt('maxlag (+ Retry-After past deadline)', 'POST', 'real wiki', () => c.post({ action: 'purge', titles: 'Main Page' }), () => wiki().requests().length);
    assert.equal(p.error?.code, 'maxlag');
    assert.equal(p.attempts, 1);
  });

  describe('readonly (a second real wiki with $wgReadOnly)', () => {
    let ro: TestWiki;
    before(async function () {
      this.timeout(60_000);
      ro = await startWiki({ extraSettings: "$wgReadOnly = 'Database maintenance (test)';" });
    });
    after(() => ro?.stop());

    it('an edit on a read-only wiki: retried with backoff (nothing was written), then readonly with the reason', async () => {
      const c = client(ro.apiUrl);
      ro.clearRequests();
      const o = await attempt('readonly', 'POST', 'real wiki', () => c.post({ action: 'edit', title: uniqueTitle('RO'), text: 'x', token: '+\\' }), () => ro.requests().filter((r) => r.action === 'edit').length);
      assert.ok(o.error instanceof ApiError);
      assert.equal(o.error.code, 'readonly');
      assert.match(o.error.message, /read-only mode\. Reason: Database maintenance \(test\)\. \[readonly\].*try again later/);
      assert.equal(o.attempts, POLICY.maxAttempts);
    });
  });

  describe('an edit is never sent twice after an ambiguous failure (TCP proxy in front of the real wiki)', () => {
    let proxy: TcpProxy;
    beforeEach(async () => {
      await wiki().resetThrottles();
      proxy = await new TcpProxy({ host: '127.0.0.1', port: Number(new URL(wiki().server).port) }, /[?&\r\n]action=edit(&|$)/).start();
    });
    afterEach(() => proxy.stop());

    async function loggedIn(timeoutMs: number): Promise<ApiClient> {
      const { bot } = wiki().users;
      const c = new ApiClient({ apiUrl: proxy.url, retry: POLICY, transport: { timeoutMs } });
      await loginWithBotPassword(c, { username: bot.lgname, password: bot.botPassword });
      await c.getToken('csrf');
      return c;
    }

    for (const mode of ['reset-after-forward', 'hold-answer'] as const) {
      it(`${mode === 'reset-after-forward' ? 'the answer is cut by a reset' : 'the answer never comes (timeout)'}: NetworkError maybeSent, 1 POST, 1 revision`, async () => {
        const c = await loggedIn(mode === 'hold-answer' ? 3_000 : 10_000);
        const title = uniqueTitle('Once');
        wiki().clearRequests();
        proxy.mode = mode;
        const o = await attempt(mode === 'reset-after-forward' ? 'edit answer cut by reset' : 'edit answer never arrives (timeout)', 'POST', 'real wiki + proxy',
          () => c.postWithToken('csrf', { action: 'edit', title, text: 'written once', summary: 'fault test' }), () => proxy.matchedForwarded);
        assert.ok(o.error instanceof NetworkError, String(o.error));
        assert.equal(o.error.code, mode === 'reset-after-forward' ? 'ECONNRESET' : 'ETIMEDOUT');
        assert.equal(o.error.maybeSent, true);
        assert.match(o.error.message, /check the wiki before repeating it/);
        assert.equal(o.attempts, 1, 'the edit POST went out once');
        assert.equal(proxy.answersDropped, 1);
        // The wiki did the edit, once.
        for (let i = 0; i < 50 && (await wiki().revisionCount(title)) === 0; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(wiki().requests().filter((r) => r.action === 'edit').length, 1, 'the wiki saw one edit request');
        assert.equal(await wiki().revisionCount(title), 1, 'one revision');
        // The client stays usable and still does not replay anything.
        proxy.mode = 'pass';
        const res = await c.get({ action: 'query', prop: 'revisions', titles: title, rvprop: 'content', rvslots: 'main' });
        const page = (res.query as { pages: { revisions?: { slots: { main: { content: string } } }[] }[] }).pages[0];
        assert.equal(page.revisions?.[0]?.slots.main.content, 'written once');
        assert.equal(await wiki().revisionCount(title), 1);
      });
    }
  });
});
