// OAuth 2.0 (owner-only token) as a user does it in the real workbench: Add Wiki finds OAuth 2 on a
// wiki with TestOAuth (test/wiki/oauth.ts, started here), Log In offers the OAuth methods there, the
// token is pasted into a password box; then a sibling extension (test/vscode/sibling), allowed in VS
// Code's consent dialog, edits through the OAuth account, and Log Out names where to revoke the grant.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { notifications, pickQuickPickItem, quickPickLabels, runCommand, screenshot, sleep, typeInInputBox } from '../host';
import type { SiblingRequest, SiblingResult } from '../sibling/extension';
import { startOAuthWiki, type OAuthWiki } from '../../wiki/oauth';
import { workbench } from './hooks';
import { addWiki, waitForInputTitle, waitForStatus } from './steps';

const SITE = 'MWSessions OAuth Wiki';
let seq = 0;

async function sibling(page: Page, req: Omit<SiblingRequest, 'id'>, allow?: () => Promise<void>): Promise<SiblingResult> {
  const dir = process.env.MWS_SIBLING_DIR as string;
  const id = `oauth${++seq}`;
  fs.writeFileSync(path.join(dir, 'request.json'), JSON.stringify({ ...req, id }));
  await runCommand(page, 'MWS Sibling: Run Request');
  if (allow) await allow();
  const file = path.join(dir, `${id}.json`);
  const end = Date.now() + 60_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > end) throw new Error(`the sibling did not answer ${id}`);
    await sleep(100);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SiblingResult;
}

describe('UI: OAuth 2.0 owner-only token from the command palette', function () {
  this.timeout(240_000);
  let w: OAuthWiki;
  let token: string;

  before(async () => {
    w = await startOAuthWiki({ host: '127.0.0.2', extraSettings: `$wgSitename = ${JSON.stringify(SITE)};` });
    const c = await w.oauth.createConsumer({ owner: w.users.plain.userId, grants: ['basic', 'editpage', 'createeditmovepage'], ownerOnly: true, grantTypes: ['client_credentials'], name: 'VS Code UI test' });
    token = c.access_token!;
    // The secret scan (test/reliability/secretScan.ts) then looks for the token and the client secret in every file of the run.
    const sink = process.env.MWS_SECRET_SINK;
    if (sink) fs.appendFileSync(sink, `${JSON.stringify({ kind: 'OAuth owner-only access token (UI)', value: token })}\n${JSON.stringify({ kind: 'OAuth client secret (UI)', value: c.secret })}\n`, { mode: 0o600 });
  });

  after(async () => {
    const { page } = workbench();
    await page.keyboard.press('Escape').catch(() => undefined);
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await w?.stop();
  });

  it('Log In offers the OAuth methods on a wiki with OAuth 2; the pasted token logs in; a sibling edits as the user; Log Out names Special:OAuthManageMyGrants', async () => {
    const { page } = workbench();
    // The extension is there (its status item shows) before its commands are looked for.
    await waitForStatus(page, /./);
    await addWiki(page, w.articleUrl('Main Page'), SITE);
    await runCommand(page, 'MediaWiki: Log In');
    await pickQuickPickItem(page, new RegExp(SITE));
    await waitForInputTitle(page, /Log in to/);
    const methods = await quickPickLabels(page);
    assert.ok(methods.some((l) => l.startsWith('OAuth 2.0 (browser)')), methods.join(' | '));
    await screenshot(page, 'oauth-methods');
    await pickQuickPickItem(page, /^OAuth 2\.0 \(owner-only token\)/);
    await waitForInputTitle(page, /OAuth 2 access token/);
    assert.equal(await page.locator('.quick-input-widget input[type="password"]').count(), 1, 'the token is typed into a password box');
    await typeInInputBox(page, token);
    await waitForStatus(page, new RegExp(`^${w.users.plain.name} · ${SITE}( \\+\\d+)?$`));

    const title = `OAuth sibling ${Date.now()}`;
    const r = await sibling(page, { op: 'edit', site: w.articleUrl('Main Page'), createIfNone: true, title, text: 'Edited by another extension through an OAuth account' }, async () => {
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      await dialog.getByRole('button', { name: 'Allow' }).click();
      const picker = await quickPickLabels(page, { timeout: 5_000 }).catch(() => []);
      if (picker.length) await pickQuickPickItem(page, new RegExp(`${w.users.plain.name} @ ${SITE}`));
    });
    assert.equal(r.ok, true, JSON.stringify(r));
    const u = new URL(w.apiUrl);
    u.search = new URLSearchParams({ action: 'query', prop: 'revisions', titles: title, rvprop: 'user', format: 'json', formatversion: '2' }).toString();
    const rev = (await (await fetch(u)).json()) as { query: { pages: { revisions?: { user: string }[] }[] } };
    assert.equal(rev.query.pages[0].revisions?.[0].user, w.users.plain.name, 'the wiki records the user as the editor');

    await runCommand(page, 'MediaWiki: Log Out');
    await pickQuickPickItem(page, new RegExp(`${w.users.plain.name}.*${SITE}`));
    const end = Date.now() + 15_000;
    let shown: string[] = [];
    while (Date.now() < end && !shown.some((t) => t.includes('Special:OAuthManageMyGrants'))) {
      shown = await notifications(page);
      await sleep(200);
    }
    assert.ok(shown.some((t) => t.includes('Special:OAuthManageMyGrants')), shown.join(' | '));
    await screenshot(page, 'oauth-logged-out');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await runCommand(page, 'MediaWiki: Remove Wiki');
    await pickQuickPickItem(page, new RegExp(SITE));
    const confirm = page.locator('.monaco-dialog-box');
    await confirm.waitFor({ state: 'visible', timeout: 10_000 });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await confirm.waitFor({ state: 'hidden', timeout: 10_000 });
  });
});
