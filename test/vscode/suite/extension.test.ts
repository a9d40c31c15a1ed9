// The extension inside a real VS Code (code-server 4.99.4 = VS Code 1.99), against the real wiki.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';
import type { AccountSummary } from '../../../src/vscode/commands';
import { EXT_ID, control, ctx, rejects, secretsOf, sessionClient, state, stored, waitFor } from './helpers';

describe('MediaWiki Sessions in VS Code (real wiki)', function () {
  this.timeout(60_000);
  let api: ReturnType<MediaWikiSessionsExtension['getAPI']>;

  before(async () => {
    await control('/reset-throttles');
  });

  it('activates on startup and offers API version 1 only', async () => {
    const ext = vscode.extensions.getExtension<MediaWikiSessionsExtension>(EXT_ID);
    assert.ok(ext, 'extension installed');
    const exports = await ext.activate();
    assert.equal(ext.isActive, true);
    api = exports.getAPI(1);
    assert.equal(api.version, 1);
    assert.throws(() => exports.getAPI(2 as 1), /version 2 is not known/);
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['mediawiki.addWiki', 'mediawiki.logIn', 'mediawiki.logOut', 'mediawiki.switchAccount', 'mediawiki.removeWiki', 'mediawiki.showLog']) {
      assert.ok(commands.includes(c), `${c} registered`);
    }
    const s = await state();
    assert.equal(s.statusText, '$(sign-in) MediaWiki');
  });

  it('Add Wiki… with an article URL stores the site (api URL, name, article path)', async () => {
    const site = await vscode.commands.executeCommand<{ apiUrl: string; name: string; articlePath: string }>('mediawiki.addWiki', { url: ctx().articleUrl });
    assert.equal(site.apiUrl, ctx().apiUrl);
    assert.equal(site.name, ctx().siteName);
    assert.equal(site.articlePath, `${ctx().server}/wiki/$1`);
    assert.deepEqual(api.getSites().map((s) => s.apiUrl), [ctx().apiUrl]);
  });

  it('Add Wiki… with something that is not a wiki fails clearly and stores nothing', async () => {
    const e = await rejects(vscode.commands.executeCommand('mediawiki.addWiki', { url: 'http://127.0.0.1:9/nothing-here' }));
    assert.match(e.message, /ECONNREFUSED|not-a-wiki/);
    assert.equal(api.getSites().length, 1);
  });

  it('Log In with a bot password: session in SecretStorage, no password unless asked, status bar shows the user', async () => {
    const { bot } = ctx().users;
    const changes: string[][] = [];
    const sub = api.onDidChangeSessions((e) => changes.push([...e.sites]));
    const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: ctx().apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, rememberPassword: false,
    });
    sub.dispose();
    assert.equal(account.user, bot.name);
    assert.equal(account.userId, bot.userId);
    assert.equal(account.passwordStored, false);
    assert.ok(changes.some((c) => c.includes(ctx().apiUrl)), 'onDidChangeSessions fired');
    const secrets = await stored();
    assert.deepEqual(secrets, [{ site: ctx().apiUrl, user: bot.name, session: true, password: false }]);
    const s = await state();
    assert.equal(s.statusText, `$(account) ${bot.name} · ${ctx().siteName}`);
    assert.equal(s.statusWarning, false);
  });

  it('API v1: getClient(session), then an edit with assert=user made by the logged-in user', async () => {
    const client = await sessionClient(api);
    assert.equal(client.user?.name, ctx().users.bot.name);
    assert.equal(client.apiUrl, ctx().apiUrl);
    const title = `Sibling edit ${Date.now()}`;
    await control('/clear-requests');
    const res = await client.postWithToken('csrf', { action: 'edit', title, text: 'Edited through the API v1', summary: 'sibling test' });
    assert.equal((res.edit as { result: string }).result, 'Success');
    const served = await control<{ action?: string; paramNames: string[] }[]>('/requests');
    const edit = served.find((r) => r.action === 'edit');
    assert.ok(edit?.paramNames.includes('assert'), 'the edit carried assert');
    assert.equal((await control<{ count: number }>('/revisions', { title })).count, 1);
    const rev = await client.get({ action: 'query', prop: 'revisions', titles: title, rvprop: 'user' });
    const page = (rev.query as { pages: { revisions: { user: string }[] }[] }).pages[0];
    assert.equal(page.revisions[0].user, ctx().users.bot.name);
    // Continuation through the API.
    let batches = 0;
    for await (const _ of client.continue({ action: 'query', list: 'allpages', aplimit: 1 })) if (++batches >= 2) break;
    assert.equal(batches, 2);
  });

  it('the API refuses unknown sites unless asked to create', async () => {
    assert.equal(await api.getClient('https://example.invalid/wiki/X'), undefined);
  });

  it('without a session, getClient(url) is anonymous: public reads without cookies, no tokens', async () => {
    const client = await api.getClient(ctx().articleUrl);
    assert.ok(client);
    assert.equal(client.user, undefined);
    await control('/clear-requests');
    const res = await client.get({ action: 'query', meta: 'userinfo' });
    assert.equal((res.query as { userinfo: { anon?: boolean } }).userinfo.anon, true, 'the wiki saw an anonymous user');
    const e = await rejects(client.postWithToken('csrf', { action: 'edit', title: 'Anonymous', text: 'x' }));
    assert.equal(e.code, 'notloggedin');
    assert.equal((await rejects(client.getToken('csrf'))).code, 'notloggedin');
    const served = await control<{ cookieNames: string[] }[]>('/requests');
    assert.equal(served.length, 1, 'one request: the read');
    assert.ok(!served[0].cookieNames.some((c) => /session|UserID|UserName|Token/i.test(c)), `cookies sent: ${served[0].cookieNames.join(', ')}`);
  });

  it('getSites() shows names, URLs, account names and states, and nothing that unlocks anything', async () => {
    const sites = api.getSites();
    const token = await vscode.commands.executeCommand<string>('mediawiki.test.accessToken', { site: ctx().apiUrl, user: ctx().users.bot.name });
    const text = JSON.stringify(sites);
    assert.ok(!text.includes(token), 'no access token');
    const account = (await state()).accounts[0];
    assert.ok(!text.includes(account.site + '#'), 'no account id');
    assert.deepEqual(Object.keys(sites[0]).sort(), ['account', 'accounts', 'apiUrl', 'articlePath', 'name']);
    assert.deepEqual(Object.keys(sites[0].accounts[0]).sort(), ['method', 'state', 'user']);
  });

  it('the authentication provider: the account in the Accounts menu; scopes take any URL of the wiki; the token is random, not the account id', async () => {
    const accounts = await vscode.authentication.getAccounts('mediawiki');
    assert.deepEqual(accounts.map((a) => a.label), [`${ctx().users.bot.name} @ ${ctx().siteName}`]);
    const token = await vscode.commands.executeCommand<string>('mediawiki.test.accessToken', { site: ctx().apiUrl, user: ctx().users.bot.name });
    assert.match(token, /^mws1_[A-Za-z0-9_-]{43}$/);
    assert.ok(!token.includes(accounts[0].id) && !accounts[0].id.includes(token.slice(5)));
  });

  it('a guessed or made-up token gives notloggedin and sends nothing', async () => {
    await control('/clear-requests');
    for (const guess of ['mws1_' + 'A'.repeat(43), { accessToken: 'mws1_guess' }, { accessToken: (await state()).accounts[0].site + '#' + ctx().users.bot.name }, { accessToken: '' }]) {
      const e = await rejects(api.getClient(guess as string));
      assert.equal(e.code, 'notloggedin', JSON.stringify(guess));
      assert.match(e.message, /getSession/, 'says what to do next');
    }
    assert.deepEqual(await control('/requests'), [], 'no request reached the wiki');
  });

  it('an expired session (server-side sessions deleted) without a stored password shows as expired', async () => {
    const { bot } = ctx().users;
    await control('/invalidate', { user: bot.name });
    const client = await sessionClient(api);
    // The extension asks the user (a notification); nobody answers here, so decline by timing out
    // the wait: the call fails with assertuserfailed once the prompt is dismissed.
    const call = client.get({ action: 'query', meta: 'userinfo' });
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('notifications.clearAll');
    const e = await call.then(() => undefined, (err: Error & { code?: string }) => err);
    assert.ok(e, 'the call failed');
    assert.equal(e.code, 'assertuserfailed');
    await waitFor(async () => (await state()).statusWarning, 'the status bar warning');
    const s = await state();
    assert.equal(s.statusText, `$(warning) ${bot.name} · ${ctx().siteName}`);
    assert.equal(s.accounts[0].state, 'expired');
  });

  it('logging in again with a remembered password renews automatically after the next expiry', async () => {
    const { bot } = ctx().users;
    await vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, rememberPassword: true });
    let s = await state();
    assert.equal(s.statusWarning, false);
    assert.deepEqual(await stored(), [{ site: ctx().apiUrl, user: bot.name, session: true, password: true }]);
    await control('/invalidate', { user: bot.name });
    const client = await sessionClient(api);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.get({ action: 'query', meta: 'userinfo' })));
    for (const r of results) assert.equal((r.query as { userinfo: { name: string } }).userinfo.name, bot.name);
    s = await state();
    assert.equal(s.accounts[0].state, 'active');
  });

  it('interactive login of the 2FA user with a TOTP code; a second account for the wiki', async () => {
    const u = ctx().users.twoFactor[ctx().users.twoFactor.length - 1];
    const { code } = await control<{ code: string }>('/totp', { user: u.name });
    const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: ctx().apiUrl, method: 'interactive', username: u.name, password: u.password, values: { OATHToken: code }, rememberMe: false,
    });
    assert.equal(account.user, u.name);
    assert.equal(account.method, 'interactive');
    const s = await state();
    assert.equal(s.accounts.length, 2);
    assert.equal(s.accounts.find((a) => a.current)?.user, u.name);
    assert.equal((await stored()).find((x) => x.user === u.name)?.password, false);
  });

  it('Switch Account changes which account the site uses', async () => {
    const { bot } = ctx().users;
    const switched = await vscode.commands.executeCommand<AccountSummary>('mediawiki.switchAccount', { site: ctx().apiUrl, account: bot.name });
    assert.equal(switched.user, bot.name);
    assert.equal(switched.current, true);
    const client = await sessionClient(api);
    assert.equal(client.user?.name, bot.name);
    const other = await sessionClient(api, ctx().apiUrl, ctx().users.twoFactor[ctx().users.twoFactor.length - 1].name);
    assert.equal(other.user?.name, ctx().users.twoFactor[ctx().users.twoFactor.length - 1].name);
  });

  it('a wrong bot password fails with the MediaWiki reason and stores nothing new', async () => {
    const before = await stored();
    const e = await rejects(vscode.commands.executeCommand('mediawiki.logIn', {
      site: ctx().apiUrl, method: 'botpassword', username: `${ctx().users.plain.name}@nope`, password: 'z'.repeat(32),
    }));
    assert.equal(e.code, 'Failed');
    assert.match(e.message, /Incorrect username or password/);
    assert.deepEqual(await stored(), before);
  });

  it('Log Out calls action=logout and deletes the stored session and password; its token ends for good', async () => {
    const { bot } = ctx().users;
    // SecretStorage itself, by key: both are there before.
    assert.deepEqual(await secretsOf(ctx().apiUrl, bot.name, bot.lgname), { session: true, password: true });
    const client = await sessionClient(api);
    const token = await vscode.commands.executeCommand<string>('mediawiki.test.accessToken', { site: ctx().apiUrl, user: bot.name });
    await control('/clear-requests');
    const ok = await vscode.commands.executeCommand<boolean>('mediawiki.logOut', { site: ctx().apiUrl, account: bot.name });
    assert.equal(ok, true);
    const served = await control<{ action?: string }[]>('/requests');
    assert.ok(served.some((r) => r.action === 'logout'), 'action=logout sent');
    assert.deepEqual(await secretsOf(ctx().apiUrl, bot.name, bot.lgname), { session: false, password: false }, 'session and password gone from SecretStorage');
    // The client and the token made from the session fail without a request.
    await control('/clear-requests');
    assert.equal((await rejects(client.get({ action: 'query', meta: 'userinfo' }))).code, 'notloggedin');
    assert.equal((await rejects(api.getClient(token))).code, 'notloggedin');
    // Logging the same account in again gives a new token; the old one stays dead.
    await vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, rememberPassword: false });
    await control('/clear-requests');
    assert.equal((await rejects(client.get({ action: 'query', meta: 'userinfo' }))).code, 'notloggedin');
    assert.equal((await rejects(api.getClient(token))).code, 'notloggedin');
    assert.deepEqual(await control('/requests'), [], 'nothing sent with the old token');
    const again = await vscode.commands.executeCommand<string>('mediawiki.test.accessToken', { site: ctx().apiUrl, user: bot.name });
    assert.notEqual(again, token);
    await vscode.commands.executeCommand('mediawiki.logOut', { site: ctx().apiUrl, account: bot.name });
    const u = ctx().users.twoFactor[ctx().users.twoFactor.length - 1];
    await vscode.commands.executeCommand('mediawiki.logOut', { site: ctx().apiUrl, account: u.name });
    const s = await state();
    assert.equal(s.accounts.length, 0);
    assert.equal(s.statusText, '$(sign-in) MediaWiki');
    const session = await vscode.authentication.getSession('mediawiki', [ctx().apiUrl], { silent: true });
    assert.equal(session, undefined);
  });

  it('Remove Wiki forgets the site', async () => {
    await vscode.commands.executeCommand('mediawiki.removeWiki', { site: ctx().apiUrl });
    assert.equal(api.getSites().length, 0);
  });
});
