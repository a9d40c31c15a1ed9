// The artefact, not the source: package the .vsix as a user gets it (production build, vsce),
// check what is inside, install it into code-server and see the extension activate and work.
//   node out/test/vscode/vsix.js   (part of `npm test`)
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupAll, onCleanup, openWorkbench, pickQuickPickItem, quickPickLabels, repoRoot, runCommand, screenshot, sleep, startCodeServer, statusBarText, typeInInputBox } from './host';
import { startWiki } from '../wiki';

const STATUS_ID = 'wikisessions.mediawiki-sessions.status';

async function main(): Promise<void> {
  const out = path.join(repoRoot, 'test-output');
  fs.mkdirSync(out, { recursive: true });
  const vsix = path.join(out, 'mediawiki-sessions.vsix');
  execFileSync('npm', ['run', '--silent', 'build:production'], { cwd: repoRoot, stdio: 'inherit' });
  const files = execFileSync('npx', ['vsce', 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
  execFileSync('npx', ['vsce', 'package', '--no-dependencies', '-o', vsix], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const size = fs.statSync(vsix).size;
  console.log(`[vsix] ${path.relative(repoRoot, vsix)}: ${(size / 1024).toFixed(0)} KiB, ${files.length} files: ${files.join(', ')}`);
  assert.ok(files.includes('dist/extension.js'), 'the bundle is packaged');
  for (const f of files) assert.ok(!/\.map$|^src\/|^test\/|^node_modules\/|^out\//.test(f), `${f} must not be packaged`);
  assert.ok(size < 300 * 1024, `the .vsix is ${size} bytes`);

  const wiki = await startWiki({ host: '127.0.0.2' });
  onCleanup(() => wiki.stop());
  const server = await startCodeServer({ vsix });
  onCleanup(() => server.stop());
  const wb = await openWorkbench(server, {});
  onCleanup(() => wb.close());
  const { page } = wb;
  // Activated on startup: the status bar item is there.
  const text = await statusBarText(page, STATUS_ID, { timeout: 30_000 });
  assert.equal(text, 'MediaWiki');
  // And it works: add the wiki and log in with a bot password from the palette.
  await runCommand(page, 'MediaWiki: Add Wiki…');
  await typeInInputBox(page, wiki.apiUrl);
  let labels: string[] = [];
  for (let i = 0; i < 20 && !labels.some((l) => l.includes(wiki.siteName)); i++) {
    await sleep(500);
    await runCommand(page, 'MediaWiki: Log In');
    labels = await quickPickLabels(page);
    if (!labels.some((l) => l.includes(wiki.siteName))) await page.keyboard.press('Escape');
  }
  await pickQuickPickItem(page, new RegExp(wiki.siteName));
  await pickQuickPickItem(page, /^Bot password/);
  await typeInInputBox(page, wiki.users.bot.lgname);
  await sleep(300);
  await typeInInputBox(page, wiki.users.bot.botPassword);
  await pickQuickPickItem(page, /Don't remember/);
  const deadline = Date.now() + 30_000;
  let status = '';
  while (Date.now() < deadline && !status.includes(wiki.users.bot.name)) {
    status = await statusBarText(page, STATUS_ID).catch(() => '');
    await sleep(200);
  }
  await screenshot(page, 'vsix-installed-logged-in');
  assert.equal(status, `${wiki.users.bot.name} · ${wiki.siteName}`);
  console.log('[vsix] installed .vsix activates and logs in: ok');
}

main()
  .then(async () => {
    await cleanupAll();
    process.exit(0);
  })
  .catch(async (e) => {
    console.error('[vsix] FAILED:', e instanceof Error ? e.stack : e);
    await cleanupAll();
    process.exit(1);
  });
