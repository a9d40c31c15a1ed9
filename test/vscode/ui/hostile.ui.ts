// A hostile wiki in the real workbench: its site name, a login field's label and help, and its FAIL
// reason carry `[label](command:…)` links. VS Code renders such links in notifications and in the
// InputBox prompt as clickable anchors that run the command; what the workbench shows here must hold
// the words and no link. Asserted on the rendered DOM. The wiki is a loopback canned server (a real
// wiki does not lie on demand); what reached it is asserted too.
import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { pickQuickPickItem, quickPickLabels, runCommand, screenshot, sleep, typeInInputBox } from '../host';
import { CannedServer, type Canned } from '../../net/cannedServer';
import { workbench } from './hooks';
import { addWiki, waitForInputTitle, waitForStatus } from './steps';

const COMMAND = 'command:workbench.action.openSettings';
const SITE_NAME = 'Evil Docs Wiki';
const SITE = /Evil Docs Wiki/;

function hostileWiki(): CannedServer {
  const server = new CannedServer();
  const begin: Canned = {
    json: {
      batchcomplete: true,
      query: {
        tokens: { logintoken: 'tok+\\' },
        authmanagerinfo: {
          requests: [{
            id: 'MediaWiki\\Auth\\PasswordAuthenticationRequest',
            required: 'primary-required',
            fields: {
              username: { type: 'string', label: `User [Open settings](${COMMAND})`, help: `Your name. <a href="${COMMAND}">[Help](${COMMAND})</a>` },
              password: { type: 'password', label: 'Password', help: `[Forgot it?](${COMMAND})`, sensitive: true },
            },
          }],
        },
      },
    },
  };
  server.route = (hit) => {
    if (hit.params.get('action') === 'clientlogin') {
      return { json: { clientlogin: { status: 'FAIL', message: `[Click here](${COMMAND}) to reset your password.`, messagecode: 'hostile-fail' } } };
    }
    if (hit.params.get('meta')?.includes('authmanagerinfo')) return begin;
    if (hit.params.get('meta') === 'siteinfo') {
      return { json: { batchcomplete: true, query: { general: { generator: 'MediaWiki 1.39.0', sitename: `Evil [Docs](${COMMAND}) Wiki`, wikiid: 'evil', server: 'https:', articlepath: '//$1', lang: 'en', mainpage: 'Main Page' } } } };
    }
    return undefined;
  };
  return server;
}

/** Anchors (VS Code's rendered links) inside `where`, and its text. */
async function linksAndText(where: Locator): Promise<{ links: number; text: string }> {
  return { links: await where.locator('a').count(), text: (await where.allTextContents()).join(' ') };
}

async function errorToast(page: Page, text: RegExp): Promise<Locator> {
  const message = page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  await message.waitFor({ state: 'visible', timeout: 30_000 });
  return message;
}

describe('UI: a hostile wiki\'s links are not rendered', function () {
  this.timeout(180_000);
  let evil: CannedServer;

  before(async () => {
    evil = await hostileWiki().start();
  });

  after(async () => {
    const { page } = workbench();
    await page.keyboard.press('Escape');
    await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    // Leave the shared window as found: remove the wiki again.
    await runCommand(page, 'MediaWiki: Remove Wiki').catch(() => undefined);
    const labels = await quickPickLabels(page, { timeout: 5_000 }).catch(() => [] as string[]);
    const mine = labels.find((l) => SITE.test(l));
    if (mine) {
      await pickQuickPickItem(page, SITE);
      await page.getByRole('button', { name: /^Remove$/ }).click({ timeout: 10_000 }).catch(() => undefined);
    } else await page.keyboard.press('Escape');
    await evil?.stop();
  });

  it('site name, field label and help, and the FAIL reason show as words: no anchor in the prompt or the notifications', async () => {
    const { page } = workbench();
    await waitForStatus(page, /MediaWiki/);
    const labels = await addWiki(page, evil.url, SITE_NAME);
    const row = labels.find((l) => SITE.test(l)) ?? '';
    assert.doesNotMatch(row, /command:|\]\(/, `the picker row: ${row}`);
    // The wiki claimed every https address as its own: Add Wiki said so.
    const claim = await errorToast(page, /says its pages are at/);
    const claimed = await linksAndText(claim);
    assert.equal(claimed.links, 0, claimed.text);
    assert.match(claimed.text, /Evil Docs Wiki \(127\.0\.0\.1:\d+\) says its pages are at https:\/\/\$1/);
    await runCommand(page, 'Notifications: Clear All Notifications');

    await runCommand(page, 'MediaWiki: Log In');
    await pickQuickPickItem(page, SITE);
    await pickQuickPickItem(page, /^Interactive/);
    // The prompt names the host, so a name cannot pass for another wiki; label and help are words.
    const title = await waitForInputTitle(page, /Evil Docs Wiki \(127\.0\.0\.1:\d+\): User Open settings$/);
    const widget = page.locator('.quick-input-widget');
    const message = widget.locator('.quick-input-message');
    await message.filter({ hasText: 'Help' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    const prompt = await linksAndText(message);
    await screenshot(page, 'hostile-prompt');
    assert.equal(prompt.links, 0, `a link in the InputBox prompt: ${prompt.text}`);
    assert.match(prompt.text, /Your name\. Help/);
    assert.doesNotMatch(prompt.text, /command:/);
    assert.ok(title.length > 0);
    await typeInInputBox(page, 'Alice');
    await waitForInputTitle(page, /\(127\.0\.0\.1:\d+\): Password$/);
    assert.equal(await widget.locator('.quick-input-message a').count(), 0, 'no link in the password prompt');
    await typeInInputBox(page, 'pw-hostile');

    // The FAIL: offered again ("Try Again"), as words.
    const failed = await errorToast(page, /to reset your password/);
    await screenshot(page, 'hostile-fail-notification');
    const fail = await linksAndText(failed);
    assert.equal(fail.links, 0, `a link in the notification: ${fail.text}`);
    assert.match(fail.text, /Evil Docs Wiki \(127\.0\.0\.1:\d+\): Click here to reset your password\. \[hostile-fail\]/);
    assert.doesNotMatch(fail.text, /command:/);

    // Dismissed (never clicked): the login ends with the error notification, also without a link.
    await runCommand(page, 'Notifications: Clear All Notifications');
    const ended = await errorToast(page, /^Log In: .*to reset your password/);
    const end = await linksAndText(ended);
    assert.equal(end.links, 0, `a link in the error notification: ${end.text}`);
    assert.match(end.text, /Click here to reset your password\. \[hostile-fail\]/);

    // On the wire: one clientlogin POST, with the typed answers.
    let posts = evil.hits.filter((h) => h.params.get('action') === 'clientlogin');
    for (let i = 0; i < 20 && posts.length === 0; i++) {
      await sleep(100);
      posts = evil.hits.filter((h) => h.params.get('action') === 'clientlogin');
    }
    assert.equal(posts.length, 1);
    assert.equal(posts[0].params.get('username'), 'Alice');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });
});
