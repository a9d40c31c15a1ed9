// Two workbench windows (two tabs of the same browser, same code-server, same user data): does a
// login or logout in window A reach window B? Measured, not assumed.
//
// What code-server 4.99.4 does: its workbench keeps SecretStorage in the tab's localStorage
// (LocalStorageSecretStorageProvider, key "secrets.provider", AES-sealed with a key from
// /mint-key). Each tab reads that blob ONCE when it loads, answers every get() from its in-memory
// copy, writes the whole copy back on each set()/delete(), and listens to no `storage` event. Its
// secrets.onDidChange fires only for the tab's own writes. So window B neither gets an event nor
// reads a fresh value until it is reloaded, and a write from a stale B overwrites A's changes.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { pickQuickPickItem, quickPickLabels, runCommand, sleep } from '../host';
import { testWiki } from '../setupWiki';
import { workbench } from './hooks';
import { STATUS_ID, addWiki, botPasswordLogin, statusText, waitForStatus } from './steps';

const STATUS = `#workbench\\.parts\\.statusbar [id="${STATUS_ID}"], #workbench\\.parts\\.statusbar [id$=".${STATUS_ID}"]`;
/** The status item's accessible label (it says "expired" when it is; the text does not). */
const ariaLabel = async (page: Page): Promise<string> =>
  (await page.locator(STATUS).first().getAttribute('aria-label', { timeout: 5_000 }).catch(() => null)) ?? '';

/** Every distinct status text window `page` shows during `ms`. */
async function watchStatus(page: Page, ms: number): Promise<string[]> {
  const seen = new Set<string>();
  const end = Date.now() + ms;
  while (Date.now() < end) {
    seen.add(await statusText(page));
    await sleep(250);
  }
  return [...seen];
}

async function reload(page: Page): Promise<void> {
  await page.reload();
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

describe('UI: two windows on one code-server (SecretStorage across windows)', function () {
  this.timeout(180_000);
  let b: Page;
  const bot = () => testWiki().users.bot;
  const loggedIn = () => new RegExp(`^${bot().name} · ${testWiki().siteName}$`);

  before(async function () {
    this.timeout(120_000);
    await testWiki().resetThrottles();
    const { page: a, context, url } = workbench();
    await waitForStatus(a, /MediaWiki/);
    // The wiki is registered in A (globalState) before B opens, so B knows the site.
    await addWiki(a, testWiki().articleUrl('Main Page'), testWiki().siteName);
    assert.equal(await waitForStatus(a, /^MediaWiki$/), 'MediaWiki', 'window A starts logged out');
    b = await context.newPage();
    await b.goto(url);
    await b.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await waitForStatus(b, /^MediaWiki$/), 'MediaWiki', 'window B starts logged out');
  });

  after(async () => {
    // Log out whatever is left (in A, after a reload so it sees the stored state), close B.
    await b?.close().catch(() => undefined);
    const { page: a } = workbench();
    await reload(a);
    // The status item comes with the extension's activation after the reload: wait for it before the
    // palette is asked (Log Out is offered only once the extension has set its context keys).
    await waitForStatus(a, /MediaWiki|·/, 60_000);
    for (let i = 0; i < 3 && (await statusText(a)) !== 'MediaWiki'; i++) {
      const shown = await statusText(a);
      await runCommand(a, 'MediaWiki: Log Out');
      const labels = await quickPickLabels(a);
      await pickQuickPickItem(a, labels[0].split(',')[0].trim());
      // Logged out when the status item changes (a fixed pause could ask again too early).
      for (let j = 0; j < 50 && (await statusText(a)) === shown; j++) await sleep(200);
    }
    await waitForStatus(a, /^MediaWiki$/);
  });

  it('a login in window A does not reach window B without a reload (code-server: no cross-tab SecretStorage events)', async () => {
    const { page: a } = workbench();
    await botPasswordLogin(a, new RegExp(testWiki().siteName), bot());
    await waitForStatus(a, loggedIn());
    const seen = await watchStatus(b, 10_000);
    assert.deepEqual(seen, ['MediaWiki'], `window B during 10 s after A's login: ${JSON.stringify(seen)}. If B now follows A, code-server propagates SecretStorage between tabs: turn this test around.`);
  });

  it('reloading window B shows the user: its new extension host reads SecretStorage, without a request to the wiki', async () => {
    testWiki().clearRequests();
    await reload(b);
    await waitForStatus(b, loggedIn());
    await sleep(1000);
    assert.deepEqual(testWiki().requests(), [], 'no request to the wiki while B restores the session');
  });

  it('a logout in window A does not reach window B; after a reload B shows signed out', async () => {
    const { page: a } = workbench();
    await runCommand(a, 'MediaWiki: Log Out');
    await pickQuickPickItem(a, bot().name);
    await waitForStatus(a, /^MediaWiki$/);
    const seen = await watchStatus(b, 8_000);
    assert.ok(seen.length === 1 && loggedIn().test(seen[0]), `window B during 8 s after A's logout: ${JSON.stringify(seen)}`);
    await reload(b);
    assert.equal(await waitForStatus(b, /^MediaWiki$/), 'MediaWiki');
  });

  it('a stale window writes its old copy back: a write in B after A\'s logout brings the account back for A (last writer wins)', async () => {
    const { page: a } = workbench();
    // Log in and out again in A while B is not reloaded: B still holds the logged-in copy.
    await reload(b);
    await botPasswordLogin(a, new RegExp(testWiki().siteName), bot());
    await waitForStatus(a, loggedIn());
    await reload(b);
    await waitForStatus(b, loggedIn());
    await runCommand(a, 'MediaWiki: Log Out');
    await pickQuickPickItem(a, bot().name);
    await waitForStatus(a, /^MediaWiki$/);
    // B checks its (stale) session: the wiki says it is gone, B marks it expired and stores its copy.
    await runCommand(b, 'MediaWiki: Check Session');
    await pickQuickPickItem(b, bot().name);
    for (let i = 0; i < 50 && !/expired/.test(await ariaLabel(b)); i++) await sleep(200);
    assert.match(await ariaLabel(b), /expired/, 'B shows the session as expired');
    await sleep(1000);
    await reload(a);
    const back = await waitForStatus(a, loggedIn(), 15_000).catch(() => statusText(a));
    const aria = await ariaLabel(a);
    assert.ok(loggedIn().test(back) && /expired/.test(aria), `A after reload: "${back}" (${aria}): the account A logged out is back, as B's copy had it`);
  });
});
