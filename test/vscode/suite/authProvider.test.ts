// The `mediawiki` authentication provider follows VS Code's conventions (as github-authentication
// and microsoft-authentication do): several accounts, options.account honoured, scopes that take
// any URL of a registered wiki, and onDidChangeSessions for login, logout, switch and expiry.
// VS Code hands sessions only to extensions the user allowed, this one included, and the suite
// cannot click that dialog: here the provider's answers come through the test build's
// mediawiki.test.providerSessions, the events through vscode.authentication. The UI test
// sibling.ui.ts asks as another extension, through VS Code's real consent dialog.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';
import { EXT_ID, control, ctx, rejects, state, waitFor } from './helpers';

describe('the mediawiki authentication provider (VS Code conventions)', function () {
  this.timeout(60_000);
  let api: ReturnType<MediaWikiSessionsExtension['getAPI']>;
  const events: string[] = [];
  let sub: vscode.Disposable;
  const bot = () => ctx().users.bot;
  const second = () => ctx().users.twoFactor[0];

  before(async () => {
    api = (await vscode.extensions.getExtension<MediaWikiSessionsExtension>(EXT_ID)!.activate()).getAPI(1);
    await control('/reset-throttles');
    await vscode.commands.executeCommand('mediawiki.addWiki', { url: ctx().apiUrl });
    sub = vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === 'mediawiki') events.push(e.provider.label);
    });
  });

  after(async () => {
    sub.dispose();
    await vscode.commands.executeCommand('notifications.clearAll');
    for (const a of (await state()).accounts.filter((x) => x.site === ctx().apiUrl)) {
      await vscode.commands.executeCommand('mediawiki.logOut', { site: ctx().apiUrl, account: a.user });
    }
    await vscode.commands.executeCommand('mediawiki.removeWiki', { site: ctx().apiUrl });
  });

  const sessions = (scopes: string[] | undefined, account?: vscode.AuthenticationSessionAccountInformation) =>
    vscode.commands.executeCommand<vscode.AuthenticationSession[]>('mediawiki.test.providerSessions', scopes, account);

  /** Runs `action` and waits for at least one onDidChangeSessions of our provider. */
  async function changes(what: string, action: () => Thenable<unknown>): Promise<void> {
    const before = events.length;
    await action();
    await waitFor(() => events.length > before, `onDidChangeSessions after ${what}`);
  }

  it('fires onDidChangeSessions for a login; the session\'s scopes are the api.php URL, whatever URL of the wiki is asked for', async () => {
    await changes('login', () => vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: bot().lgname, password: bot().botPassword, rememberPassword: false }));
    for (const scope of [ctx().apiUrl, ctx().articleUrl, `${ctx().server}/w/index.php?title=Main_Page`]) {
      const [session, ...more] = await sessions([scope]);
      assert.ok(session, `a session for ${scope}`);
      assert.equal(more.length, 0);
      assert.deepEqual(session.scopes, [ctx().apiUrl]);
      assert.equal(session.account.label, `${bot().name} @ ${ctx().siteName}`);
      const client = await api.getClient(session);
      assert.equal(client?.user?.name, bot().name);
    }
    assert.deepEqual(await sessions(['https://not-registered.invalid/wiki/X']), []);
    // Without consent VS Code gives this extension nothing either: the provider's answer goes only to allowed ones.
    assert.equal(await vscode.authentication.getSession('mediawiki', [ctx().apiUrl], { silent: true }), undefined);
  });

  it('several accounts: options.account picks the one asked for; a switch fires onDidChangeSessions', async () => {
    const u = second();
    const { code } = await control<{ code: string }>('/totp', { user: u.name });
    await changes('second login', () => vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'interactive', username: u.name, password: u.password, values: { OATHToken: code }, rememberMe: false }));
    const accounts = await vscode.authentication.getAccounts('mediawiki');
    assert.deepEqual(accounts.map((a) => a.label).sort(), [`${bot().name} @ ${ctx().siteName}`, `${u.name} @ ${ctx().siteName}`].sort());
    for (const account of accounts) {
      const [session, ...more] = await sessions([ctx().apiUrl], account);
      assert.equal(session?.account.label, account.label, `options.account ${account.label}`);
      assert.equal(more.length, 0);
      const client = await api.getClient(session);
      const me = await client!.get({ action: 'query', meta: 'userinfo' });
      assert.equal(`${(me.query as { userinfo: { name: string } }).userinfo.name} @ ${ctx().siteName}`, account.label, 'the wiki sees that account');
    }
    await changes('switch', () => vscode.commands.executeCommand('mediawiki.switchAccount', { site: ctx().apiUrl, account: bot().name }));
  });

  it('an expiry nobody answers: the call settles with assertuserfailed within requestTimeoutSeconds and fires onDidChangeSessions; Log Out fires it and the session is gone', async () => {
    const config = vscode.workspace.getConfiguration('mediawiki');
    await config.update('requestTimeoutSeconds', 3, vscode.ConfigurationTarget.Global);
    await control('/invalidate', { user: bot().name });
    const [session] = await sessions([ctx().apiUrl], { id: `${ctx().apiUrl}#${bot().name}`, label: `${bot().name} @ ${ctx().siteName}` });
    const client = await api.getClient(session);
    try {
      await changes('expiry', async () => {
        const started = Date.now();
        const e = await rejects(client!.get({ action: 'query', meta: 'userinfo' }));
        const ms = Date.now() - started;
        assert.equal(e.code, 'assertuserfailed', e.message);
        assert.ok(ms >= 3_000 && ms < 3_000 + 8_000, `settled after ${ms} ms (deadline 3 s)`);
        assert.equal((await state()).accounts.find((a) => a.user === bot().name)?.state, 'expired');
      });
    } finally {
      await config.update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
    await changes('logout', () => vscode.commands.executeCommand('mediawiki.logOut', { site: ctx().apiUrl, account: bot().name }));
    const left = await vscode.authentication.getAccounts('mediawiki');
    assert.ok(!left.some((a) => a.label.startsWith(`${bot().name} @`)), JSON.stringify(left));
    assert.ok(!(await sessions(undefined)).some((s) => s.account.label.startsWith(`${bot().name} @`)));
    assert.equal((await rejects(client!.get({ action: 'query', meta: 'userinfo' }))).code, 'notloggedin');
  });
});
