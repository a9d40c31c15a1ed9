#!/usr/bin/env node
// Start the test wiki (test/wiki) for a demo or manual testing and print its accounts.
//   npx tsc -p . && node test/wiki/start-wiki.mjs [--data-dir DIR] [--port N] [--workers N]
// With --data-dir the wiki keeps its state across restarts. Ctrl-C stops it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { startWiki } = require(path.join(root, 'out/test/wiki/index.js'));

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dataDir = opt('--data-dir');
const port = opt('--port') ? Number(opt('--port')) : undefined;
const workers = opt('--workers') ? Number(opt('--workers')) : undefined;

const wiki = await startWiki({ dataDir, port, workers });
const { users } = wiki;
console.log(`Test wiki "${wiki.siteName}" (${wiki.wikiId}) at ${wiki.server}/wiki/Main_Page`);
console.log(`API: ${wiki.apiUrl}`);
console.log(`Files: ${wiki.dir}`);
console.log('');
console.log(`admin     ${users.admin.name} / ${users.admin.password}`);
console.log(`bot       ${users.bot.lgname} / ${users.bot.botPassword}   (main password ${users.bot.password})`);
console.log(`plain     ${users.plain.name} / ${users.plain.password}`);
for (const u of users.twoFactor) {
  console.log(`2FA       ${u.name} / ${u.password}   TOTP secret ${u.totpSecret} (code now: ${wiki.totp(u.totpSecret)})`);
}
console.log(`captcha   ${users.captcha.name} / ${users.captcha.password}   Q: ${wiki.captcha.question} A: ${wiki.captcha.answer}`);
console.log(`blocked   ${users.blocked.lgname} / ${users.blocked.botPassword}`);
console.log(`redirect  ${users.redirect.name}: clientlogin with ${wiki.redirectField.name}=1 and a loginreturnurl`);
console.log('\nCtrl-C to stop.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await wiki.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
