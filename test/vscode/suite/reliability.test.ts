// Reliability as the user sees it, inside a real VS Code against the real wiki: bad input gets a
// clear error naming its code and changes no stored state; a session's csrf token is handed to the
// secret scan (test/reliability/secretScan.ts) so it can prove the token was never written out.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';
import { figures, writeAll } from '../../reliability/record';
import { EXT_ID, control, ctx, rejects, sessionClient, state, stored } from './helpers';

const fig = figures('vscode');

/** Everything the extension keeps: its visible state and what is in SecretStorage (as booleans). */
async function snapshot(): Promise<string> {
  return JSON.stringify({ state: await state(), stored: await stored() });
}

describe('reliability in VS Code: bad input and secrets (real wiki)', function () {
  this.timeout(60_000);
  let api: ReturnType<MediaWikiSessionsExtension['getAPI']>;

  before(async () => {
    api = (await vscode.extensions.getExtension<MediaWikiSessionsExtension>(EXT_ID)!.activate()).getAPI(1);
    await control('/reset-throttles');
    await vscode.commands.executeCommand('mediawiki.addWiki', { url: ctx().apiUrl });
  });
  // The session stays logged in: the secret scan looks for its cookie value among the wiki's sessions.
  after(() => writeAll());

  const cases: { input: string; run: () => Thenable<unknown>; code: RegExp; text: RegExp }[] = [
    { input: 'malformed URL', run: () => vscode.commands.executeCommand('mediawiki.addWiki', { url: 'ht tp://not a url' }), code: /^bad-url$/, text: /\[bad-url\] Enter a full address/ },
    { input: 'a URL that is not a wiki', run: () => vscode.commands.executeCommand('mediawiki.addWiki', { url: `${ctx().controlUrl}/some/page` }), code: /^(not-a-wiki|not-json|http-404)$/, text: /\[(not-a-wiki|not-json|http-404)\]/ },
    { input: 'empty user name', run: () => vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: '', password: 'x', silent: true }), code: /^empty-username$/, text: /user name is empty/ },
    {
      input: 'bot name without @',
      run: () => vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: ctx().users.bot.name, password: ctx().users.bot.botPassword, silent: true }),
      code: /^Failed$/,
      text: /\[Failed\].*User@appid/,
    },
    {
      input: 'password with surrounding spaces',
      run: () => vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: ctx().users.bot.lgname, password: ` ${ctx().users.bot.botPassword} `, silent: true }),
      code: /^password-spaces$/,
      text: /starts or ends with a space/,
    },
    {
      input: 'wrong bot password',
      run: () => vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: ctx().users.bot.lgname, password: 'wrong-password-0000000000000000', silent: true }),
      code: /^Failed$/,
      text: /\[Failed\] Check the user name and password/,
    },
  ];

  for (const c of cases) {
    it(`${c.input}: a clear error with its code, no stored state changed`, async () => {
      const before = await snapshot();
      const e = await rejects(c.run());
      assert.match(String(e.code), c.code, `${e.code}: ${e.message}`);
      assert.match(e.message, c.text);
      assert.ok(!e.message.includes(ctx().users.bot.botPassword), 'no password in the message');
      assert.equal(await snapshot(), before, 'nothing stored or changed');
      fig.badInputs.push({ input: c.input, code: String(e.code) });
    });
  }

  it('a real session: its csrf token goes to the secret scan (which then looks for it everywhere)', async () => {
    const { bot } = ctx().users;
    await vscode.commands.executeCommand('mediawiki.logIn', { site: ctx().apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, rememberPassword: true });
    const client = await sessionClient(api);
    const token = await client.getToken('csrf');
    assert.match(token, /^[0-9a-f]{32,}\+\\$/);
    // The session expires on the server: the extension logs in again with the stored password.
    await control('/invalidate', { user: bot.name });
    const res = await client.get({ action: 'query', meta: 'tokens', type: 'csrf' });
    const after = (res.query as { tokens: { csrftoken: string } }).tokens.csrftoken;
    assert.notEqual(after, token, 'a new session after the automatic re-login');
    const sink = process.env.MWS_SECRET_SINK;
    if (sink) fs.appendFileSync(sink, `${JSON.stringify({ kind: 'csrf token', value: token })}\n${JSON.stringify({ kind: 'csrf token', value: after })}\n`, { mode: 0o600 });
    await vscode.commands.executeCommand('mediawiki.showLog').then(undefined, () => undefined);
  });
});
