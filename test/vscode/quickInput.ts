// Quick-input helpers for the UI tests (Playwright against the workbench DOM): the command palette,
// quick picks and input boxes, as a user drives them with the keyboard.
import type { Page } from 'playwright-core';
import { sleep } from './codeServer';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;

async function paletteOpen(page: Page, timeout: number): Promise<boolean> {
  return page
    .locator(QUICK_INPUT_BOX)
    .waitFor({ state: 'visible', timeout })
    .then(() => true, () => false);
}

/** Opens the command palette (F1), retrying until it shows (focus may be elsewhere at first). */
export async function openCommandPalette(page: Page, attempts = 5): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await page.keyboard.press('Escape');
    // Clicking the editor area gives the workbench keyboard focus.
    if (i > 0) await page.locator('.monaco-workbench').click({ position: { x: 600, y: 300 } }).catch(() => undefined);
    await page.keyboard.press('F1');
    if (await paletteOpen(page, 2_000)) {
      const value = await page.locator(QUICK_INPUT_BOX).inputValue();
      if (value.startsWith('>')) return;
    }
  }
  throw new Error('command palette did not open');
}

/** Runs a command by its palette title, e.g. 'MediaWiki: Log In' (category: title). */
export async function runCommand(page: Page, title: string, options: { timeout?: number } = {}): Promise<void> {
  await openCommandPalette(page);
  await page.locator(QUICK_INPUT_BOX).fill(`>${title}`);
  try {
    await selectQuickPickRow(page, title, options.timeout ?? 10_000);
  } catch (error) {
    throw new Error(`command not found in the palette: ${title} (${(error as Error).message})`);
  }
  await page.keyboard.press('Enter');
  await page.locator(QUICK_INPUT_BOX).waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
}

const ROWS = `${QUICK_INPUT} .monaco-list-row[role="option"]`;

/** A row's visible label: aria-label minus codicon names ("add  Add Wiki…" -> "Add Wiki…"). */
function rowMatches(ariaLabel: string, label: string | RegExp): boolean {
  if (typeof label !== 'string') return label.test(ariaLabel);
  const a = ariaLabel.trim();
  return a === label || a.startsWith(`${label},`) || a.startsWith(`${label} `) || a.endsWith(` ${label}`) ||
    a.includes(`  ${label}`) || a.startsWith(label);
}

/**
 * Moves the quick-input focus (arrow keys) to the first row matching `label`, so that Enter
 * accepts it. Rows can look hidden to Playwright, so they are read as 'attached'.
 */
async function selectQuickPickRow(page: Page, label: string | RegExp, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout });
  let labels: string[] = [];
  while (Date.now() < deadline) {
    labels = await page
      .locator(ROWS)
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''))
      .catch(() => []);
    if (labels.some((l) => rowMatches(l, label))) break;
    await sleep(100);
  }
  if (!labels.some((l) => rowMatches(l, label))) {
    throw new Error(`no row matching ${String(label)}; rows: ${labels.slice(0, 8).join(' | ') || '(none)'}`);
  }
  // Walk the focus down from the top; the list wraps, so at most one lap.
  const focused = page.locator(`${ROWS}.focused`);
  for (let i = 0; i <= labels.length + 1; i++) {
    const current = (await focused.first().getAttribute('aria-label', { timeout: 1_000 }).catch(() => null)) ?? '';
    if (rowMatches(current, label)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not focus the row matching ${String(label)}`);
}

/** aria-labels of the rows currently listed in the quick input (palette or quick pick). */
export async function quickPickLabels(page: Page, options: { timeout?: number } = {}): Promise<string[]> {
  const timeout = options.timeout ?? 10_000;
  // The widget stays in the DOM (with its old rows) when closed: require it visible.
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout });
  const rows = page.locator(ROWS);
  await rows.first().waitFor({ state: 'attached', timeout });
  return rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? el.textContent ?? ''));
}

/**
 * Accepts the quick-pick row whose label is `label` (or matches the RegExp, tested against the
 * row's aria-label). `filter: true` first types the label into the filter box (long, virtualised
 * lists); multi-select picks need their own handling (Space toggles, Enter accepts).
 */
export async function pickQuickPickItem(
  page: Page,
  label: string | RegExp,
  options: { timeout?: number; filter?: boolean } = {},
): Promise<void> {
  const timeout = options.timeout ?? 10_000;
  await page.locator(QUICK_INPUT).waitFor({ state: 'visible', timeout });
  if (options.filter && typeof label === 'string') await page.locator(QUICK_INPUT_BOX).fill(label);
  await selectQuickPickRow(page, label, timeout);
  await page.keyboard.press('Enter');
}

/** Types into the open input box (showInputBox) and presses Enter. */
export async function typeInInputBox(page: Page, text: string, options: { submit?: boolean; timeout?: number } = {}): Promise<void> {
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ state: 'visible', timeout: options.timeout ?? 10_000 });
  await input.fill(text);
  if (options.submit ?? true) await input.press('Enter');
}
