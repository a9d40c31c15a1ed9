// A wiki that does not compress (as Debian's php.ini makes it, see README "Compression"; here
// $wgDisableOutputCompression) behind a front that does: real Apache with mod_brotli and mod_deflate,
// as a CDN or front server. Ours asks for br and gets it; what crossed the wire is read from Apache's
// access log, what the page holds from the wiki.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { request } from 'undici';
import { ApiClient, Transport, loginWithBotPassword } from '../../src/mediawiki';
import { startApacheFront, type ApacheFront } from '../net/apacheFront';
import { startWiki, type StartedWiki } from '../wiki';
import { uniqueTitle } from './helpers';

describe('behind a compressing front (Apache mod_brotli and mod_deflate; the wiki itself not compressing)', function () {
  this.timeout(120_000);
  let w: StartedWiki;
  let front: ApacheFront;

  before(async () => {
    w = await startWiki({ extraSettings: '$wgDisableOutputCompression = true;' });
    front = await startApacheFront(w.apiUrl);
  });
  after(async () => {
    await front?.stop();
    await w?.stop();
  });

  it('the wiki alone answers uncompressed, even to a client that asks for gzip', async () => {
    const res = await request(`${w.apiUrl}?action=query&meta=siteinfo&format=json`, { headers: { 'accept-encoding': 'gzip' } });
    await res.body.text();
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-encoding'], undefined);
  });

  it('ours gets br from the front: bot password login, an edit of 512 KiB of prose, and the page read back whole in far fewer bytes', async () => {
    const prose = zlib.gunzipSync(fs.readFileSync('/usr/share/doc/mediawiki/changelog.gz')).toString('utf8').slice(0, 512 * 1024);
    const client = new ApiClient({ apiUrl: front.apiUrl, transport: new Transport() });
    const bot = w.users.bot;
    await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
    const title = uniqueTitle('Compressed');
    const edit = await client.postWithToken('csrf', { action: 'edit', title, text: prose, summary: 'compression test' });
    assert.equal((edit.edit as { result: string }).result, 'Success');

    const before = front.log().length;
    const res = await client.get({ action: 'query', prop: 'revisions', rvprop: 'content', rvslots: 'main', titles: title, formatversion: '2' });
    const page = (res.query as { pages: { revisions: { slots: { main: { content: string } } }[] }[] }).pages[0]!;
    // MediaWiki normalises line ends and trims trailing whitespace on save.
    assert.equal(page.revisions[0]!.slots.main.content, prose.replace(/\r\n?/g, '\n').trimEnd());

    const read = front.log().slice(before);
    assert.equal(read.length, 1, `one request for the page: ${JSON.stringify(read)}`);
    assert.equal(read[0]!.encoding, 'br', 'the front chose br for ours');
    const json = Buffer.byteLength(JSON.stringify(res));
    assert.ok(read[0]!.bytesSent < json / 2.5, `${read[0]!.bytesSent} bytes on the wire for ${json} bytes of JSON`);
    // Every answer of the login and the edit came compressed too (all are JSON).
    for (const e of front.log().slice(0, before)) assert.equal(e.encoding, 'br', `${e.method} ${e.path}: ${JSON.stringify(e)}`);
  });
});
