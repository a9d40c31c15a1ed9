// What a user does with this extension in the workbench, shared by the UI tests, the .vsix test
// and the benchmark: the status item, waiting for a quick-input step, the bot-password login.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openCommandPalette, pickQuickPickItem, quickPickLabels, runCommand, sleep, statusBarText, typeInInputBox } from '../host';

export const STATUS_ID = 'wikisessions.mediawiki-sessions.status';

/** The extension's status item text, or '' while it is not there. */
export function statusText(page: Page): Promise<string> {
  return statusBarText(page, STATUS_ID, { timeout: 5_000 }).catch(() => '');
}

/** Waits until the status item's text matches; returns it. */
export async function waitForStatus(page: Page, pattern: RegExp, timeout = 30_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await statusText(page);
    if (pattern.test(text)) return text;
    await sleep(200);
  }
  throw new Error(`status bar never matched ${pattern}; last: "${text}"`);
}

/** Waits until the quick input shows a step whose title matches; returns that title. */
export async function waitForInputTitle(page: Page, pattern: RegExp, timeout = 20_000): Promise<string> {
  const title = page.locator('.quick-input-widget .quick-input-title', { hasText: pattern }).first();
  await title.waitFor({ state: 'visible', timeout });
  return ((await title.textContent()) ?? '').trim();
}

export type BotLoginStep = 'name' | 'password' | 'remember' | 'done';

/**
 * Palette → MediaWiki: Log In → the wiki → Bot password → name → password → "Don't remember".
 * Stops when the step `until` is showing (its input not yet given); 'done' completes the login.
 */
export async function botPasswordLogin(
  page: Page,
  site: RegExp,
  bot: { lgname: string; botPassword: string },
  until: BotLoginStep = 'done',
): Promise<void> {
  await runCommand(page, 'MediaWiki: Log In');
  await pickQuickPickItem(page, site);
  await waitForInputTitle(page, /Log in to/);
  await pickQuickPickItem(page, /^Bot password/);
  await waitForInputTitle(page, /bot password login name/);
  if (until === 'name') return;
  await typeInInputBox(page, bot.lgname);
  await waitForInputTitle(page, /password for/);
  if (until === 'password') return;
  await typeInInputBox(page, bot.botPassword);
  await waitForInputTitle(page, /remember password/);
  if (until === 'remember') return;
  await pickQuickPickItem(page, /Don't remember/);
}

/**
 * MediaWiki: Add Wiki… with `url`; discovery runs in the background, so this then opens Log In
 * until its wiki picker lists `siteName` (closing it again each time). Returns that picker's rows.
 */
export async function addWiki(page: Page, url: string, siteName: string, attempts = 20): Promise<string[]> {
  await runCommand(page, 'MediaWiki: Add Wiki…');
  await typeInInputBox(page, url);
  let labels: string[] = [];
  for (let i = 0; i < attempts; i++) {
    await sleep(500);
    await runCommand(page, 'MediaWiki: Log In');
    labels = await quickPickLabels(page);
    await page.keyboard.press('Escape');
    if (labels.some((l) => l.includes(siteName))) return labels;
  }
  throw new Error(`${siteName} was not added from ${url}; the Log In picker lists: ${labels.join(' | ')}`);
}

/** The extension's output-channel log files ("MediaWiki Sessions.log") anywhere under `dir`. */
export function extensionLogFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.log') && e.name.includes('MediaWiki Sessions')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The commands the Command Palette offers for `filter` now (their aria-labels); closes it again. */
export async function paletteCommands(page: Page, filter = 'MediaWiki:', alwaysThere = 'MediaWiki: Show Log'): Promise<string[]> {
  await openCommandPalette(page);
  await page.locator('.quick-input-widget .quick-input-box input').fill(`>${filter}`);
  // Filtering is asynchronous: wait for a command that is always offered, then read the rows.
  await page.locator('.quick-input-widget .monaco-list-row[role="option"]', { hasText: alwaysThere }).first().waitFor({ state: 'attached', timeout: 10_000 });
  const labels = await quickPickLabels(page);
  await page.keyboard.press('Escape');
  return labels;
}

/** The titles (category: title) among `labels` that name one of `titles`. */
export function offered(labels: string[], titles: string[]): string[] {
  return titles.filter((t) => labels.some((l) => l.trim() === t || l.trim().startsWith(`${t},`) || l.trim().startsWith(`${t} `)));
}

/** The commands that act on an account (shown only while there is one) and on a wiki. */
export const ACCOUNT_COMMANDS = ['MediaWiki: Log Out', 'MediaWiki: Switch Account', 'MediaWiki: Check Session'];
export const WIKI_COMMANDS = ['MediaWiki: Remove Wiki'];

/**
 * Which of `candidates` the palette offers, once it offers exactly `expected` (context keys follow a
 * change asynchronously) or after `timeout`: the caller asserts the result.
 */
export async function offeredWhenSettled(page: Page, candidates: string[], expected: string[], timeout = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const now = offered(await paletteCommands(page), candidates);
    if (JSON.stringify(now) === JSON.stringify(expected) || Date.now() > deadline) return now;
    await sleep(300);
  }
}
