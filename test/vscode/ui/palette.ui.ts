import * as assert from 'node:assert/strict';
import { openCommandPalette, quickPickLabels, screenshot } from '../host';
import { workbench } from './hooks';

describe('UI: workbench', () => {
  it('opens the command palette with a list of commands', async () => {
    const { page } = workbench();
    await openCommandPalette(page);
    await page.keyboard.type('View: Toggle');
    const labels = await quickPickLabels(page);
    assert.ok(labels.length > 0, 'no commands listed');
    assert.ok(labels.some((l) => l.startsWith('View: Toggle')), `unexpected rows: ${labels.slice(0, 5).join(' | ')}`);
    await screenshot(page, 'palette');
    await page.keyboard.press('Escape');
  });
});
