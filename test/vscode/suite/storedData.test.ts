// Data stored by an older version (issue 15): the account index named the interactive method
// "clientlogin", and each stored session carried a copy of method, login name and domain. Today
// the index alone says how an account logs in. Such data is written straight into the real
// SecretStorage (as another window running the older version would) and must still load and work.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';
import type { AccountSummary } from '../../../src/vscode/commands';
import type { ServedRequest } from '../../wiki/types';
import { EXT_ID, control, ctx, sessionClient, state } from './helpers';

const sessionFields = (site: string, user: string) => vscode.commands.executeCommand<string[] | undefined>('mediawiki.test.sessionFields', { site, user });

describe('data stored by an older version', function () {
  this.timeout(60_000);
  let api: ReturnType<MediaWikiSessionsExtension['getAPI']>;
  let added = false;

  before(async () => {
    api = (await vscode.extensions.getExtension<MediaWikiSessionsExtension>(EXT_ID)!.activate()).getAPI(1);
    await control('/reset-throttles');
    added = !(await state()).sites.some((s) => s.apiUrl === ctx().apiUrl);
    await vscode.commands.executeCommand('mediawiki.addWiki', { url: ctx().apiUrl });
  });

  after(async () => {
    const plain = ctx().users.plain;
    if ((await state()).accounts.some((a) => a.site === ctx().apiUrl && a.user === plain.name)) {
      await vscode.commands.executeCommand('mediawiki.logOut', { site: ctx().apiUrl, account: plain.name });
    }
    if (added) await vscode.commands.executeCommand('mediawiki.removeWiki', { site: ctx().apiUrl });
  });

  it('an account stored as "clientlogin", with method, login name and domain in its session too, loads as interactive and its session works', async () => {
    const plain = ctx().users.plain;
    const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: ctx().apiUrl, method: 'interactive', username: plain.name, password: plain.password, rememberMe: false, silent: true,
    });
    assert.equal(account.method, 'interactive');
    // Today's session holds the session only; how the account logs in is in the index.
    assert.deepEqual(await sessionFields(ctx().apiUrl, plain.name), ['apiUrl', 'cookies', 'savedAt', 'user', 'version']);

    const raw = await vscode.commands.executeCommand<string>('mediawiki.test.storeAsOlderVersion', { site: ctx().apiUrl, user: plain.name });
    assert.equal(raw, 'clientlogin', 'SecretStorage holds the old name now');
    assert.ok((await sessionFields(ctx().apiUrl, plain.name))?.includes('method'), 'and the old session with its copy');

    const now = (await state()).accounts.find((a) => a.site === ctx().apiUrl && a.user === plain.name);
    assert.equal(now?.method, 'interactive', 'the old name reads as today\'s');
    assert.equal(now?.domain, undefined, 'the domain comes from the index, not from the session\'s copy');
    assert.equal(now?.state, 'active');
    assert.equal(api.getSites().find((s) => s.apiUrl === ctx().apiUrl)?.accounts.find((a) => a.user.name === plain.name)?.method, 'interactive');

    // The session restored from the old blob is the wiki's session of that user: no login needed.
    await control('/clear-requests');
    const client = await sessionClient(api, ctx().apiUrl, plain.name);
    const res = await client.get({ action: 'query', meta: 'userinfo' });
    assert.equal((res.query as { userinfo: { name: string } }).userinfo.name, plain.name);
    const served = await control<ServedRequest[]>('/requests');
    assert.deepEqual(served.filter((r) => r.action === 'login' || r.action === 'clientlogin'), [], 'no login was needed');
  });
});
