// What the UI tests read off the workbench: status bar items, notification toasts, screenshots.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../repo';

/** Where screenshots go (gitignored). */
export const screenshotsDir: string = path.join(repoRoot, 'test-output', 'screenshots');

/**
 * Text of a status bar item: by its entry id (`<publisher>.<name>.<id>` or the id given to
 * createStatusBarItem) or by a pattern its text must match. Waits up to `timeout`.
 */
export async function statusBarText(page: Page, idOrPattern: string | RegExp, options: { timeout?: number } = {}): Promise<string> {
  const timeout = options.timeout ?? 10_000;
  const items = page.locator('#workbench\\.parts\\.statusbar .statusbar-item');
  const locator =
    typeof idOrPattern === 'string'
      ? page.locator(`#workbench\\.parts\\.statusbar [id="${idOrPattern}"], #workbench\\.parts\\.statusbar [id$=".${idOrPattern}"]`)
      : items.filter({ hasText: idOrPattern });
  await locator.first().waitFor({ state: 'attached', timeout });
  return ((await locator.first().textContent()) ?? '').trim();
}

/** Text of the visible notification toasts. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
}

/** Saves test-output/screenshots/NAME.png (full window); returns its path. */
export async function screenshot(page: Page, name: string, dir = screenshotsDir): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}
