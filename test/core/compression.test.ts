// Compressed answers: the real wiki gzips (MediaWiki's OutputHandler) for clients that ask, and the
// transport decodes; the size limit holds for the decoded body ("zip bomb"). Encodings the test wiki
// does not produce (deflate, br) and damaged or hostile answers come from a canned loopback server.
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { request } from 'undici';
import { ACCEPT_ENCODING, ApiClient, NetworkError, Transport, loginWithBotPassword } from '../../src/mediawiki';
import { startCountingRelay, type CountingRelay } from '../net/servers';
import { CannedServer } from '../net/cannedServer';
import { wiki } from './hooks';
import { uniqueTitle } from './helpers';

describe('compression against the real wiki (MediaWiki gzips for clients that ask)', () => {
  let relay: CountingRelay;
  before(async () => (relay = await startCountingRelay(wiki().server)));
  after(() => relay.stop());

  it('the wiki answers gzip to our Accept-Encoding; the body decodes to the same JSON as an uncompressed answer, in fewer bytes on the wire', async () => {
    const apiUrl = `${relay.origin}/w/api.php`;
    const params = { action: 'query', meta: 'siteinfo', siprop: 'namespaces|namespacealiases|magicwords|extensions', format: 'json', formatversion: '2' };
    const lines: string[] = [];
    const t = new Transport({ trace: (l) => lines.push(l) });
    relay.reset();
    const ours = await t.send({ method: 'GET', url: apiUrl, params: new URLSearchParams(params) });
    const oursWire = relay.down;
    assert.equal(ours.status, 200);
    // What the server said, not what we decoded.
    assert.equal(ours.headers['content-encoding'], 'gzip');
    assert.match(ours.headers['vary'] ?? '', /Accept-Encoding/);

    // The same request without compression (no Accept-Encoding, as this client sent before). No
    // siprop=general: it holds the server's clock.
    relay.reset();
    const plain = await request(`${apiUrl}?${new URLSearchParams(params)}`, { headers: { 'user-agent': t.userAgent } });
    const plainText = await plain.body.text();
    const plainWire = relay.down;
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(JSON.parse(ours.body), JSON.parse(plainText));
    assert.ok(oursWire * 4 < plainWire, `on the wire: ${oursWire} B compressed vs ${plainWire} B plain`);
    // The trace reports both sizes.
    assert.match(lines.at(-1) ?? '', new RegExp(`-> 200 \\(\\d+ ms, ${Buffer.byteLength(ours.body)} B, \\d+ B on the wire\\)`));
  });

  it('login, edit and reading the page back all work over compressed answers', async () => {
    const apiUrl = `${relay.origin}/w/api.php`;
    const client = new ApiClient({ apiUrl });
    const bot = wiki().users.bot;
    await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
    const title = uniqueTitle('Compressed');
    const text = 'Ünïcödé wikitext that survives gzip. '.repeat(200);
    const res = await client.postWithToken('csrf', { action: 'edit', title, text, summary: 'compression test' });
    assert.equal((res.edit as { result: string }).result, 'Success');
    const got = await client.get({ action: 'query', prop: 'revisions', rvprop: 'content', rvslots: 'main', titles: title });
    const page = (got as { query: { pages: { revisions: { slots: { main: { content: string } } }[] }[] } }).query.pages[0];
    assert.equal(page.revisions[0].slots.main.content, text.trimEnd());
  });
});

describe('compression: encodings, damaged and hostile answers (canned loopback server)', () => {
  let server: CannedServer;
  before(async () => (server = await new CannedServer().start()));
  after(() => server.stop());
  afterEach(() => server.answer().otherwise({ json: { batchcomplete: true, query: {} } }));

  const json = JSON.stringify({ batchcomplete: true, query: { general: { sitename: 'Wïki '.repeat(500) } } });
  const encoded: Record<string, Buffer> = {
    gzip: zlib.gzipSync(json),
    deflate: zlib.deflateSync(json),
    'deflate (raw, as some servers send it)': zlib.deflateRawSync(json),
    br: zlib.brotliCompressSync(json),
    'gzip, br (two codings)': zlib.brotliCompressSync(zlib.gzipSync(json)),
  };
  for (const [name, raw] of Object.entries(encoded)) {
    it(`Content-Encoding ${name}: decoded`, async () => {
      const header = name.replace(/ \(.*\)$/, '').replace(/ \(two codings\)/, '');
      server.answer({ headers: { 'content-type': 'application/json', 'content-encoding': header }, raw });
      const res = await new Transport().send({ method: 'GET', url: server.url });
      assert.equal(res.body, json);
      assert.equal(server.hits[0].headers['accept-encoding'], ACCEPT_ENCODING);
    });
  }

  it('a zip bomb (64 MiB of zeros in 64 KiB of gzip) stops at the 32 MiB limit with body-too-large, not out of memory', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    assert.ok(bomb.length < 128 * 1024, `bomb is ${bomb.length} B`);
    server.answer().otherwise({ headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, raw: bomb });
    const before = process.memoryUsage().arrayBuffers;
    const client = new ApiClient({ apiUrl: server.url });
    const err = await client.get({ action: 'query' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.code, 'body-too-large');
    assert.match(err.message, /larger than 33554432 bytes.*\[body-too-large\]/);
    assert.equal(server.hits.length, 1, 'not retried');
    // Nothing near the 64 MiB the bomb expands to was kept.
    assert.ok(process.memoryUsage().arrayBuffers - before < 48 * 1024 * 1024);
  });

  it('a brotli bomb with a small limit: body-too-large at that limit', async () => {
    const bomb = zlib.brotliCompressSync(Buffer.alloc(8 * 1024 * 1024, 'a'));
    server.answer({ headers: { 'content-type': 'application/json', 'content-encoding': 'br' }, raw: bomb });
    const err = await new Transport({ maxBodyBytes: 1024 * 1024 }).send({ method: 'GET', url: server.url }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError);
    assert.equal(err.code, 'body-too-large');
    assert.match(err.message, /larger than 1048576 bytes/);
  });

  it('a damaged gzip answer: bad-encoding naming the coding, one attempt; a POST is reported as maybe sent', async () => {
    const broken = Buffer.from(zlib.gzipSync(json));
    broken.fill(0x55, 20, 60);
    server.answer().otherwise({ headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, raw: broken });
    const client = new ApiClient({ apiUrl: server.url });
    let err = await client.get({ action: 'query' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.code, 'bad-encoding');
    assert.match(err.message, /compressed answer \(gzip\) could not be decoded.*\[bad-encoding\]/);
    assert.equal(server.hits.length, 1);
    err = await client.request('POST', { action: 'edit', title: 'X', text: 'y', token: '+\\' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError);
    assert.equal(err.maybeSent, true);
  });

  it('an encoding that was not asked for (zstd): bad-encoding naming it', async () => {
    server.answer({ headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, raw: Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]) });
    const err = await new Transport().send({ method: 'GET', url: server.url }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError);
    assert.equal(err.code, 'bad-encoding');
    assert.match(err.message, /encoded as "zstd", which was not asked for/);
  });
});
