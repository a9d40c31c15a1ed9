import * as assert from 'node:assert/strict';
import { ApiClient, ApiError, HttpError, NetworkError, NotJsonError } from '../../src/mediawiki';
import { CannedServer } from './cannedServer';
import { expectReject } from './util';

const OK = { json: { batchcomplete: true, query: { ok: 1 } } };
const FAST = { baseDelayMs: 5, maxDelayMs: 200, deadlineMs: 5_000 };

describe('retry policy (canned faults on loopback)', () => {
  let server: CannedServer;
  before(async () => (server = await new CannedServer().start()));
  after(() => server.stop());

  const client = (retry = FAST) => new ApiClient({ apiUrl: server.url, retry, transport: { timeoutMs: 1_000 } });

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

  it('maxlag on a POST is retried too (the wiki did nothing)', async () => {
    server.answer({ status: 503, headers: { 'retry-after': '0' }, json: { error: { code: 'maxlag', info: 'lagged', lag: 1 } } }, OK);
    await client().post({ action: 'purge', titles: 'X' });
    assert.equal(server.hits.length, 2);
  });

  it('maxlag forever: bounded attempts, a clear error naming the code', async () => {
    server.answer().otherwise({ headers: { 'retry-after': '0' }, json: { error: { code: 'maxlag', info: 'lagged', lag: 3 } } });
    const e = await expectReject(client({ ...FAST, maxAttempts: 3 } as typeof FAST).get({ action: 'query' }));
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 'maxlag');
    assert.match(e.message, /\[maxlag\]/);
    assert.equal(server.hits.length, 3);
    server.otherwise(OK);
  });

  it('readonly: backs off and retries', async () => {
    server.answer({ json: { error: { code: 'readonly', info: 'The wiki is currently in read-only mode.' } } }, OK);
    await client().get({ action: 'query' });
    assert.equal(server.hits.length, 2);
  });

  it('HTTP 503/502/500 on GET: retried with backoff', async () => {
    server.answer({ status: 503, body: 'busy' }, { status: 502, body: '<html>Bad gateway</html>' }, { status: 500, body: 'oops' }, OK);
    await client().get({ action: 'query' });
    assert.equal(server.hits.length, 4);
  });

  it('HTTP 503 on a POST: not re-sent (it may have been carried out)', async () => {
    server.answer({ status: 503, body: 'busy' }, OK);
    const e = await expectReject(client().post({ action: 'edit', title: 'X', text: 'y', token: '+\\' }));
    assert.ok(e instanceof HttpError);
    assert.equal(e.code, 'http-503');
    assert.equal(server.hits.length, 1);
  });

  it('HTTP 429: honours Retry-After (capped), also for a POST', async () => {
    server.answer({ status: 429, headers: { 'retry-after': '0.05' }, body: 'slow down' }, OK);
    await client().post({ action: 'edit', title: 'X', text: 'y', token: '+\\' });
    assert.equal(server.hits.length, 2);
  });

  it('a retry that would pass the deadline is not started', async () => {
    server.answer({ status: 503, headers: { 'retry-after': '3600' }, body: 'down' }, OK);
    const e = await expectReject(client({ ...FAST, maxDelayMs: 60_000, deadlineMs: 1_000 }).get({ action: 'query' }));
    assert.equal(e.code, 'http-503');
    assert.equal(server.hits.length, 1);
  });

  it('connection reset: GET retried, POST never re-sent', async () => {
    server.answer('reset', OK);
    await client().get({ action: 'query' });
    assert.equal(server.hits.length, 2);
    server.answer('reset', OK);
    const e = await expectReject(client().post({ action: 'edit', title: 'X', text: 'y', token: '+\\' }));
    assert.ok(e instanceof NetworkError);
    assert.equal(e.code, 'ECONNRESET');
    assert.equal(e.maybeSent, true);
    assert.match(e.message, /not sent again/);
    assert.equal(server.hits.length, 1);
  });

  it('HTML instead of JSON (a login wall): not-json naming the page', async () => {
    server.answer({ status: 200, body: '<html><head><title>Sign in to Corp SSO</title></head></html>' });
    const e = await expectReject(client().get({ action: 'query' }));
    assert.ok(e instanceof NotJsonError);
    assert.match(e.message, /Sign in to Corp SSO/);
    assert.equal(server.hits.length, 1);
  });

  it('a slow answer times out with ETIMEDOUT', async () => {
    server.answer('hang', 'hang', 'hang');
    const e = await expectReject(client({ ...FAST, maxAttempts: 2 } as typeof FAST).get({ action: 'query' }));
    assert.equal(e.code, 'ETIMEDOUT');
    assert.equal(server.hits.length, 2);
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
