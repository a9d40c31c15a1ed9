// Issue #7 in a real VS Code: a private wiki, VS Code's http.proxy / http.noProxy /
// http.proxyStrictSSL settings, and "Use Existing Session…", against the real test wikis.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ApiClient, clientLogin, useExistingSession } from '../../../src/mediawiki';
import type { AccountSummary } from '../../../src/vscode/commands';
import type { MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';
import { startHttpsFront, startProxy } from '../../net/servers';
import { installSystemCa, makeTestCa } from '../../net/tls';
import { EXT_ID, control } from './helpers';
import type { VsCodeTestContext } from '../setupWiki';
import { testContext } from './env';
import { sessionClient, state, stored } from './helpers';

interface Site { apiUrl: string; name: string; articlePath: string; wikiId: string; requiresLogin: boolean }

function ctx(): VsCodeTestContext {
  const c = testContext<VsCodeTestContext>();
  if (!c?.privateWiki) throw new Error('no private test wiki in the context: run through run.ts --setup out/test/vscode/setupWiki.js');
  return c;
}

async function rejects(p: Thenable<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the command to fail');
}

const http = () => vscode.workspace.getConfiguration('http');
async function setHttp(key: string, value: unknown): Promise<void> {
  await http().update(key, value, vscode.ConfigurationTarget.Global);
}

describe('Wikis people really use (issue #7, real VS Code)', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await setHttp('proxy', undefined);
    await setHttp('noProxy', undefined);
    await setHttp('proxyStrictSSL', undefined);
    await setHttp('systemCertificates', undefined);
  });

  it('private wiki: Add Wiki… registers it as needing a login, with its real name; a bot-password login then reads it', async () => {
    const p = ctx().privateWiki;
    const site = await vscode.commands.executeCommand<Site>('mediawiki.addWiki', { url: p.articleUrl });
    assert.equal(site.apiUrl, p.apiUrl);
    assert.equal(site.requiresLogin, true);
    assert.equal(site.name, p.siteName);
    assert.equal(site.wikiId, p.wikiId);
    const bot = ctx().users.bot;
    const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', { site: p.apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, silent: true });
    assert.equal(account.user, bot.name);
    const checked = await vscode.commands.executeCommand<AccountSummary>('mediawiki.checkSession', { site: p.apiUrl });
    assert.equal(checked.state, 'active');
    assert.equal(await vscode.commands.executeCommand('mediawiki.logOut', { site: p.apiUrl, account: bot.name }), true);
    assert.equal(await vscode.commands.executeCommand('mediawiki.removeWiki', { site: p.apiUrl }), true);
  });

  it('Use Existing Session…: a pasted browser Cookie header is checked and stored; a wrong one is refused and stores nothing', async () => {
    const p = ctx().privateWiki;
    const plain = ctx().users.plain;
    // The "browser": a separate login whose cookies the user copies.
    const browser = new ApiClient({ apiUrl: p.apiUrl });
    await clientLogin(browser, { returnUrl: 'http://127.0.0.1:9/r', prompter: { fill: async () => ({ username: plain.name, password: plain.password }), redirect: async () => undefined } });
    const header = await browser.transport.cookieHeader(p.apiUrl);
    // Control: the paste is good (checked by the core directly, outside the extension).
    assert.equal((await useExistingSession(new ApiClient({ apiUrl: p.apiUrl }), header)).name, plain.name);

    const wrong = await rejects(vscode.commands.executeCommand('mediawiki.useExistingSession', { site: p.articleUrl, cookies: `${p.wikiId}_session=00000000000000000000000000000000` }));
    assert.equal(wrong.code, 'session-cookies-invalid');
    assert.match(wrong.message, /does not know this cookie as a logged-in session \(\w+_session\).*copy them again/);
    const before = await state();
    assert.ok(!before.accounts.some((a) => a.site === p.apiUrl), 'nothing stored for a wrong paste');

    const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.useExistingSession', { site: p.articleUrl, cookies: `Cookie: ${header}` });
    assert.equal(account.user, plain.name);
    assert.equal(account.method, 'cookies');
    assert.deepEqual((await stored()).find((s) => s.site === p.apiUrl), { site: p.apiUrl, user: plain.name, session: true, password: false });
    const checked = await vscode.commands.executeCommand<AccountSummary>('mediawiki.checkSession', { site: p.apiUrl });
    assert.equal(checked.state, 'active');
    await vscode.commands.executeCommand('mediawiki.removeWiki', { site: p.apiUrl });
  });

  it('http.proxy: requests go through the proxy; http.noProxy bypasses it', async () => {
    const proxy = await startProxy();
    try {
      const host = new URL(ctx().apiUrl).host;
      await setHttp('proxy', proxy.url);
      const site = await vscode.commands.executeCommand<Site>('mediawiki.addWiki', { url: ctx().articleUrl });
      assert.equal(site.apiUrl, ctx().apiUrl);
      assert.ok(proxy.tunnels.includes(host), `the proxy carried the wiki's requests (${proxy.tunnels.join(', ')})`);

      await setHttp('noProxy', [new URL(ctx().apiUrl).hostname]);
      const seen = proxy.tunnels.filter((t) => t === host).length;
      await vscode.commands.executeCommand<Site>('mediawiki.addWiki', { url: ctx().articleUrl });
      assert.equal(proxy.tunnels.filter((t) => t === host).length, seen, 'noProxy: no new tunnel to the wiki');
    } finally {
      await proxy.stop();
    }
  });

  it('https with a CA only in the system trust store: Add Wiki…, login and an edit work with no setting; http.systemCertificates false: tls-error naming host and reason', async () => {
    const ca = makeTestCa();
    const front = await startHttpsFront(ctx().apiUrl, ca.server);
    const installed = installSystemCa(ca.caPem);
    try {
      // The extension looks at the store at most every 5 s: wait until it has seen the new bundle.
      let site: Site | undefined;
      const deadline = Date.now() + 20_000;
      for (let last: Error | undefined; !site; ) {
        try {
          site = await vscode.commands.executeCommand<Site>('mediawiki.addWiki', { url: front.apiUrl });
        } catch (e) {
          last = e as Error;
          if ((e as { code?: string }).code !== 'tls-error' || Date.now() > deadline) throw last;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      assert.equal(site.apiUrl, front.apiUrl);
      const bot = ctx().users.bot;
      const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', { site: front.apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, silent: true });
      assert.equal(account.user, bot.name);
      const api = (await vscode.extensions.getExtension<MediaWikiSessionsExtension>(EXT_ID)!.activate()).getAPI(1);
      const client = await sessionClient(api, front.apiUrl, bot.name);
      const title = `System CA edit ${Date.now()}`;
      const res = await client.postWithToken('csrf', { action: 'edit', title, text: 'Edited over https, CA from the system store', summary: 'system CA test' });
      assert.equal((res.edit as { result: string }).result, 'Success');
      assert.equal((await control<{ count: number }>('/revisions', { title })).count, 1);
      await vscode.commands.executeCommand('mediawiki.logOut', { site: front.apiUrl, account: bot.name });
      await vscode.commands.executeCommand('mediawiki.removeWiki', { site: front.apiUrl });

      await setHttp('systemCertificates', false);
      const e = await rejects(vscode.commands.executeCommand('mediawiki.addWiki', { url: front.apiUrl }));
      assert.equal(e.code, 'tls-error');
      assert.ok(e.message.includes(`Could not reach ${new URL(front.origin).host}: the certificate was not accepted: its issuer is not trusted here (unknown certificate authority)`), e.message);
    } finally {
      installed.remove();
      await front.stop();
    }
  });

  it('https: a self-signed certificate is refused naming host and reason; http.proxyStrictSSL false accepts it', async () => {
    const front = await startHttpsFront(ctx().apiUrl);
    try {
      const e = await rejects(vscode.commands.executeCommand('mediawiki.addWiki', { url: front.apiUrl }));
      assert.equal(e.code, 'tls-error');
      assert.ok(e.message.includes(`Could not reach ${new URL(front.origin).host}: the certificate was not accepted: it is self-signed`), e.message);
      await setHttp('proxyStrictSSL', false);
      const site = await vscode.commands.executeCommand<Site>('mediawiki.addWiki', { url: front.apiUrl });
      assert.equal(site.apiUrl, front.apiUrl);
      assert.equal(site.name, ctx().siteName);
      await vscode.commands.executeCommand('mediawiki.removeWiki', { site: front.apiUrl });
    } finally {
      await front.stop();
    }
  });
});
