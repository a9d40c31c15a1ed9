// The artefact, not the source: package the .vsix as a user gets it (production build, vsce),
// check what is inside, install it into code-server and see the extension activate and work.
//   node out/test/vscode/vsix.js   (part of `npm test`)
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupAll, onCleanup, openWorkbench, repoRoot, screenshot, startCodeServer, statusBarText } from './host';
import { startWiki } from '../wiki';
import { STATUS_ID, addWiki, botPasswordLogin, statusText, waitForStatus } from './ui/steps';


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
  // The translations ship: VS Code reads package.nls.<lang>.json and media/l10n/bundle.l10n.<lang>.json.
  for (const f of ['package.nls.json', 'package.nls.de.json', 'media/l10n/bundle.l10n.de.json']) assert.ok(files.includes(f), `${f} is packaged`);
  // undici and tough-cookie are bundles of their own, require()d on the first request: every file
  // the activation bundle requires by a relative path must ship with it.
  const required = [...fs.readFileSync(path.join(repoRoot, 'dist', 'extension.js'), 'utf8').matchAll(/require\("\.\/([^"]+)"\)/g)].map((m) => `dist/${m[1]}`);
  assert.deepEqual([...new Set(required)].sort(), ['dist/tough-cookie.js', 'dist/undici.js'], 'the activation bundle requires undici and tough-cookie from dist/');
  for (const f of required) assert.ok(files.includes(f), `${f} (required by dist/extension.js) is packaged`);
  for (const f of files) assert.ok(!/\.map$|^src\/|^test\/|^node_modules\/|^out\//.test(f), `${f} must not be packaged`);
  assert.ok(size < 300 * 1024, `the .vsix is ${size} bytes`);
  // No test hook ships: the test-only commands (src/vscode/testHooks.ts, which hand out tokens and
  // read SecretStorage) are not in the production bundle nor in the manifest.
  const bundle = fs.readFileSync(path.join(repoRoot, 'dist', 'extension.js'), 'utf8');
  for (const hook of ['mediawiki.test.', 'mediawiki.internal.', 'providerSessions', 'secretsOf']) {
    assert.ok(!bundle.includes(hook), `the shipped bundle contains ${hook}`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
  const commands = manifest.contributes.commands.map((c) => c.command);
  assert.ok(commands.every((c) => /^mediawiki\.[a-zA-Z]+$/.test(c) && !/internal|test/i.test(c)), `manifest commands: ${commands.join(', ')}`);

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
  await addWiki(page, wiki.apiUrl, wiki.siteName);
  await botPasswordLogin(page, new RegExp(wiki.siteName), wiki.users.bot);
  const status = await waitForStatus(page, new RegExp(wiki.users.bot.name)).catch(() => statusText(page));
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
