// The translation pipeline end to end: VS Code (code-server) started with the German display
// language shows the extension's command titles from package.nls.de.json and the core's errors
// from media/l10n/bundle.l10n.de.json. A code-server of its own, started with `--locale de`.
// VS Code resolves that locale only with a language pack for it registered, and only the running
// server registers a pack it installs (code-server's `--install-extension` CLI does not): so the
// fixture pack (test/vscode/fixtures/language-pack-de, see its README) is installed as a user
// would with "Extensions: Install from VSIX…" (the same workbench command, run by a test-only
// extension), and the window reloaded.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type CodeServer, type Workbench, freePort, openWorkbench, repoRoot, runCommand, screenshot, startCodeServer,
  sleep, statusBarText, typeInInputBox,
} from '../host';
import { installableExtension } from '../fixtureExtension';
import { STATUS_ID, paletteCommands } from './steps';

/** Packages the fixture language pack with vsce; returns the .vsix path. */
function languagePackVsix(dir: string): string {
  const copy = path.join(dir, 'language-pack-de');
  fs.cpSync(path.join(repoRoot, 'test', 'vscode', 'fixtures', 'language-pack-de'), copy, { recursive: true });
  const vsix = path.join(dir, 'language-pack-de.vsix');
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], {
    cwd: copy,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return vsix;
}

const offeredTitles = (labels: string[]): string[] => labels.map((l) => l.trim());

describe('UI: German display language', function () {
  this.timeout(180_000);
  let tmp: string;
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-german-'));
    const vsix = languagePackVsix(tmp);
    server = await startCodeServer({
      locale: 'de',
      linkExtension: installableExtension('packInstaller').dir,
      env: { MWS_LANGUAGE_PACK_VSIX: vsix },
    });
    wb = await openWorkbench(server, { extensionDevelopmentPath: repoRoot });
    const { page } = wb;
    await statusBarText(page, STATUS_ID, { timeout: 60_000 });
    // No pack yet: VS Code stays English, and so does the extension.
    assert.ok(offeredTitles(await paletteCommands(page, 'MediaWiki:', 'MediaWiki: Show Log')).includes('MediaWiki: Log In'), 'English before the pack');
    // Install from VSIX's command, minus code-server's file dialog (why: test/vscode/packInstaller).
    await runCommand(page, 'MWS Test: Install Language Pack');
    // Installed and registered: the server writes languagepacks.json (the condition, not a toast).
    const packs = path.join(server.userDataDir, 'languagepacks.json');
    const registered = () => fs.existsSync(packs) && 'de' in JSON.parse(fs.readFileSync(packs, 'utf8') || '{}');
    for (let i = 0; i < 300 && !registered(); i++) await sleep(200);
    assert.ok(registered(), 'the server registered the language pack');
    await page.reload();
    await statusBarText(page, STATUS_ID, { timeout: 60_000 });
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the Command Palette shows the command titles of package.nls.de.json', async () => {
    const page = (wb as Workbench).page;
    const labels = await paletteCommands(page, 'MediaWiki:', 'MediaWiki: Protokoll anzeigen');
    const titles = labels.map((l) => l.trim());
    for (const t of ['MediaWiki: Anmelden', 'MediaWiki: Wiki hinzufügen …', 'MediaWiki: Protokoll anzeigen']) {
      assert.ok(titles.some((l) => l.startsWith(t)), `"${t}" offered: ${titles.join(' | ')}`);
    }
    assert.ok(!titles.some((l) => l.startsWith('MediaWiki: Log In') || l.startsWith('MediaWiki: Show Log')), `no English titles: ${titles.join(' | ')}`);
    await screenshot(page, 'german-palette');
  });

  it('a core error (a refused connection) is shown in German, with its code', async () => {
    const page = (wb as Workbench).page;
    const port = await freePort(); // nothing listens there
    await runCommand(page, 'MediaWiki: Wiki hinzufügen …');
    // The extension's own prompt is German too.
    await page.locator('.quick-input-widget .quick-input-message, .quick-input-widget .quick-input-title', { hasText: 'Fügen Sie eine beliebige Adresse des Wikis ein' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await typeInInputBox(page, `http://127.0.0.1:${port}/wiki/Hauptseite`);
    const toast = page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'nicht erreichbar' }).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    const text = ((await toast.textContent()) ?? '').trim();
    await screenshot(page, 'german-core-error');
    // "Add Wiki: " (the command) + the core's message and advice (errors.ts, http.ts), all German;
    // the MediaWiki/network code stays as it is.
    assert.equal(
      text,
      `Wiki hinzufügen: 127.0.0.1:${port} ist nicht erreichbar: Verbindung abgelehnt. [ECONNREFUSED] Prüfen Sie die Adresse und ob das Wiki läuft.`,
    );
  });
});
