// Another extension, as a real one would be: test/vscode/sibling, installed into code-server beside
// ours (its own extension id). It gets an authenticated client only through VS Code's consent
// dialog, which the user clicks here in the real workbench; the wiki's own records say who edited.
// Then the user takes the consent back (Manage Trusted Extensions), logs out, and a session expires
// while nobody answers the notification.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { notifications, pickQuickPickItem, quickPickLabels, runCommand, screenshot, sleep, typeInInputBox } from '../host';
import type { SiblingRequest, SiblingResult } from '../sibling/extension';
import { testWiki } from '../setupWiki';
import { workbench } from './hooks';
import { STATUS_ID, addWiki, botPasswordLogin, statusText, waitForInputTitle, waitForStatus } from './steps';

const SIBLING = 'MWS Test Sibling';
let seq = 0;

/** Asks the sibling to do something (through its command, from the palette); resolves with its result. */
async function sibling(page: Page, req: Omit<SiblingRequest, 'id' | 'site'> & { site?: string }, timeout = 60_000): Promise<SiblingResult> {
  const r = await startSibling(page, req);
  return r.result(timeout);
}

async function startSibling(page: Page, req: Omit<SiblingRequest, 'id' | 'site'> & { site?: string }): Promise<{ result(timeout?: number): Promise<SiblingResult> }> {
  const dir = process.env.MWS_SIBLING_DIR as string;
  const id = `r${++seq}`;
  fs.writeFileSync(path.join(dir, 'request.json'), JSON.stringify({ site: testWiki().articleUrl('Main Page'), ...req, id }));
  await runCommand(page, 'MWS Sibling: Run Request');
  return {
    async result(timeout = 60_000) {
      const file = path.join(dir, `${id}.json`);
      const end = Date.now() + timeout;
      while (!fs.existsSync(file)) {
        if (Date.now() > end) throw new Error(`the sibling did not answer request ${id} (${req.op}) within ${timeout} ms`);
        await sleep(100);
      }
      return JSON.parse(fs.readFileSync(file, 'utf8')) as SiblingResult;
    },
  };
}

/** The status item's accessible label (it says "expired" when it is; the text does not). */
async function statusAria(page: Page): Promise<string> {
  const item = page.locator(`#workbench\\.parts\\.statusbar [id$=".${STATUS_ID}"], #workbench\\.parts\\.statusbar [id="${STATUS_ID}"]`);
  return (await item.first().getAttribute('aria-label', { timeout: 5_000 }).catch(() => null)) ?? '';
}

/** Who made the last revision of a page, according to the wiki. */
async function lastEditor(title: string): Promise<string | undefined> {
  const u = new URL(testWiki().apiUrl);
  u.search = new URLSearchParams({ action: 'query', prop: 'revisions', titles: title, rvprop: 'user', format: 'json', formatversion: '2' }).toString();
  const res = (await (await fetch(u)).json()) as { query: { pages: { revisions?: { user: string }[] }[] } };
  return res.query.pages[0].revisions?.[0].user;
}

/** VS Code's own consent dialog ("The extension '…' wants to sign in using MediaWiki."): Allow, then the account. */
async function allowInVsCodesDialog(page: Page, account: RegExp | undefined): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await dialog.textContent()) ?? '', new RegExp(`The extension '${SIBLING}' wants to sign in using MediaWiki`));
  await screenshot(page, 'sibling-consent-dialog');
  await dialog.getByRole('button', { name: 'Allow' }).click();
  if (!account) return;
  // With several accounts possible, VS Code then asks which one the extension may use.
  const picker = await quickPickLabels(page, { timeout: 5_000 }).catch(() => []);
  if (picker.length) await pickQuickPickItem(page, account);
}

/** mediawiki.requestTimeoutSeconds in the user settings (undefined: the default); checked as the extension host sees it. */
async function setRequestTimeout(page: Page, seconds: number | undefined): Promise<void> {
  const r = await sibling(page, { op: 'config', value: seconds ?? null });
  assert.equal(r.value, seconds ?? 30, JSON.stringify(r));
}

describe('UI: a sibling extension gets a wiki session only with the user\'s consent', function () {
  this.timeout(240_000);
  const bot = () => testWiki().users.bot;
  const account = () => new RegExp(`${bot().name} @ ${testWiki().siteName}`);
  const loggedIn = () => new RegExp(`^${bot().name} · ${testWiki().siteName}$`);

  before(async () => {
    await testWiki().resetThrottles();
    const { page } = workbench();
    await waitForStatus(page, /MediaWiki/);
    await addWiki(page, testWiki().articleUrl('Main Page'), testWiki().siteName);
    await botPasswordLogin(page, new RegExp(testWiki().siteName), bot());
    await waitForStatus(page, loggedIn());
  });

  after(async () => {
    const { page } = workbench();
    await page.keyboard.press('Escape');
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await setRequestTimeout(page, undefined).catch(() => undefined);
    for (let i = 0; i < 3 && (await statusText(page)) !== 'MediaWiki'; i++) {
      await runCommand(page, 'MediaWiki: Log Out');
      const labels = await quickPickLabels(page);
      await pickQuickPickItem(page, labels[0].split(',')[0].trim());
      await sleep(500);
    }
    await waitForStatus(page, /^MediaWiki$/);
  });

  it('without consent: VS Code gives it no session, a guessed token gets notloggedin, the URL only an anonymous client; nothing is written', async () => {
    const { page } = workbench();
    testWiki().clearRequests();
    const silent = await sibling(page, { op: 'edit', title: 'Sibling without consent', text: 'x' });
    assert.equal(silent.code, 'nosession', JSON.stringify(silent));
    const guessed = await sibling(page, { op: 'edit', token: `mws1_${'A'.repeat(43)}`, title: 'Sibling without consent', text: 'x' });
    assert.equal(guessed.code, 'notloggedin', JSON.stringify(guessed));
    assert.deepEqual(testWiki().requests(), [], 'nothing reached the wiki');
    const anonymous = await sibling(page, { op: 'read', token: 'none' });
    assert.equal((anonymous.value as { userinfo: { anon?: boolean } }).userinfo.anon, true, JSON.stringify(anonymous));
    const sent = testWiki().requests();
    assert.equal(sent.length, 1);
    assert.ok(!sent[0].cookieNames.some((c) => /session|UserID|UserName|Token/i.test(c)), `cookies sent: ${sent[0].cookieNames.join(', ')}`);
    const noToken = await sibling(page, { op: 'edit', token: 'none', title: 'Sibling without consent', text: 'x' });
    assert.equal(noToken.code, 'notloggedin', 'an anonymous client gets no edit token');
    assert.equal(await testWiki().revisionCount('Sibling without consent'), 0);
    // getSites() tells names and states, nothing that unlocks anything.
    const sites = JSON.stringify((await sibling(page, { op: 'sites' })).value);
    assert.match(sites, new RegExp(bot().name));
    assert.doesNotMatch(sites, /mws1_|_session|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('the user allows it in VS Code\'s dialog: its edit is saved as the user', async () => {
    const { page } = workbench();
    const title = `Sibling edit ${Date.now()}`;
    const run = await startSibling(page, { op: 'edit', createIfNone: true, title, text: 'Edited by another extension with consent' });
    await allowInVsCodesDialog(page, account());
    const r = await run.result();
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal((r.value as { edit: { result: string } }).edit.result, 'Success');
    assert.equal(await lastEditor(title), bot().name, 'the wiki records the user as the editor');
    // Asked again later, VS Code remembers the answer: no dialog, the session comes silently.
    const again = await sibling(page, { op: 'edit', title, text: 'Second edit, no question asked' });
    assert.equal(again.ok, true, JSON.stringify(again));
  });

  it('after the user removes it from the trusted extensions, its token fails with notloggedin and sends nothing', async () => {
    const { page } = workbench();
    await runCommand(page, 'Accounts: Manage Trusted Extensions For Account');
    await pickQuickPickItem(page, account());
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: SIBLING });
    await row.first().waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, 'sibling-trusted-extensions');
    const box = row.first().locator('input[type="checkbox"]');
    assert.equal(await box.isChecked(), true, 'the sibling is trusted');
    await box.click();
    assert.equal(await box.isChecked(), false);
    await page.keyboard.press('Enter');
    // The old token ends after a short grace (VS Code hands the token to a just-allowed extension
    // after the same access change, src/vscode/accessTokens.ts); poll until it has.
    const end = Date.now() + 30_000;
    let kept: SiblingResult;
    let title: string;
    for (;;) {
      testWiki().clearRequests();
      title = `Sibling after removal ${Date.now()}`;
      kept = await sibling(page, { op: 'edit', token: 'kept', title, text: 'x' });
      if (!kept.ok || Date.now() > end) break;
      await sleep(1000);
    }
    assert.equal(kept.code, 'notloggedin', JSON.stringify(kept));
    assert.deepEqual(testWiki().requests(), [], 'the refused call sent nothing (no old cookies either)');
    assert.equal(await testWiki().revisionCount(title), 0);
    const current = await sibling(page, { op: 'edit', title, text: 'x' });
    assert.equal(current.code, 'nosession', 'VS Code no longer gives it the session');
  });

  it('after Log Out, the token it had fails with notloggedin and sends nothing', async () => {
    const { page } = workbench();
    const title = `Sibling before logout ${Date.now()}`;
    const run = await startSibling(page, { op: 'edit', createIfNone: true, title, text: 'Allowed again' });
    await allowInVsCodesDialog(page, account());
    assert.equal((await run.result()).ok, true);
    await runCommand(page, 'MediaWiki: Log Out');
    await pickQuickPickItem(page, new RegExp(bot().name));
    await waitForStatus(page, /^MediaWiki$/);
    testWiki().clearRequests();
    const r = await sibling(page, { op: 'edit', token: 'kept', title, text: 'After logout' });
    assert.equal(r.code, 'notloggedin', JSON.stringify(r));
    assert.deepEqual(testWiki().requests(), [], 'nothing sent with the old session');
    // With no account logged in, asking for a session lets VS Code start our login; the user allows
    // it and then cancels the login: the sibling gets VS Code's cancellation, nothing is stored.
    const cancelled = await startSibling(page, { op: 'edit', createIfNone: true, title, text: 'Cancelled' });
    await allowInVsCodesDialog(page, undefined);
    await waitForInputTitle(page, /Log in to/);
    await page.keyboard.press('Escape');
    const c = await cancelled.result();
    assert.equal(c.ok, false);
    assert.equal(c.code, 'Canceled', `vscode.CancellationError reaches the caller: ${JSON.stringify(c)}`);
    assert.equal(await statusText(page), 'MediaWiki', 'nothing stored');
    // A new login of the same account does not bring the old token back.
    await botPasswordLogin(page, new RegExp(testWiki().siteName), bot());
    await waitForStatus(page, loggedIn());
    testWiki().clearRequests();
    const stale = await sibling(page, { op: 'edit', token: 'kept', title, text: 'After a new login' });
    assert.equal(stale.code, 'notloggedin', JSON.stringify(stale));
    assert.deepEqual(testWiki().requests(), []);
  });

  it('a session expires and nobody answers the notification: the sibling\'s edit fails with assertuserfailed within requestTimeoutSeconds; notification and status bar stay; after Log In Again there the next edit works', async () => {
    const { page } = workbench();
    const title = `Sibling expiry ${Date.now()}`;
    // The sibling works with the new login (allowed earlier; VS Code may ask again).
    const first = await startSibling(page, { op: 'edit', createIfNone: true, title, text: 'Before the expiry' });
    if (await page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) await allowInVsCodesDialog(page, account());
    assert.equal((await first.result()).ok, true);
    await setRequestTimeout(page, 5);

    await testWiki().invalidateSessions(bot().name);
    testWiki().clearRequests();
    const r = await sibling(page, { op: 'edit', token: 'kept', title, text: 'Nobody answers' }, 60_000);
    assert.equal(r.code, 'assertuserfailed', JSON.stringify(r));
    assert.ok(r.ms >= 5_000 && r.ms < 5_000 + 10_000, `settled after ${r.ms} ms (deadline 5 s)`);
    assert.match(r.message ?? '', /expired.*5 seconds.*Log in/);
    assert.equal(await testWiki().revisionCount(title), 1, 'nothing written: only the edit before the expiry');
    const edits = testWiki().requests().filter((q) => q.action === 'edit');
    assert.ok(edits.every((q) => q.paramNames.includes('assert')), 'every edit sent carried assert=user, so the wiki could not save it anonymously');
    // The notification and the status bar still offer the login.
    const shown = await notifications(page);
    assert.ok(shown.some((n) => /has expired/.test(n)), `notifications: ${JSON.stringify(shown)}`);
    assert.match(await statusAria(page), /expired/i);
    await screenshot(page, 'sibling-expired-nobody-answered');

    // The user comes back and answers the notification the call gave up on: Log In Again, the
    // password. The sibling's next edit works, with the same token.
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: /has expired/ });
    await toast.first().getByRole('button', { name: 'Log In Again' }).click();
    await waitForInputTitle(page, /password for/);
    await typeInInputBox(page, bot().botPassword);
    await waitForStatus(page, loggedIn());
    for (let i = 0; i < 50 && /expired/i.test(await statusAria(page)); i++) await sleep(200);
    assert.doesNotMatch(await statusAria(page), /expired/i, 'the status bar no longer warns');
    const after = await sibling(page, { op: 'edit', token: 'kept', title, text: 'After the login' });
    assert.equal(after.ok, true, JSON.stringify(after));
    assert.equal(await lastEditor(title), bot().name);
  });
});
