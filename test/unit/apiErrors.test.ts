// API error mapping: what apiErrorOf makes of the wiki's `error` / `errors` objects, and the one
// shape of every core error message: "<text>. [<code>] <advice>", with the wiki's text neutralised.
import * as assert from 'node:assert/strict';
import {
  ApiError, HttpError, InsecureRedirectError, LoginError, NetworkError, NotAWikiError, NotJsonError, adviceFor, apiErrorOf,
  type ApiResponse,
} from '../../src/mediawiki';
import { formatMessage, hostOf } from '../../src/mediawiki/errors';

const URL = 'https://wiki.example.org:8443/w/api.php';

describe('API error mapping (apiErrorOf)', () => {
  interface Row {
    what: string;
    data: ApiResponse;
    code?: string;
    info?: string;
    details?: Record<string, unknown>;
  }
  const TABLE: Row[] = [
    { what: 'no error', data: { batchcomplete: true, query: {} } },
    { what: 'an empty errors list', data: { errors: [] } },
    { what: 'formatversion=2 error', data: { error: { code: 'badtoken', info: 'Invalid CSRF token.', docref: 'See …' } }, code: 'badtoken', info: 'Invalid CSRF token.', details: { docref: 'See …' } },
    { what: 'formatversion=1 error (text in *)', data: { error: { code: 'readapidenied', '*': 'You need read permission.' } }, code: 'readapidenied', info: 'You need read permission.' },
    { what: 'maxlag keeps its lag', data: { error: { code: 'maxlag', info: 'Waiting for a database server: 7 seconds lagged.', lag: 7, host: 'db1' } }, code: 'maxlag', details: { lag: 7, host: 'db1' } },
    { what: 'readonly adds the admin\'s reason', data: { error: { code: 'readonly', info: 'The wiki is currently in read-only mode.', readonlyreason: 'Upgrade until 10:00' } }, code: 'readonly', info: 'The wiki is currently in read-only mode. Reason: Upgrade until 10:00' },
    { what: 'readonly whose info already has the reason', data: { error: { code: 'readonly', info: 'Read-only: Upgrade', readonlyreason: 'Upgrade' } }, code: 'readonly', info: 'Read-only: Upgrade' },
    { what: 'an error without a code', data: { error: { info: 'something' } }, code: 'unknown', info: 'something' },
    { what: 'a code that is a number', data: { error: { code: 42, info: 'x' } }, code: '42', info: 'x' },
    { what: 'errorformat=plaintext: the first of the list', data: { errors: [{ code: 'blocked', text: 'You are blocked.' }, { code: 'other', text: 'second' }] }, code: 'blocked', info: 'You are blocked.' },
    { what: 'errorformat=html', data: { errors: [{ code: 'permissiondenied', html: '<b>No</b>' }] }, code: 'permissiondenied', info: '<b>No</b>' },
    { what: 'errorformat=raw: the key', data: { errors: [{ code: 'ratelimited', key: 'actionthrottledtext', params: [] }] }, code: 'ratelimited', info: 'actionthrottledtext' },
    { what: 'a wiki string as code: __proto__', data: { error: { code: '__proto__', info: 'x' } }, code: '__proto__', info: 'x' },
    { what: 'a wiki string as code: toString', data: { errors: [{ code: 'toString', text: 'x' }] }, code: 'toString', info: 'x' },
  ];
  for (const row of TABLE) {
    it(`${row.what}: ${row.code ? `ApiError ${row.code}` : 'none'}`, () => {
      const e = apiErrorOf(row.data);
      if (!row.code) {
        assert.equal(e, undefined);
        return;
      }
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, row.code);
      if (row.info !== undefined) assert.equal(e.info, row.info);
      for (const [k, v] of Object.entries(row.details ?? {})) assert.deepEqual(e.details[k], v);
      assert.ok(e.message.includes(`[${row.code}]`), e.message);
    });
  }

  it('errors list: all entries are kept in details.all', () => {
    const list = [{ code: 'a', text: 'A' }, { code: 'b', text: 'B' }];
    assert.deepEqual(apiErrorOf({ errors: list })?.details['all'], list);
  });
});

describe('error messages: "<text>. [<code>] <advice>"', () => {
  const TABLE: [string, Error & { code: string }, RegExp][] = [
    ['ApiError with advice', new ApiError('maxlag', 'lagged'), /^lagged\. \[maxlag\] The wiki's database replicas are lagging; try again in a moment\.$/],
    ['ApiError without advice', new ApiError('someextension-error', 'It broke.'), /^It broke\. \[someextension-error\]$/],
    ['ApiError whose text is empty', new ApiError('x', ''), /^\. \[x\]$/],
    ['whitespace in the wiki\'s text is collapsed', new ApiError('x', '  a\n\n  b  '), /^a b\. \[x\]$/],
    ['internal_api_error_DB* has database advice', new ApiError('internal_api_error_DBConnectionError', 'down'), /\[internal_api_error_DBConnectionError\] The wiki had a database error; try again later\.$/],
    ['HttpError 429', new HttpError(429, URL), /^wiki\.example\.org:8443 answered HTTP 429\. \[http-429\] The wiki is rate limiting requests; wait and try again\.$/],
    ['HttpError 504 (generic 5xx advice)', new HttpError(504, URL, undefined, 'unreadable body'), /^wiki\.example\.org:8443 answered HTTP 504 \(unreadable body\)\. \[http-504\] The wiki or a proxy in front of it failed; try again later\.$/],
    ['HttpError 404 (no advice)', new HttpError(404, URL), /^wiki\.example\.org:8443 answered HTTP 404\. \[http-404\]$/],
    ['NetworkError, not sent', new NetworkError('ECONNREFUSED', URL, 'connection refused', false), /^Could not reach wiki\.example\.org:8443: connection refused\. \[ECONNREFUSED\] Check the address and that the wiki is running\.$/],
    ['NetworkError, maybe sent', new NetworkError('ECONNRESET', URL, 'reset', true), /reset\. The request may have reached the wiki, so it was not sent again; check the wiki before repeating it\. \[ECONNRESET\]/],
    ['NotJsonError with a page title', new NotJsonError(URL, 200, 'text/html', 'Sign in'), /answered HTTP 200 with text\/html instead of API JSON \("Sign in"\)\. \[not-json\] The address does not answer like a MediaWiki API/],
    ['NotJsonError without a content type', new NotJsonError(URL, 200, '', ''), /answered HTTP 200 with no content type instead of API JSON\. \[not-json\]/],
    ['NotAWikiError, one address', new NotAWikiError('https://x.example', ['https://x.example/w/api.php']), /tried 1 address\)\. \[not-a-wiki\]/],
    ['NotAWikiError, several, with the last answer', new NotAWikiError('https://x.example', ['a', 'b', 'c'], 'HTTP 404'), /tried 3 addresses; the last one: HTTP 404\)\. \[not-a-wiki\]/],
    ['InsecureRedirectError names the origin only', new InsecureRedirectError('https://wiki.example.org/w/api.php', 'http://wiki.example.org/w/api.php?secret=1'), /^wiki\.example\.org redirected from https to plain http \(http:\/\/wiki\.example\.org\); not followed\. \[insecure-redirect\]/],
    ['LoginError', new LoginError('wrongpassword', 'Incorrect username or password entered.'), /^Incorrect username or password entered\. \[wrongpassword\] Check the user name and password\.$/],
    ['a markdown link in the wiki\'s text is neutralised', new ApiError('x', 'See [here](command:workbench.action.terminal.new)'), /^See here\. \[x\]$/],
    ['a link in the wiki\'s code is neutralised', new ApiError('[c](command:x)', 'text'), /^text\. \[c\]$/],
  ];
  for (const [what, e, re] of TABLE) {
    it(what, () => {
      assert.match(e.message, re);
    });
  }

  it('HttpError and NotJsonError keep status, URL and Retry-After for callers', () => {
    const h = new HttpError(503, URL, 12);
    assert.deepEqual([h.code, h.status, h.url, h.retryAfterSeconds], ['http-503', 503, URL, 12]);
    const n = new NotJsonError(URL, 502, 'text/html', 'Bad Gateway');
    assert.deepEqual([n.code, n.status, n.contentType], ['not-json', 502, 'text/html']);
  });

  it('hostOf: host and port; a bad URL is "the server"', () => {
    assert.equal(hostOf(URL), 'wiki.example.org:8443');
    assert.equal(hostOf('not a url'), 'the server');
  });

  it('formatMessage adds a full stop only where missing', () => {
    assert.equal(formatMessage('x', 'Done.'), 'Done. [x]');
    assert.equal(formatMessage('x', 'Done'), 'Done. [x]');
  });
});

describe('advice by code (adviceFor)', () => {
  const TABLE: [string, RegExp | ''][] = [
    ['Failed', /User@appid/],
    ['Aborted', /interactive login/],
    ['assertuserfailed', /log in again/],
    ['readapidenied', /private/],
    ['tls-error', /trusted certificates.*NODE_EXTRA_CA_CERTS.*http\.proxyStrictSSL/],
    ['http-502', /proxy in front of the wiki failed/],
    ['http-599', /wiki or a proxy in front of it failed/],
    ['internal_api_error_DBQueryError', /database error/],
    ['cancelled', ''],
    ['no-such-code', ''],
    // The code may be the wiki's: inherited properties of a plain object are not advice.
    ['__proto__', ''],
    ['toString', ''],
    ['constructor', ''],
    ['hasOwnProperty', ''],
  ];
  for (const [code, advice] of TABLE) {
    it(`${code}: ${advice === '' ? 'none' : advice.source}`, () => {
      const text = adviceFor(code);
      if (advice === '') assert.equal(text, '');
      else assert.match(text, advice);
    });
  }
});
