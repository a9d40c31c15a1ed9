// What a user does, in the real workbench (code-server in Chromium), against the real test wiki.
// Screenshots go to test-output/screenshots/ and the README's come from here.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openCommandPalette, pickQuickPickItem, repoRoot, runCommand, screenshot, sleep, typeInInputBox, quickPickLabels } from '../host';
import { testWiki } from '../setupWiki';
import { workbench } from './hooks';
import { ACCOUNT_COMMANDS, STATUS_ID, WIKI_COMMANDS, addWiki, offeredWhenSettled, waitForInputTitle, waitForStatus } from './steps';


/** Palette → Log In → the wiki → Interactive → "User name and password", up to the Username box. */
async function startInteractivePasswordLogin(page: Page): Promise<void> {
  await runCommand(page, 'MediaWiki: Log In');
  await pickQuickPickItem(page, new RegExp(testWiki().siteName));
  await pickQuickPickItem(page, /^Interactive/);
  await waitForInputTitle(page, /How do you want to log in/);
  await pickQuickPickItem(page, /User name and password/);
  await waitForInputTitle(page, /Username/);
}

describe('UI: logging in from the command palette', function () {
  this.timeout(120_000);

  before(async () => {
    await testWiki().resetThrottles();
  });

  it('Add Wiki… from an article URL', async () => {
    const { page } = workbench();
    await waitForStatus(page, /MediaWiki/);
    // The site is registered (discovery runs under a progress notification): the Log In picker lists it.
    const labels = await addWiki(page, testWiki().articleUrl('Main Page'), testWiki().siteName);
    assert.ok(labels.some((l) => l.includes(testWiki().siteName)), `sites: ${labels.join(' | ')}`);
    assert.ok(labels[labels.length - 1].includes('Add Wiki'), 'Add Wiki… is the last item');
  });

  it('palette → Log In → wiki → Bot password → credentials → the status bar shows the user', async () => {
    const { page } = workbench();
    const { bot } = testWiki().users;
    await openCommandPalette(page);
    await page.keyboard.type('MediaWiki: Log In');
    await page.locator('.quick-input-widget .monaco-list-row[role="option"]', { hasText: 'Log In' }).first().waitFor({ state: 'attached' });
    await screenshot(page, 'palette-log-in');
    await page.keyboard.press('Enter');
    await pickQuickPickItem(page, new RegExp(testWiki().siteName));
    await waitForInputTitle(page, /Log in to/);
    await screenshot(page, 'method-picker');
    await pickQuickPickItem(page, /^Bot password/);
    await waitForInputTitle(page, /bot password login name/);
    await typeInInputBox(page, bot.lgname);
    await waitForInputTitle(page, /password for/);
    const type = await page.locator('.quick-input-widget .quick-input-box input').getAttribute('type');
    assert.equal(type, 'password', 'the password box hides what is typed');
    await typeInInputBox(page, bot.botPassword);
    await waitForInputTitle(page, /remember password/);
    await pickQuickPickItem(page, /Don't remember/);
    const text = await waitForStatus(page, new RegExp(`${bot.name} · ${testWiki().siteName}`));
    assert.match(text, new RegExp(`${bot.name} · ${testWiki().siteName}`));
    await screenshot(page, 'status-logged-in');
    // An account now: the commands that act on one are offered.
    assert.deepEqual(await offeredWhenSettled(page, [...ACCOUNT_COMMANDS, ...WIKI_COMMANDS], [...ACCOUNT_COMMANDS, ...WIKI_COMMANDS]), [...ACCOUNT_COMMANDS, ...WIKI_COMMANDS]);
  });

  it('the status bar menu: the actions that make sense now, each with its command\'s icon from package.json', async () => {
    const { page } = workbench();
    const { bot } = testWiki().users;
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; icon?: string }[] } };
    const iconOf = (command: string) => /^\$\(([\w-]+)\)$/.exec(manifest.contributes.commands.find((c) => c.command === command)?.icon ?? '')?.[1];
    await page.locator(`#workbench\\.parts\\.statusbar [id$="${STATUS_ID}"]`).first().click();
    const rows = page.locator('.quick-input-widget .monaco-list-row[role="option"]');
    await rows.first().waitFor({ state: 'attached', timeout: 10_000 });
    const expected: [RegExp, string][] = [
      [new RegExp(`Log out ${bot.name} on ${testWiki().siteName}`), 'mediawiki.logOut'],
      [/Log In…/, 'mediawiki.logIn'],
      [/Switch Account…/, 'mediawiki.switchAccount'],
      [/Check Session/, 'mediawiki.checkSession'],
      [/Add Wiki…/, 'mediawiki.addWiki'],
      [/Show Log/, 'mediawiki.showLog'],
    ];
    for (const [label, command] of expected) {
      const row = rows.filter({ hasText: label }).first();
      await row.waitFor({ state: 'attached', timeout: 5_000 });
      const icon = iconOf(command);
      assert.ok(icon, `${command} declares an icon`);
      assert.equal(await row.locator(`.codicon-${icon}`).count(), 1, `${label}: the icon of ${command} ($(${icon}))`);
    }
    await page.keyboard.press('Escape');
  });

  it('interactive login of the 2FA user: the TOTP code typed into the InputBox', async () => {
    const { page } = workbench();
    const u = testWiki().users.twoFactor[0];
    await startInteractivePasswordLogin(page);
    await typeInInputBox(page, u.name);
    await waitForInputTitle(page, /Password/);
    await typeInInputBox(page, u.password);
    await waitForInputTitle(page, /Token|code|OATH/i, 30_000);
    await screenshot(page, '2fa-inputbox');
    // A wrong code: the wiki's message is shown and the code is asked again.
    const good = testWiki().totp(u.totpSecret);
    await typeInInputBox(page, good === '000000' ? '111111' : '000000');
    const message = page.locator('.quick-input-widget .quick-input-message');
    await message.filter({ hasText: /\S/ }).first().waitFor({ state: 'visible', timeout: 20_000 });
    const shown = (await message.first().textContent()) ?? '';
    assert.match(shown, /verification|code|token/i, `message shown: ${shown}`);
    await screenshot(page, '2fa-wrong-code');
    await typeInInputBox(page, testWiki().totp(u.totpSecret));
    await waitForStatus(page, new RegExp(`${u.name} · ${testWiki().siteName}`));
  });

  it('Escape at any step cancels cleanly: nothing stored, status unchanged', async () => {
    const { page } = workbench();
    const before = await waitForStatus(page, /·/);
    await startInteractivePasswordLogin(page);
    await typeInInputBox(page, testWiki().users.plain.name);
    await waitForInputTitle(page, /Password/);
    await page.keyboard.press('Escape');
    await sleep(1000);
    assert.equal(await waitForStatus(page, /·/), before);
    const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
    assert.ok(!toasts.some((t) => /error|failed/i.test(t)), `no error shown for a cancel: ${toasts.join(' | ')}`);
    // Log Out lists only the accounts that really logged in.
    await runCommand(page, 'MediaWiki: Log Out');
    const labels = await quickPickLabels(page);
    assert.ok(!labels.some((l) => l.includes(testWiki().users.plain.name)), `accounts: ${labels.join(' | ')}`);
    await page.keyboard.press('Escape');
  });

  it('a REDIRECT login completes through the browser', async () => {
    const { page, context } = workbench();
    const who = testWiki().users.redirect;
    await runCommand(page, 'MediaWiki: Log In');
    await pickQuickPickItem(page, new RegExp(testWiki().siteName));
    await pickQuickPickItem(page, /^Interactive/);
    await waitForInputTitle(page, /How do you want to log in/);
    const popup = context.waitForEvent('page', { timeout: 30_000 });
    await pickQuickPickItem(page, /TestIdP/);
    // VS Code may ask before opening an external site.
    const open = page.getByRole('button', { name: /^Open$/ });
    if (await open.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) await open.click();
    const tab = await popup;
    await tab.waitForLoadState('load').catch(() => undefined);

    await waitForStatus(page, new RegExp(`${who.name} · ${testWiki().siteName}`), 45_000);
    await tab.locator('text=Login received').waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(tab, 'redirect-landing');
    await tab.close().catch(() => undefined);
  });

  it('the Accounts menu lists the MediaWiki accounts', async () => {
    const { page } = workbench();
    await page.locator('.activitybar .action-item a[aria-label^="Accounts"], .activitybar [aria-label="Accounts"]').first().click();
    const menu = page.locator('.context-view .monaco-menu, .monaco-menu-container');
    await menu.first().waitFor({ state: 'visible', timeout: 10_000 });
    const text = (await menu.first().textContent()) ?? '';
    assert.match(text, new RegExp(`${testWiki().users.bot.name} @ ${testWiki().siteName}`));
    await screenshot(page, 'accounts-menu');
    await page.keyboard.press('Escape');
  });

  it('Log Out of every account → the status bar shows signed out', async () => {
    const { page } = workbench();
    for (let i = 0; i < 3; i++) {
      await runCommand(page, 'MediaWiki: Log Out');
      const labels = await quickPickLabels(page);
      await pickQuickPickItem(page, labels[0].split(',')[0].trim());
      await sleep(300);
    }
    const text = await waitForStatus(page, /^MediaWiki$/);
    assert.equal(text, 'MediaWiki');
    await screenshot(page, 'status-logged-out');
    // No account left: Log Out, Switch Account and Check Session leave the palette; the wiki stays.
    assert.deepEqual(await offeredWhenSettled(page, [...ACCOUNT_COMMANDS, ...WIKI_COMMANDS], WIKI_COMMANDS), WIKI_COMMANDS);
  });
});
