// OAuth 2.0 logins through the real VS Code flow against a real wiki with the test-only TestOAuth
// extension (behaves like Extension:OAuth REL1_39; test/wiki/oauth.ts), started here. The browser is
// played by TestBrowser: the extension's browser opener is recorded (test build), and the test
// follows the authorization URL as a person's browser would (wiki login form, Allow/Cancel), then
// follows the wiki's redirect to the extension's fixed loopback address.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';
import type { AccountSummary } from '../../../src/vscode/commands';
import { browserAuthorize, GRANTS } from '../../core/oauthHelpers';
import { startOAuthWiki, type OAuthConsumer, type OAuthWiki } from '../../wiki/oauth';
import { canConnect as connects, freePort } from '../../net/ports';
import { EXT_ID, rejects, sessionClient, state, waitFor } from './helpers';

const REDIRECT_PATH = '/mediawiki-sessions/oauth';

/** Hands a secret to the secret scan (test/reliability/secretScan.ts), which then looks for it in every log and file of the run. */
function toSecretScan(kind: string, value: string | undefined): void {
  const sink = process.env.MWS_SECRET_SINK;
  if (sink && value) fs.appendFileSync(sink, `${JSON.stringify({ kind, value })}\n`, { mode: 0o600 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config = () => vscode.workspace.getConfiguration('mediawiki');

interface OAuthStored {
  session?: string;
  clientSecret?: string;
}

describe('OAuth 2.0 logins in VS Code (real wiki with TestOAuth)', function () {
  this.timeout(120_000);
  let w: OAuthWiki;
  let api: ReturnType<MediaWikiSessionsExtension['getAPI']>;
  let port: number;
  let redirectUri: string;
  let n = 0;

  before(async () => {
    api = (await vscode.extensions.getExtension<MediaWikiSessionsExtension>(EXT_ID)!.activate()).getAPI(1);
    w = await startOAuthWiki({ host: '127.0.0.2' });
    port = await freePort();
    redirectUri = `http://127.0.0.1:${port}${REDIRECT_PATH}`;
    await config().update('oauth.redirectPort', port, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('mediawiki.addWiki', { url: w.apiUrl });
    await vscode.commands.executeCommand('mediawiki.test.captureBrowser', true);
  });

  afterEach(async () => {
    // A login a failed test left waiting holds the fixed port: Escape on its progress is not
    // reachable from here, so its wait ends by the receiver's timeout at the latest; wait for that.
    await waitFor(async () => (await vscode.commands.executeCommand<number[]>('mediawiki.test.oauthReceiverPorts')).length === 0, 'the OAuth receiver to close', 70_000);
    w.oauth.configure({ accessTtl: 'PT1H', refreshTtl: 'PT1M' });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('notifications.clearAll');
    for (const a of (await state()).accounts.filter((x) => x.site === w.apiUrl)) {
      await vscode.commands.executeCommand('mediawiki.logOut', { site: w.apiUrl, account: a.user });
    }
  });

  after(async () => {
    await vscode.commands.executeCommand('mediawiki.test.captureBrowser', false);
    await config().update('oauth.redirectPort', undefined, vscode.ConfigurationTarget.Global);
    await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    if (w) await vscode.commands.executeCommand('mediawiki.removeWiki', { site: w.apiUrl });
    await w?.stop();
  });

  const consumer = (extra: Partial<Parameters<OAuthWiki['oauth']['createConsumer']>[0]> = {}): Promise<OAuthConsumer> =>
    w.oauth.createConsumer({ owner: w.users.plain.userId, callback: redirectUri, grants: GRANTS, name: `VS Code test ${++n}`, grantTypes: ['authorization_code', 'refresh_token'], ...extra });

  async function revisionUser(title: string): Promise<string> {
    const r = await fetch(`${w.apiUrl}?action=query&prop=revisions&titles=${encodeURIComponent(title)}&rvprop=user&format=json&formatversion=2`);
    const body = (await r.json()) as { query: { pages: { revisions: { user: string }[] }[] } };
    return body.query.pages[0]!.revisions[0]!.user;
  }

  /** An edit through the consent-gated API, as a sibling extension makes it. */
  async function editAs(user: string, title: string): Promise<void> {
    const client = await sessionClient(api, w.apiUrl, user);
    await client.postWithToken('csrf', { action: 'edit', title, text: `Saved with OAuth 2 at ${new Date().toISOString()}` });
  }

  const stored = (user: string, clientId: string) =>
    vscode.commands.executeCommand<OAuthStored>('mediawiki.test.oauthStored', { site: w.apiUrl, user, clientId });

  /** Starts Log In with the browser method; returns the login and the authorization URL it opened. */
  async function startBrowserLogin(c: OAuthConsumer, withSecret: boolean) {
    await vscode.commands.executeCommand('mediawiki.test.captureBrowser', true);
    const login = Promise.resolve(vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: w.apiUrl, method: 'oauth2', clientId: c.client_key, clientSecret: withSecret ? c.secret : '', silent: true, redirectTimeoutSeconds: 60,
    }));
    login.catch(() => undefined);
    let url: string | undefined;
    await waitFor(async () => Boolean((url = (await vscode.commands.executeCommand<string[]>('mediawiki.test.openedUrls'))[0])), 'the authorization URL');
    return { login, url: url! };
  }

  /**
   * The browser follows the wiki's redirect to the loopback address. Over a plain socket: a real
   * browser is another process, while fetch/http in the extension host go through VS Code's proxy
   * resolver, which logs every URL (with the code) at debug level, as no browser request would be.
   */
  async function followToReceiver(location: string | undefined): Promise<{ status: number }> {
    assert.ok(location?.startsWith(redirectUri), 'the wiki redirected to the registered address');
    const u = new URL(location!);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(u.port), u.hostname);
      let data = '';
      socket.on('connect', () => socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`));
      socket.on('data', (d) => (data += d.toString('utf8')));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0) };
  }

  it('Add Wiki finds OAuth 2 on a wiki with Extension:OAuth and keeps it with the site', async () => {
    const site = (await state()).sites.find((s) => s.apiUrl === w.apiUrl);
    assert.equal(site?.oauth2, true);
  });

  it('owner-only token: pasted, checked with one request, stored like a session; an edit is saved as the user', async () => {
    const c = await consumer({ ownerOnly: true, grantTypes: ['client_credentials'] });
    assert.ok(c.access_token);
    const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', { site: w.apiUrl, method: 'oauth2token', accessToken: c.access_token, silent: true });
    assert.equal(account.user, w.users.plain.name);
    assert.equal(account.method, 'oauth2token');
    const blob = JSON.parse((await stored(account.user, c.client_key)).session ?? '{}') as { oauth?: { accessToken?: string; ownerOnly?: boolean } };
    assert.equal(blob.oauth?.accessToken, c.access_token);
    assert.equal(blob.oauth?.ownerOnly, true);
    toSecretScan('OAuth owner-only access token', c.access_token);
    const title = `OAuth owner-only ${Date.now()}`;
    await editAs(account.user, title);
    assert.equal(await revisionUser(title), w.users.plain.name);
  });

  it('owner-only token the wiki refuses: coded error, nothing stored', async () => {
    const c = await consumer({ ownerOnly: true, grantTypes: ['client_credentials'] });
    await w.oauth.revoke(w.users.plain.userId, c.client_key);
    const e = await rejects(vscode.commands.executeCommand('mediawiki.logIn', { site: w.apiUrl, method: 'oauth2token', accessToken: c.access_token, silent: true }));
    assert.equal(e.code, 'oauth-token-invalid', e.message);
    assert.ok(!e.message.includes(c.access_token!), 'the token is not in the message');
    assert.equal((await state()).accounts.filter((a) => a.site === w.apiUrl).length, 0);
  });

  it('browser: PKCE S256 and state to the fixed loopback address; Allow -> logged in, an edit is saved as the user; the port then refuses connections', async () => {
    const c = await consumer();
    const { login, url } = await startBrowserLogin(c, false);
    const q = new URL(url).searchParams;
    assert.equal(q.get('redirect_uri'), redirectUri, url);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(q.get('state'));
    assert.deepEqual(await vscode.commands.executeCommand('mediawiki.test.oauthReceiverPorts'), [port]);
    const back = await browserAuthorize(w, url, 'accept');
    toSecretScan('OAuth authorization code', new URL(back.location!).searchParams.get('code') ?? undefined);
    const landing = await followToReceiver(back.location);
    assert.equal(landing.status, 200);
    const account = await login;
    assert.equal(account.user, w.users.plain.name);
    assert.equal(account.method, 'oauth2');
    assert.equal(await connects(port), false, 'the receiver closed after the answer');
    assert.deepEqual(await vscode.commands.executeCommand('mediawiki.test.oauthReceiverPorts'), []);
    const title = `OAuth browser ${Date.now()}`;
    await editAs(account.user, title);
    assert.equal(await revisionUser(title), w.users.plain.name);
    // Stored: tokens in the session blob, no client secret anywhere (none was given); the client id with the site.
    const s = await stored(account.user, c.client_key);
    const blob = JSON.parse(s.session ?? '{}') as { oauth?: { accessToken?: string; refreshToken?: string; clientId?: string }; cookies?: { cookies?: unknown[] } };
    assert.ok(blob.oauth?.accessToken && blob.oauth.refreshToken);
    assert.equal(blob.oauth.clientId, c.client_key);
    assert.equal(s.clientSecret, undefined);
    assert.ok(!s.session!.includes(c.secret));
    assert.equal((await state()).sites.find((x) => x.apiUrl === w.apiUrl)?.oauthClientId, c.client_key);
  });

  it('browser: Cancel on the consent page -> oauth-cancelled, nothing stored, port closed', async () => {
    const c = await consumer();
    const { login, url } = await startBrowserLogin(c, true);
    await followToReceiver((await browserAuthorize(w, url, 'cancel')).location);
    const e = await rejects(login);
    assert.equal(e.code, 'oauth-cancelled', e.message);
    assert.equal((await state()).accounts.filter((a) => a.site === w.apiUrl).length, 0);
    assert.equal((await stored(w.users.plain.name, c.client_key)).clientSecret, undefined, 'the secret is kept only after a login');
    assert.equal(await connects(port), false);
  });

  it('browser: an answer with another state is refused (oauth-state-mismatch), nothing stored', async () => {
    const c = await consumer();
    const { login, url } = await startBrowserLogin(c, false);
    const back = await browserAuthorize(w, url, 'accept');
    const forged = new URL(back.location!);
    forged.searchParams.set('state', 'not-the-state-of-this-login');
    await followToReceiver(forged.toString());
    const e = await rejects(login);
    assert.equal(e.code, 'oauth-state-mismatch', e.message);
    assert.equal((await state()).accounts.filter((a) => a.site === w.apiUrl).length, 0);
    assert.equal(await connects(port), false);
  });

  it('browser with the client secret: kept under its own key only; an expired token is refreshed without asking (tokens rotate)', async () => {
    w.oauth.configure({ accessTtl: 'PT3S', refreshTtl: 'PT1M' });
    const c = await consumer();
    const { login, url } = await startBrowserLogin(c, true);
    await followToReceiver((await browserAuthorize(w, url, 'accept')).location);
    const account = await login;
    const before = await stored(account.user, c.client_key);
    assert.equal(before.clientSecret, c.secret);
    assert.ok(!before.session!.includes(c.secret), 'no secret in the session blob');
    const old = (JSON.parse(before.session!) as { oauth: { accessToken: string; refreshToken: string } }).oauth;
    const oldAccess = old.accessToken;
    toSecretScan('OAuth client secret', c.secret);
    toSecretScan('OAuth access token', old.accessToken);
    toSecretScan('OAuth refresh token', old.refreshToken);
    await sleep(3500);
    const title = `OAuth refreshed ${Date.now()}`;
    await editAs(account.user, title);
    assert.equal(await revisionUser(title), w.users.plain.name);
    const after = JSON.parse((await stored(account.user, c.client_key)).session!) as { oauth: { accessToken: string; refreshToken: string } };
    toSecretScan('OAuth access token', after.oauth.accessToken);
    toSecretScan('OAuth refresh token', after.oauth.refreshToken);
    assert.notEqual(after.oauth.accessToken, oldAccess, 'the refreshed token was stored');
    const rows = await w.oauth.tokens(c.client_key);
    assert.ok(rows.refresh.some((r) => r.revoked === 1), 'the wiki rotated the refresh token');
    assert.equal((await state()).accounts.find((a) => a.site === w.apiUrl)?.state, 'active');
  });

  it('browser with the client secret, restored from SecretStorage: the secret is read back from its own key and the refresh works', async () => {
    w.oauth.configure({ accessTtl: 'PT3S', refreshTtl: 'PT1M' });
    const c = await consumer();
    const { login, url } = await startBrowserLogin(c, true);
    await followToReceiver((await browserAuthorize(w, url, 'accept')).location);
    const account = await login;
    await vscode.commands.executeCommand('mediawiki.test.restoreFromStorage', { site: w.apiUrl, user: account.user });
    const before = (JSON.parse((await stored(account.user, c.client_key)).session!) as { oauth: { accessToken: string } }).oauth.accessToken;
    await sleep(3500);
    const title = `OAuth restored ${Date.now()}`;
    await editAs(account.user, title);
    assert.equal(await revisionUser(title), w.users.plain.name);
    const after = JSON.parse((await stored(account.user, c.client_key)).session!) as { oauth: { accessToken: string; refreshToken: string } };
    assert.notEqual(after.oauth.accessToken, before, 'refreshed with the secret read at restore');
    toSecretScan('OAuth access token', after.oauth.accessToken);
    toSecretScan('OAuth refresh token', after.oauth.refreshToken);
  });

  it('browser: a refresh the wiki refuses (refresh token expired) -> the call fails with a code within its deadline, the account shows expired', async () => {
    w.oauth.configure({ accessTtl: 'PT2S', refreshTtl: 'PT1S' });
    await config().update('requestTimeoutSeconds', 3, vscode.ConfigurationTarget.Global);
    try {
      const c = await consumer();
      const { login, url } = await startBrowserLogin(c, true);
      await followToReceiver((await browserAuthorize(w, url, 'accept')).location);
      const account = await login;
      await sleep(2500);
      const client = await sessionClient(api, w.apiUrl, account.user);
      const e = await rejects(client.get({ action: 'query', meta: 'userinfo' }));
      assert.equal(e.code, 'assertuserfailed', e.message);
      await waitFor(async () => (await state()).accounts.find((a) => a.site === w.apiUrl)?.state === 'expired', 'the account to show expired');
    } finally {
      await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
