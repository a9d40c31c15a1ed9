// The retry decision (src/mediawiki/retry.ts) as a table: which failure may be repeated, for which
// method, after how long, and when the attempt limit or the deadline stops it. No server needed:
// decide() sees the error and the attempt, nothing else.
import * as assert from 'node:assert/strict';
import {
  ApiError, HttpError, InputError, LoginError, NetworkError, NotJsonError, decide, parseRetryAfter,
  type AttemptContext, type RetryPolicy,
} from '../../src/mediawiki';

const URL = 'https://wiki.example.org/w/api.php';
const POLICY: RetryPolicy = { maxAttempts: 4, deadlineMs: 10_000, baseDelayMs: 100, maxDelayMs: 2_000 };
const ctx = (over: Partial<AttemptContext> = {}): AttemptContext => ({ method: 'GET', attempt: 1, startedAt: 0, now: 0, ...over });
const net = (code: string, maybeSent: boolean) => new NetworkError(code, URL, 'cause', maybeSent);

interface Row {
  what: string;
  error: unknown;
  method: 'GET' | 'POST';
  /** undefined: not retried; else the reason given. */
  reason?: string;
  retryAfterSeconds?: number;
  /** The exact delay when the server sets it (Retry-After, maxlag's lag); else the backoff range applies. */
  delayMs?: number;
}

const TABLE: Row[] = [
  // The wiki refused before doing anything: any method.
  { what: 'maxlag with Retry-After', error: new ApiError('maxlag', 'lagged', { lag: 7 }), method: 'POST', retryAfterSeconds: 1, reason: 'maxlag', delayMs: 1_000 },
  { what: 'maxlag without Retry-After: its lag', error: new ApiError('maxlag', 'lagged', { lag: 1.5 }), method: 'GET', reason: 'maxlag', delayMs: 1_500 },
  { what: 'maxlag with a lag that is not a number: 5 s, capped', error: new ApiError('maxlag', 'lagged', { lag: 'soon' }), method: 'GET', reason: 'maxlag', delayMs: 2_000 },
  { what: 'maxlag with a negative lag: 5 s, capped', error: new ApiError('maxlag', 'lagged', { lag: -1 }), method: 'GET', reason: 'maxlag', delayMs: 2_000 },
  { what: 'maxlag with a huge Retry-After: capped to maxDelayMs', error: new ApiError('maxlag', 'lagged'), method: 'GET', retryAfterSeconds: 3600, reason: 'maxlag', delayMs: 2_000 },
  { what: 'readonly, POST', error: new ApiError('readonly', 'maintenance'), method: 'POST', reason: 'readonly' },
  { what: 'readonly with Retry-After', error: new ApiError('readonly', 'maintenance'), method: 'GET', retryAfterSeconds: 0.5, reason: 'readonly', delayMs: 500 },
  { what: 'HTTP 429 on a POST, Retry-After', error: new HttpError(429, URL, 0.25), method: 'POST', reason: 'HTTP 429', delayMs: 250 },
  { what: 'HTTP 429 on a GET without Retry-After', error: new HttpError(429, URL), method: 'GET', reason: 'HTTP 429' },
  // A database error: the wiki may have done part of the work, so only GET.
  { what: 'internal_api_error_DBQueryError, GET', error: new ApiError('internal_api_error_DBQueryError', 'db'), method: 'GET', reason: 'internal_api_error_DBQueryError' },
  { what: 'internal_api_error_DBQueryError, POST', error: new ApiError('internal_api_error_DBQueryError', 'db'), method: 'POST' },
  { what: 'internal_api_error_MWException (not a database error), GET', error: new ApiError('internal_api_error_MWException', 'x'), method: 'GET' },
  // 5xx: only GET; a POST may have been carried out.
  { what: 'HTTP 500, GET', error: new HttpError(500, URL), method: 'GET', reason: 'HTTP 500' },
  { what: 'HTTP 502, GET', error: new HttpError(502, URL), method: 'GET', reason: 'HTTP 502' },
  { what: 'HTTP 503 with Retry-After, GET', error: new HttpError(503, URL, 1), method: 'GET', reason: 'HTTP 503', delayMs: 1_000 },
  { what: 'HTTP 503, POST', error: new HttpError(503, URL, 1), method: 'POST' },
  { what: 'HTML 502 page (not JSON), GET', error: new NotJsonError(URL, 502, 'text/html', 'Bad Gateway'), method: 'GET', reason: 'HTTP 502 (not JSON)' },
  { what: 'HTML 502 page (not JSON), POST', error: new NotJsonError(URL, 502, 'text/html', 'Bad Gateway'), method: 'POST' },
  { what: 'HTML login wall (200, not JSON), GET', error: new NotJsonError(URL, 200, 'text/html', 'Sign in'), method: 'GET' },
  { what: 'HTTP 404', error: new HttpError(404, URL), method: 'GET' },
  // Network: GET always; POST only when it provably never left.
  { what: 'ECONNRESET, GET', error: net('ECONNRESET', false), method: 'GET', reason: 'ECONNRESET' },
  { what: 'ECONNRESET, POST that may have been sent', error: net('ECONNRESET', true), method: 'POST' },
  { what: 'ETIMEDOUT, POST that may have been sent', error: net('ETIMEDOUT', true), method: 'POST' },
  { what: 'ECONNREFUSED, POST (nothing sent)', error: net('ECONNREFUSED', false), method: 'POST', reason: 'ECONNREFUSED' },
  { what: 'EAI_AGAIN, POST (nothing sent)', error: net('EAI_AGAIN', false), method: 'POST', reason: 'EAI_AGAIN' },
  { what: 'UND_ERR_CONNECT_TIMEOUT, GET', error: net('UND_ERR_CONNECT_TIMEOUT', false), method: 'GET', reason: 'UND_ERR_CONNECT_TIMEOUT' },
  { what: 'ENOTFOUND (a wrong name does not come right)', error: net('ENOTFOUND', false), method: 'GET' },
  { what: 'tls-error', error: net('tls-error', false), method: 'GET' },
  { what: 'proxy-auth', error: net('proxy-auth', false), method: 'GET' },
  // Not the retry policy's: badtoken and expiry are handled once by the client; the rest is final.
  { what: 'badtoken', error: new ApiError('badtoken', 'Invalid CSRF token.'), method: 'POST' },
  { what: 'assertuserfailed', error: new ApiError('assertuserfailed', 'not logged in'), method: 'GET' },
  { what: 'a login failure', error: new LoginError('Failed', 'wrong password'), method: 'POST' },
  { what: 'bad input', error: new InputError('bad-url', 'no address'), method: 'GET' },
  { what: 'a plain Error', error: new Error('boom'), method: 'GET' },
  { what: 'not an Error at all', error: 'boom', method: 'GET' },
];

describe('retry decision (decide)', () => {
  for (const row of TABLE) {
    it(`${row.what}: ${row.reason ? `retried (${row.reason})` : 'not retried'}`, () => {
      const d = decide(row.error, ctx({ method: row.method, retryAfterSeconds: row.retryAfterSeconds }), POLICY);
      if (!row.reason) {
        assert.deepEqual(d, { retry: false });
        return;
      }
      assert.equal(d.retry, true);
      if (!d.retry) return;
      assert.equal(d.reason, row.reason);
      if (row.delayMs !== undefined) assert.equal(d.delayMs, row.delayMs);
      else assert.ok(d.delayMs >= 75 && d.delayMs <= 125, `first backoff is baseDelayMs ± 25 %: ${d.delayMs}`);
    });
  }

  it('the backoff doubles with each attempt (± 25 % jitter) and is capped at maxDelayMs', () => {
    const e = new HttpError(503, URL);
    for (const [attempt, base] of [[1, 100], [2, 200], [3, 400]] as const) {
      for (let i = 0; i < 50; i++) {
        const d = decide(e, ctx({ attempt }), POLICY);
        assert.ok(d.retry && d.delayMs >= base * 0.75 && d.delayMs <= base * 1.25, `attempt ${attempt}: ${JSON.stringify(d)}`);
      }
    }
    const big = decide(e, ctx({ attempt: 9 }), { ...POLICY, maxAttempts: 20 });
    assert.ok(big.retry && big.delayMs === POLICY.maxDelayMs, JSON.stringify(big));
  });

  it('the attempt limit counts the first attempt: after maxAttempts, no retry', () => {
    const e = new HttpError(503, URL);
    assert.equal(decide(e, ctx({ attempt: POLICY.maxAttempts - 1 }), POLICY).retry, true);
    assert.deepEqual(decide(e, ctx({ attempt: POLICY.maxAttempts }), POLICY), { retry: false });
    assert.deepEqual(decide(e, ctx({ attempt: 1 }), { ...POLICY, maxAttempts: 1 }), { retry: false });
  });

  it('a retry whose wait would pass the deadline is not started; one that ends on it is', () => {
    const e = new ApiError('maxlag', 'lagged');
    const late = { startedAt: 1_000, now: 1_000 + POLICY.deadlineMs - 1_000 };
    assert.equal(decide(e, ctx({ ...late, retryAfterSeconds: 1 }), POLICY).retry, true, 'ends exactly at the deadline');
    assert.deepEqual(decide(e, ctx({ ...late, retryAfterSeconds: 1.001 }), POLICY), { retry: false });
    assert.deepEqual(decide(e, ctx({ startedAt: 0, now: 0, retryAfterSeconds: 3600 }), { ...POLICY, maxDelayMs: 60_000 }), { retry: false },
      'a server asking for an hour, with a cap above the deadline');
  });
});

describe('Retry-After parsing (parseRetryAfter)', () => {
  const NOW = Date.parse('2026-01-01T12:00:00Z');
  const TABLE: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['5', 5],
    ['0.05', 0.05],
    [' 7 ', 7],
    ['-3', 0],
    ['Thu, 01 Jan 2026 12:00:30 GMT', 30],
    ['Thu, 01 Jan 2026 11:59:00 GMT', 0],
    ['2026-01-01T12:02:00Z', 120],
    ['soon', undefined],
    ['5 seconds', undefined],
  ];
  for (const [header, seconds] of TABLE) {
    it(`${JSON.stringify(header)} -> ${seconds}`, () => {
      assert.equal(parseRetryAfter(header, NOW), seconds);
    });
  }
});
