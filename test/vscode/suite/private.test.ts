// A private wiki ($wgGroupPermissions['*']['read'] = false) in a real VS Code: the session expires
// on the server, the password was not kept. Ten concurrent calls through the API v1 client get ONE
// "has expired" prompt; dismissed, every call fails with a clear code and the status bar warns.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MediaWikiSessionsExtension } from '../../../src/api/mediawiki-sessions';
import type { AccountSummary } from '../../../src/vscode/commands';
import { EXT_ID, control, ctx, sessionClient, state, waitFor } from './helpers';

describe('Private wiki: session expiry in VS Code', function () {
  this.timeout(60_000);
  const p = () => ctx().privateWiki;
  const showWarning = vscode.window.showWarningMessage;
  /** Messages of the warnings the extension asked VS Code to show (they are shown for real). */
  const warnings: string[] = [];

  before(async () => {
    await control('/reset-throttles', { wiki: 'private' });
    // The extension gets the same `vscode` API object as this suite (the suite lives in the
    // extension's folder): count its warnings and pass each on to VS Code unchanged.
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (message: string, ...rest: unknown[]) => {
      warnings.push(message);
      return (showWarning as (...a: unknown[]) => Thenable<unknown>).call(vscode.window, message, ...rest);
    };
  });

  after(async () => {
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = showWarning;
    await vscode.commands.executeCommand('notifications.clearAll');
    const bot = ctx().users.bot;
    await vscode.commands.executeCommand('mediawiki.logOut', { site: p().apiUrl, account: bot.name }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('mediawiki.removeWiki', { site: p().apiUrl }).then(undefined, () => undefined);
  });

  it('bot password not kept; sessions deleted on the server → ONE prompt for 10 concurrent calls; dismissed → all fail with a clear code, status bar warns', async () => {
    const bot = ctx().users.bot;
    const api = (await vscode.extensions.getExtension<MediaWikiSessionsExtension>(EXT_ID)!.activate()).getAPI(1);
    await vscode.commands.executeCommand('mediawiki.addWiki', { url: p().articleUrl });
    const account = await vscode.commands.executeCommand<AccountSummary>('mediawiki.logIn', {
      site: p().apiUrl, method: 'botpassword', username: bot.lgname, password: bot.botPassword, rememberPassword: false, silent: true,
    });
    assert.equal(account.passwordStored, false);
    const client = await sessionClient(api, p().apiUrl);
    // Control: the session reads the private wiki before it expires.
    const before = await client.get({ action: 'query', list: 'allpages', aplimit: 1 });
    assert.ok(Array.isArray((before.query as { allpages?: unknown[] }).allpages), 'the private wiki is readable while logged in');

    await control('/invalidate', { wiki: 'private', user: bot.name });
    warnings.length = 0;
    const calls = Array.from({ length: 10 }, () =>
      client.get({ action: 'query', list: 'allpages', aplimit: 1 }).then(() => undefined, (e: Error & { code?: string }) => e),
    );
    await waitFor(() => warnings.some((w) => /has expired/.test(w)), 'the "has expired" prompt', 15_000);
    // Time for any further prompt to appear (each call alone would take well under this).
    await new Promise((r) => setTimeout(r, 1500));
    const prompts = warnings.filter((w) => /has expired/.test(w));
    assert.equal(prompts.length, 1, `one prompt for 10 calls, got: ${JSON.stringify(prompts)}`);
    assert.match(prompts[0], new RegExp(`Your session on ${p().siteName} as ${bot.name} has expired`));

    await vscode.commands.executeCommand('notifications.clearAll'); // the user dismisses it
    const errors = await Promise.all(calls);
    const codes = errors.map((e) => e?.code);
    assert.ok(codes.every((c) => c === 'readapidenied' || c === 'assertuserfailed'), `every call failed with a clear code: ${JSON.stringify(codes)}`);
    for (const e of errors) assert.ok(e && !e.message.includes(bot.botPassword), 'no password in the error');
    assert.equal(warnings.filter((w) => /has expired/.test(w)).length, 1, 'still one prompt after the calls ended');

    await waitFor(async () => (await state()).statusWarning, 'the status bar warning', 15_000);
    const s = await state();
    assert.equal(s.statusText, `$(warning) ${bot.name} · ${p().siteName}`);
    assert.equal(s.accounts.find((a) => a.site === p().apiUrl)?.state, 'expired');

    // A later call fails at once with the same code, without asking again.
    const later = await client.get({ action: 'query', meta: 'userinfo' }).then(() => undefined, (e: Error & { code?: string }) => e);
    assert.ok(later && (later.code === 'readapidenied' || later.code === 'assertuserfailed'), `later call: ${later?.code}`);
    assert.equal(warnings.filter((w) => /has expired/.test(w)).length, 1, 'no second prompt for a later call');
  });
});
