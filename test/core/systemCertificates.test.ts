// A wiki whose certificate chains to a CA that is only in the operating system's trust store
// (a company CA): trusted by default, as by VS Code itself; with systemCertificates off it is a
// tls-error naming the host and the reason. The CA is made here, installed into Debian's trust store
// with update-ca-certificates, and taken out again (the bundle is checked to be as before).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { ApiClient, NetworkError, Transport, loginWithBotPassword, networkSetup, refreshSystemCertificates } from '../../src/mediawiki';
import { startHttpsFront, type HttpsFront } from '../net/servers';
import { installSystemCa, makeTestCa } from '../net/tls';
import { node24Bin } from '../prerequisites';
import { repoRoot } from '../repo';
import { wiki } from './hooks';
import { uniqueTitle } from './helpers';

const BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const digest = () => createHash('sha256').update(fs.readFileSync(BUNDLE)).digest('hex');

function withoutExtraCa(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** The test CA is gone from the bundle, its links too, and nothing dangles: the shared machine's store is as before. */
function assertStoreRestored(ca: ReturnType<typeof makeTestCa>, bundleBefore: string): void {
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
}

/**
 * An https front to the test wiki with a certificate from `ca`, for one describe: install() puts the CA
 * into the system store; afterwards it is taken out and the store checked to be as before.
 */
function systemCaFront(ca: ReturnType<typeof makeTestCa>): { readonly front: HttpsFront; install(): void } {
  let front: HttpsFront | undefined;
  let installed: ReturnType<typeof installSystemCa> | undefined;
  let bundleBefore = '';
  before(async () => {
    bundleBefore = digest();
    front = await startHttpsFront(wiki().apiUrl, ca.server);
  });
  after(async () => {
    installed?.remove();
    refreshSystemCertificates();
    await front?.stop();
    assertStoreRestored(ca, bundleBefore);
  });
  return {
    get front() {
      if (!front) throw new Error('the https front is not started yet');
      return front;
    },
    install: () => {
      installed = installSystemCa(ca.caPem);
    },
  };
}

describe('the operating system\'s trust store (a CA only there, like a company CA)', function () {
  this.timeout(120_000);
  const ca = makeTestCa();
  const fixture = systemCaFront(ca);

  // The machine's environment may name the bundle in NODE_EXTRA_CA_CERTS (this one does), which the
  // core also reads: the system store alone must be what makes the CA trusted here.
  const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
  before(() => {
    delete process.env.NODE_EXTRA_CA_CERTS;
  });
  after(() => {
    if (extraCaCerts !== undefined) process.env.NODE_EXTRA_CA_CERTS = extraCaCerts;
  });

  const client = (systemCertificates: boolean) =>
    new ApiClient({ apiUrl: fixture.front.apiUrl, transport: new Transport({ dispatcher: networkSetup({ systemCertificates }).dispatcher }) });

  it('before the CA is installed: tls-error naming the host and the unknown authority', async () => {
    refreshSystemCertificates();
    const err = await client(true).get({ action: 'query', meta: 'siteinfo' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.code, 'tls-error');
    assert.match(err.message, /127\.0\.0\.1.*issuer is not trusted here \(unknown certificate authority\)/);
  });

  it('installed in the system store: login and an edit work with no setting; systemCertificates false: tls-error naming host and reason', async () => {
    fixture.install();
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
    assert.match(err.message, new RegExp(`${new URL(fixture.front.origin).host.replace(/\./g, '\\.')}.*issuer is not trusted here \\(unknown certificate authority\\) \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\).*\\[tls-error\\]`));
  });
});

// Node 20 (code-server here, VS Code 1.99) has no API for the system store; the Node of current VS Code
// (22.15+; 24 in its remote server) has tls.getCACertificates('system'), and then the core reads both it
// and the distribution's bundle. This runs the core under Node 24, in a process of its own.
describe('the system store under Node 24 (tls.getCACertificates, as in current VS Code)', function () {
  this.timeout(120_000);
  const fixture = systemCaFront(makeTestCa());

  it('tls-error before the CA is installed; installed while it runs: login and an edit with no restart; systemCertificates false: tls-error', async () => {
    const bot = wiki().users.bot;
    const title = uniqueTitle('SystemCaNode24');
    const child = spawn(node24Bin(), [path.join(repoRoot, 'out', 'test', 'core', 'trustStoreChild.js')], {
      // Without NODE_EXTRA_CA_CERTS (see above): the system store alone.
      env: { ...withoutExtraCa(), MWS_CHILD_API: fixture.front.apiUrl, MWS_CHILD_USER: bot.lgname, MWS_CHILD_PASSWORD: bot.botPassword, MWS_CHILD_TITLE: title },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async (): Promise<Record<string, unknown>> => {
      const r = await lines.next();
      assert.ok(!r.done, 'the Node 24 child ended early');
      const line = JSON.parse(r.value) as Record<string, unknown>;
      assert.notEqual(line.step, 'crashed', String(line.message));
      return line;
    };
    try {
      const before = await next();
      assert.match(String(before.node), /^v24\./);
      assert.equal(before.nodeStore, true, 'Node 24 has tls.getCACertificates');
      assert.match(String(before.description), /certificates checked \(Node's authorities and the system's: Node's system store and \/etc\/ssl\/certs\/ca-certificates\.crt\)/);
      assert.equal(before.ok, false, 'the CA is not installed yet');
      assert.equal(before.code, 'tls-error');
      assert.match(String(before.message), /127\.0\.0\.1.*issuer is not trusted here \(unknown certificate authority\)/);

      fixture.install();
      child.stdin.write('go\n');
      const after = await next();
      assert.equal(after.ok, true, `login and edit with the CA installed: ${String(after.code)} ${String(after.message)}`);
      assert.equal(after.edit, 'Success');
      assert.equal(await wiki().revisionCount(title), 1, 'the wiki has the edit');

      const off = await next();
      assert.match(String(off.description), /Node's authorities only: http\.systemCertificates is false/);
      assert.equal(off.ok, false);
      assert.equal(off.code, 'tls-error');
      assert.match(String(off.message), /issuer is not trusted here \(unknown certificate authority\).*\[tls-error\]/);
      assert.equal(await exited, 0);
    } finally {
      child.kill();
    }
  });
});
