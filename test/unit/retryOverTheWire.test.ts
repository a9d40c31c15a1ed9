// The retry policy over a real socket, against a canned loopback server: a wiki that refuses once
// (maxlag, readonly, 5xx, a reset) and then answers, so the call succeeds after waiting. Faults that
// never end are in the fault matrix (test/core/faults.test.ts); the decision itself is a table in
// retryDecision.test.ts.
import * as assert from 'node:assert/strict';
import { ApiClient, NetworkError } from '../../src/mediawiki';
import { CannedServer } from '../net/cannedServer';
import { expectReject } from '../core/util';

const OK = { json: { batchcomplete: true, query: { ok: 1 } } };
const FAST = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 200, deadlineMs: 5_000 };

describe('retry over the wire (canned loopback server)', () => {
  let server: CannedServer;
  before(async () => (server = await new CannedServer().start()));
  after(() => server.stop());
  afterEach(() => server.answer().otherwise({ json: { batchcomplete: true, query: {} } }));

  const client = () => new ApiClient({ apiUrl: server.url, retry: FAST, transport: { timeoutMs: 1_000 } });

  it('maxlag: honours Retry-After, then succeeds', async () => {
    server.answer(
      { status: 200, headers: { 'retry-after': '0.05' }, json: { error: { code: 'maxlag', info: 'Waiting for a database server: 7 seconds lagged.', lag: 7 } } },
      OK,
    );
    const t = Date.now();
    const res = await client().get({ action: 'query' });
    assert.deepEqual(res.query, { ok: 1 });
    assert.equal(server.hits.length, 2);
    assert.ok(Date.now() - t >= 40, 'waited for Retry-After');
  });

  it('maxlag on a POST is retried too (the wiki did nothing), then succeeds', async () => {
    server.answer({ status: 503, headers: { 'retry-after': '0' }, json: { error: { code: 'maxlag', info: 'lagged', lag: 1 } } }, OK);
    const res = await client().post({ action: 'purge', titles: 'X' });
    assert.deepEqual(res.query, { ok: 1 });
    assert.equal(server.hits.length, 2);
    assert.equal(server.hits[1].method, 'POST');
  });

  it('readonly: backs off and retries, then succeeds', async () => {
    server.answer({ json: { error: { code: 'readonly', info: 'The wiki is currently in read-only mode.' } } }, OK);
    const res = await client().get({ action: 'query' });
    assert.deepEqual(res.query, { ok: 1 });
    assert.equal(server.hits.length, 2);
  });

  it('HTTP 503, 502, 500 in a row on a GET: retried with backoff until the wiki answers', async () => {
    server.answer({ status: 503, body: 'busy' }, { status: 502, body: '<html>Bad gateway</html>' }, { status: 500, body: 'oops' }, OK);
    const res = await client().get({ action: 'query' });
    assert.deepEqual(res.query, { ok: 1 });
    assert.equal(server.hits.length, 4);
  });

  it('HTTP 429 on a POST: honours Retry-After, then succeeds', async () => {
    server.answer({ status: 429, headers: { 'retry-after': '0.05' }, body: 'slow down' }, OK);
    const res = await client().post({ action: 'edit', title: 'X', text: 'y', token: '+\\' });
    assert.deepEqual(res.query, { ok: 1 });
    assert.equal(server.hits.length, 2);
  });

  it('connection reset before any answer: GET retried and succeeds; POST never re-sent', async () => {
    server.answer('reset', OK);
    const res = await client().get({ action: 'query' });
    assert.deepEqual(res.query, { ok: 1 });
    assert.equal(server.hits.length, 2);
    server.answer('reset', OK);
    const e = await expectReject(client().post({ action: 'edit', title: 'X', text: 'y', token: '+\\' }));
    assert.ok(e instanceof NetworkError);
    assert.equal(e.code, 'ECONNRESET');
    assert.equal(e.maybeSent, true);
    assert.match(e.message, /not sent again/);
    assert.equal(server.hits.length, 1);
  });

  it('every request has format=json, formatversion=2 and the User-Agent policy', async () => {
    server.answer(OK);
    await client().get({ action: 'query', list: ['a', 'b'], flag: true, off: false });
    const p = server.hits[0].params;
    assert.equal(p.get('format'), 'json');
    assert.equal(p.get('formatversion'), '2');
    assert.equal(p.get('list'), 'a|b');
    assert.equal(p.get('flag'), '1');
    assert.equal(p.has('off'), false);
    assert.match(String(server.hits[0].headers['user-agent']), /^MediaWikiSessions\/\d+\.\d+\.\d+ \(https:\/\/github\.com\/wikisessions\/mediawiki-sessions/);
  });
});
