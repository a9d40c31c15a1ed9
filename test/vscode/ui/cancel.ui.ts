// Escape at every step of Log In, and Cancel on the bot-password login's progress notification
// while the wiki is slow, in the real workbench: each cancel ends quietly (no error notification), logs nobody in, sends no login to the wiki, and (interactive) closes the loopback
// listener the extension opened for a possible REDIRECT return. Runs before login.ui.ts (alphabetical)
// and leaves the workbench as it found it: the wiki it adds is removed again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Page } from 'playwright-core';
import { pickQuickPickItem, quickPickLabels, runCommand, sleep, statusBarText } from '../host';
import { testWiki } from '../setupWiki';
import { codeServer, workbench } from './hooks';
import { ACCOUNT_COMMANDS, STATUS_ID, WIKI_COMMANDS, addWiki, botPasswordLogin, offeredWhenSettled, waitForInputTitle } from './steps';


/**
 * TCP sockets listening on 127.0.0.1 that belong to code-server's process group (its extension
 * host included), read from /proc: independent of what the extension says about itself.
 */
function loopbackListeners(): number {
  const pgid = codeServer().process.pid;
  if (!pgid) throw new Error('code-server has no pid');
  const inodes = new Set<string>();
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone
    }
    // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'.
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (pgrp !== pgid) continue;
    let fds: string[] = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  let count = 0;
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // local_address 0100007F:PORT = 127.0.0.1, st 0A = LISTEN, f[9] = inode
    if (f.length > 9 && f[1].startsWith('0100007F:') && f[3] === '0A' && inodes.has(f[9])) count++;
  }
  return count;
}

async function waitForListeners(expected: number, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let n = loopbackListeners();
  while (n !== expected && Date.now() < deadline) {
    await sleep(100);
    n = loopbackListeners();
  }
  assert.equal(n, expected, `${what}: ${n} loopback listeners, expected ${expected}`);
}

async function errorToasts(page: Page): Promise<string[]> {
  const items = page.locator('.notifications-toasts .notification-list-item');
  const texts: string[] = [];
  for (const item of await items.all()) {
    const isError = (await item.locator('.codicon-error').count()) > 0;
    const text = ((await item.locator('.notification-list-item-message').textContent().catch(() => '')) ?? '').trim();
    if (isError || /error|failed|\[[\w-]+\]/i.test(text)) texts.push(text);
  }
  return texts;
}

describe('UI: Escape at each step of Log In cancels cleanly', function () {
  this.timeout(180_000);

  before(async () => {
    await testWiki().resetThrottles();
  });

  it('wiki picker, method picker, bot name, bot password, remember pick, interactive method choice', async () => {
    const { page } = workbench();
    const wiki = testWiki();
    const { bot } = wiki.users;
    const site = new RegExp(wiki.siteName);

    await statusBarText(page, STATUS_ID, { timeout: 30_000 });
    assert.equal(await statusBarText(page, STATUS_ID), 'MediaWiki', 'nobody logged in at the start');
    // No wiki, no account: the palette offers nothing to remove, log out of, switch or check.
    assert.deepEqual(await offeredWhenSettled(page, [...ACCOUNT_COMMANDS, ...WIKI_COMMANDS], []), [], 'nothing to act on at the start');
    // The wiki to log in to (removed again at the end).
    await addWiki(page, wiki.apiUrl, wiki.siteName);
    assert.deepEqual(await offeredWhenSettled(page, [...ACCOUNT_COMMANDS, ...WIKI_COMMANDS], WIKI_COMMANDS), WIKI_COMMANDS, 'a wiki but no account: Remove Wiki only');

    const baseline = loopbackListeners();
    const steps: { step: string; reach: () => Promise<void>; listenerOpen?: boolean }[] = [
      {
        step: 'wiki picker',
        reach: async () => {
          await runCommand(page, 'MediaWiki: Log In');
          await waitForInputTitle(page, /MediaWiki: Log In/);
        },
      },
      {
        step: 'method picker',
        reach: async () => {
          await runCommand(page, 'MediaWiki: Log In');
          await pickQuickPickItem(page, site);
          await waitForInputTitle(page, /Log in to/);
        },
      },
      { step: 'bot user name', reach: () => botPasswordLogin(page, site, bot, 'name') },
      { step: 'bot password', reach: () => botPasswordLogin(page, site, bot, 'password') },
      { step: 'remember-password pick', reach: () => botPasswordLogin(page, site, bot, 'remember') },
      {
        step: 'interactive method choice',
        listenerOpen: true,
        reach: async () => {
          await runCommand(page, 'MediaWiki: Log In');
          await pickQuickPickItem(page, site);
          await pickQuickPickItem(page, /^Interactive/);
          await waitForInputTitle(page, /How do you want to log in/);
        },
      },
    ];

    for (const { step, reach, listenerOpen } of steps) {
      wiki.clearRequests();
      await reach();
      // The step is really showing (the test can tell a cancel from a flow that ended by itself).
      assert.ok(await page.locator('.quick-input-widget').isVisible(), `${step}: the quick input is open`);
      if (listenerOpen) await waitForListeners(baseline + 1, `${step}: the REDIRECT return listener is open while the login asks`);
      await page.keyboard.press('Escape');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 });
      await sleep(1_000); // anything the cancel would show or send, it has by now
      assert.deepEqual(await errorToasts(page), [], `${step}: no error shown for a cancel`);
      assert.equal(await statusBarText(page, STATUS_ID), 'MediaWiki', `${step}: nobody logged in`);
      const logins = wiki.requests().filter((r) => r.action === 'login' || r.action === 'clientlogin');
      assert.deepEqual(logins.map((r) => r.action), [], `${step}: no login was sent to the wiki`);
      await waitForListeners(baseline, `${step}: no return listener left open`);
    }

    // Cancel on the progress notification while the wiki is slow to answer the login itself.
    wiki.clearRequests();
    const release = wiki.holdLogins();
    try {
      await botPasswordLogin(page, site, bot, 'done');
      const progress = page.locator('.notifications-toasts .notification-list-item', { hasText: `Logging in to ${wiki.siteName} as ${bot.lgname}` });
      await progress.first().waitFor({ state: 'visible', timeout: 20_000 });
      // The login request has reached the wiki and waits there: the cancel aborts a real request.
      for (let i = 0; i < 100 && !wiki.requests().some((r) => r.action === 'login' && r.method === 'POST'); i++) await sleep(100);
      assert.ok(wiki.requests().some((r) => r.action === 'login' && r.method === 'POST'), 'the login POST is waiting at the wiki');
      await progress.first().hover();
      await progress.first().getByRole('button', { name: 'Cancel' }).click({ timeout: 10_000 });
      await progress.first().waitFor({ state: 'hidden', timeout: 10_000 });
    } finally {
      release();
    }
    await sleep(2_000); // the wiki answers the held login now: the extension must not use it
    assert.deepEqual(await errorToasts(page), [], 'bot-password progress: no error shown for a cancel');
    assert.equal(await statusBarText(page, STATUS_ID), 'MediaWiki', 'bot-password progress: nobody logged in');

    // No account was stored by any of the cancelled logins: still nothing to log out of.
    assert.deepEqual(await offeredWhenSettled(page, ACCOUNT_COMMANDS, []), [], 'no account after the cancels');

    // Leave the workbench as it was for login.ui.ts: remove the wiki again.
    await runCommand(page, 'MediaWiki: Remove Wiki');
    await pickQuickPickItem(page, site);
    await page.getByRole('button', { name: /^Remove$/ }).click({ timeout: 10_000 });
    let labels: string[] = [];
    for (let i = 0; i < 20; i++) {
      await sleep(300);
      await runCommand(page, 'MediaWiki: Log In');
      labels = await quickPickLabels(page);
      await page.keyboard.press('Escape');
      if (!labels.some((l) => site.test(l))) break;
    }
    assert.ok(!labels.some((l) => site.test(l)), `the wiki was removed: ${labels.join(' | ')}`);
    await page.keyboard.press('Escape');
    assert.deepEqual(await offeredWhenSettled(page, WIKI_COMMANDS, []), [], 'no wiki left: Remove Wiki is gone');
  });
});
