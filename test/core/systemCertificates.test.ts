// A wiki whose certificate chains to a CA that is only in the operating system's trust store
// (a company CA): trusted by default, as by VS Code itself; with systemCertificates off it is a
// tls-error naming the host and the reason. The CA is made here, installed into Debian's trust store
// with update-ca-certificates, and taken out again (the bundle is checked to be as before).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { ApiClient, NetworkError, Transport, loginWithBotPassword, networkSetup, refreshSystemCertificates } from '../../src/mediawiki';
import { startHttpsFront, type HttpsFront } from '../net/servers';
import { installSystemCa, makeTestCa } from '../net/tls';
import { wiki } from './hooks';
import { uniqueTitle } from './helpers';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const digest = () => createHash('sha256').update(fs.readFileSync(BUNDLE)).digest('hex');

describe('the operating system\'s trust store (a CA only there, like a company CA)', function () {
  this.timeout(120_000);
  let front: HttpsFront;
  let installed: ReturnType<typeof installSystemCa> | undefined;
  let bundleBefore: string;
  const ca = makeTestCa();

  before(async () => {
    bundleBefore = digest();
    front = await startHttpsFront(wiki().apiUrl, ca.server);
  });
  after(async () => {
    installed?.remove();
    refreshSystemCertificates();
    await front.stop();
    assert.equal(digest(), bundleBefore, 'the trust store bundle is as it was before the test');
    assert.ok(!fs.readFileSync(BUNDLE, 'utf8').includes(ca.caPem.split('\n')[1]!), 'the test CA is gone from the bundle');
    assert.deepEqual(fs.readdirSync('/etc/ssl/certs').filter((n) => n.startsWith('mws-test-')), [], 'no link of the test CA is left');
    const dangling = fs.readdirSync('/etc/ssl/certs').filter((n) => {
      try {
        fs.statSync(`/etc/ssl/certs/${n}`);
        return false;
      } catch {
        return true;
      }
    });
    assert.deepEqual(dangling, [], 'no dangling link in /etc/ssl/certs');
  });

  const client = (systemCertificates: boolean) =>
    new ApiClient({ apiUrl: front.apiUrl, transport: new Transport({ dispatcher: networkSetup({ systemCertificates }).dispatcher }) });

  it('before the CA is installed: tls-error naming the host and the unknown authority', async () => {
    refreshSystemCertificates();
    const err = await client(true).get({ action: 'query', meta: 'siteinfo' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.code, 'tls-error');
    assert.match(err.message, /127\.0\.0\.1.*issuer is not trusted here \(unknown certificate authority\)/);
  });

  it('installed in the system store: login and an edit work with no setting; systemCertificates false: tls-error naming host and reason', async () => {
    installed = installSystemCa(ca.caPem);
    assert.ok(fs.readFileSync(BUNDLE, 'utf8').includes(ca.caPem.split('\n')[1]!), 'update-ca-certificates put the CA into the bundle');
    refreshSystemCertificates();
    const setup = networkSetup({});
    assert.equal(setup.systemCertificates, true);
    assert.match(setup.description, /certificates checked \(Node's authorities and the system's: \/etc\/ssl\/certs\/ca-certificates\.crt\)/);

    const c = client(true);
    const bot = wiki().users.bot;
    await loginWithBotPassword(c, { username: bot.lgname, password: bot.botPassword });
    const title = uniqueTitle('SystemCa');
    const res = await c.postWithToken('csrf', { action: 'edit', title, text: 'edited over https with a CA from the system store', summary: 'system CA test' });
    assert.equal((res.edit as { result: string }).result, 'Success');
    assert.equal(await wiki().revisionCount(title), 1);

    const off = networkSetup({ systemCertificates: false });
    assert.match(off.description, /Node's authorities only: http\.systemCertificates is false/);
    const err = await client(false).get({ action: 'query', meta: 'siteinfo' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.code, 'tls-error');
    assert.match(err.message, new RegExp(`${new URL(front.origin).host.replace(/\./g, '\\.')}.*issuer is not trusted here \\(unknown certificate authority\\) \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\).*\\[tls-error\\]`));
  });
});
