// Plain http to a host that is not loopback (a wiki behind a corporate proxy): before the password
// is sent, a modal warns, and declining it sends nothing. Every test wiki is on loopback, so the
// wiki is reached as "wiki.example.test" through a loopback forward proxy (VS Code's http.proxy)
// that maps that name to the real test wiki: for the extension it is a remote host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { pickQuickPickItem, quickPickLabels, runCommand, screenshot, sleep } from '../host';
import { startProxy, type TestProxy } from '../../net/servers';
import { testWiki } from '../setupWiki';
import { codeServer, workbench } from './hooks';
import { addWiki, botPasswordLogin, extensionLogFiles, waitForStatus } from './steps';

const HOST = 'wiki.example.test';
const SITE = new RegExp(HOST.replace(/\./g, '\\.'));

/**
 * Merges `values` into the user settings the way a user does: Preferences: Open User Settings
 * (JSON), replace the text, save. (code-server does not notice a settings.json written behind
 * its back.) `workspace`: the workspace folder's .vscode/settings.json instead.
 */
async function setUserSettings(page: Page, values: Record<string, unknown>, workspace = false): Promise<void> {
  const file = workspace ? path.join(codeServer().workspace, '.vscode', 'settings.json') : path.join(codeServer().userDataDir, 'User', 'settings.json');
  const current = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8') || '{}') : {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) delete current[k];
    else current[k] = v;
  }
  await runCommand(page, workspace ? 'Preferences: Open Workspace Settings (JSON)' : 'Preferences: Open User Settings (JSON)');
  const editor = page.locator('.editor-instance .monaco-editor textarea').first();
  await editor.waitFor({ state: 'attached', timeout: 15_000 });
  await editor.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // One line, and whatever the editor auto-closes after it is deleted again.
  await page.keyboard.insertText(JSON.stringify(current));
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+S');
  const saved = () => fs.readFileSync(file, 'utf8').trim();
  for (let i = 0; i < 50 && saved() !== JSON.stringify(current); i++) await sleep(100);
  assert.equal(saved(), JSON.stringify(current), 'the user settings were saved');
  await runCommand(page, 'View: Close Editor');
}

/** Waits until the extension's log (its output channel, on disk) has a line matching `pattern`. */
async function waitForLog(pattern: RegExp, what: string, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (extensionLogFiles(codeServer().userDataDir).some((f) => pattern.test(fs.readFileSync(f, 'utf8')))) return;
    await sleep(200);
  }
  throw new Error(`${what}: no log line matching ${pattern} after ${timeout} ms`);
}

const dialog = (page: Page) => page.locator('.monaco-dialog-box');
const logins = () => testWiki().requests().filter((r) => r.action === 'login');

describe('UI: plain http to a host that is not loopback', function () {
  this.timeout(120_000);
  let proxy: TestProxy;

  before(async () => {
    await testWiki().resetThrottles();
    const wiki = new URL(testWiki().server);
    proxy = await startProxy({ hosts: { [`${HOST}:80`]: wiki.host } });
    const { page } = workbench();
    await waitForStatus(page, /MediaWiki/);
    await setUserSettings(page, { 'http.proxy': proxy.url });
    await waitForLog(/network: proxy .*\(http.proxy\)/, 'the extension sees http.proxy');
    // The api.php URL (one request): the wiki's own pages link to its real 127.0.0.2 address.
    const apiUrl = `http://${HOST}${new URL(testWiki().apiUrl).pathname}`;
    // The Log In picker lists the site with its host as the description.
    await addWiki(page, apiUrl, HOST);
  });

  after(async () => {
    const { page } = workbench();
    await page.keyboard.press('Escape');
    await runCommand(page, 'MediaWiki: Log Out').catch(() => undefined);
    const labels = await quickPickLabels(page, { timeout: 3_000 }).catch(() => [] as string[]);
    const mine = labels.find((l) => SITE.test(l) || /Bot/.test(l));
    if (mine) await pickQuickPickItem(page, mine.split(',')[0].trim());
    else await page.keyboard.press('Escape');
    await sleep(500);
    await runCommand(page, 'MediaWiki: Remove Wiki').catch(() => undefined);
    await pickQuickPickItem(page, SITE, { timeout: 3_000 }).catch(() => undefined);
    await page.getByRole('button', { name: /^Remove$/ }).click({ timeout: 5_000 }).catch(() => undefined);
    await page.keyboard.press('Escape');
    await setUserSettings(page, { 'http.proxy': undefined });
    await proxy?.stop();
  });

  it('the modal names the host; "Cancel" sends no password; "Send Anyway" logs in', async () => {
    const { page } = workbench();
    const { bot } = testWiki().users;
    assert.ok(proxy.tunnels.includes(`${HOST}:80`), `discovery went through the proxy to ${HOST}: ${proxy.tunnels.join(', ')}`);

    // Declined: the login is abandoned before anything is sent.
    testWiki().clearRequests();
    await botPasswordLogin(page, SITE, bot, 'password');
    await page.locator('.quick-input-widget .quick-input-box input').fill(bot.botPassword);
    await page.keyboard.press('Enter');
    await dialog(page).waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await dialog(page).textContent()) ?? '';
    assert.match(text, /uses plain http/);
    assert.match(text, new RegExp(`sent to ${HOST.replace(/\./g, '\\.')} unencrypted`));
    assert.ok(!text.includes(bot.botPassword), 'the warning does not show the password');
    await screenshot(page, 'insecure-http-warning');
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    await dialog(page).waitFor({ state: 'hidden', timeout: 5_000 });
    await sleep(1_000); // what a login would send, it has sent by now
    assert.deepEqual(logins(), [], 'declined: no login request reached the wiki');
    assert.equal(await page.locator('.quick-input-widget').isVisible(), false, 'the login ended: no further step');

    // Accepted: the same login goes through, via the proxy, to the wiki.
    await botPasswordLogin(page, SITE, bot, 'password');
    await page.locator('.quick-input-widget .quick-input-box input').fill(bot.botPassword);
    await page.keyboard.press('Enter');
    await dialog(page).waitFor({ state: 'visible', timeout: 10_000 });
    await dialog(page).getByRole('button', { name: 'Send Anyway' }).click();
    await pickQuickPickItem(page, /Don't remember/);
    await waitForStatus(page, new RegExp(`${bot.name} · `));
    assert.equal(logins().length, 1, 'one login request (lgname + lgpassword) at the wiki');
  });

  it('a workspace cannot silence the warning (user settings only); pasted cookies get the same modal', async () => {
    const { page } = workbench();
    const { bot } = testWiki().users;
    // What a cloned repository's .vscode/settings.json could say.
    await setUserSettings(page, { 'mediawiki.warnOnInsecureHttp': false }, true);
    try {
      testWiki().clearRequests();
      await runCommand(page, 'MediaWiki: Use Existing Session…');
      await pickQuickPickItem(page, SITE);
      await page.locator('.quick-input-widget .quick-input-box input').fill('mw_session=abcdef0123456789; mwUserName=Someone');
      await page.keyboard.press('Enter');
      await dialog(page).waitFor({ state: 'visible', timeout: 10_000 });
      const text = (await dialog(page).textContent()) ?? '';
      assert.match(text, new RegExp(`session cookies would be sent to ${HOST.replace(/\./g, '\\.')} unencrypted`));
      assert.ok(!text.includes('abcdef0123456789'), 'the warning does not show the cookies');
      await screenshot(page, 'insecure-http-cookies-warning');
      await dialog(page).getByRole('button', { name: 'Cancel' }).click();
      await dialog(page).waitFor({ state: 'hidden', timeout: 5_000 });
      await sleep(1_000); // what a check of the session would send, it has sent by now
      assert.deepEqual(testWiki().requests().filter((r) => r.path.endsWith('api.php')), [], 'declined: the cookies never reached the wiki');

      // The password warning too, despite the workspace's false.
      await botPasswordLogin(page, SITE, bot, 'password');
      await page.locator('.quick-input-widget .quick-input-box input').fill(bot.botPassword);
      await page.keyboard.press('Enter');
      await dialog(page).waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await dialog(page).textContent()) ?? '', /Your password would be sent/);
      await dialog(page).getByRole('button', { name: 'Cancel' }).click();
      await dialog(page).waitFor({ state: 'hidden', timeout: 5_000 });
      assert.deepEqual(logins(), [], 'no login request');
    } finally {
      await page.keyboard.press('Escape');
      await setUserSettings(page, { 'mediawiki.warnOnInsecureHttp': undefined }, true);
      // Leave the workspace as found for the later tests (windows.ui reloads it): no .vscode folder.
      fs.rmSync(path.join(codeServer().workspace, '.vscode'), { recursive: true, force: true });
    }
  });
});
