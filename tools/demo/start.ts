// `npm start`: the product on an embedded wiki, in one command.
//  1. `npm start` runs test/provision.mjs first (prestart): MediaWiki, PHP and code-server;
//  2. starts the demo wiki — the same real MediaWiki the tests use — with a bot password, a 2FA user
//     and a few pages;
//  3. starts VS Code in the browser (code-server 4.99.4) with the extension installed and the demo
//     wiki offered in "MediaWiki: Log In";
//  4. prints the URL, the demo credentials and how to get the current 2FA code; Ctrl+C stops it all.
import * as path from 'node:path';
import { ApiClient, loginWithBotPassword } from '../../src/mediawiki';
import { cleanupAll, onCleanup, repoRoot, startCodeServer } from '../../test/vscode/host';
import { startWiki } from '../../test/wiki';

async function seed(apiUrl: string, bot: { lgname: string; botPassword: string }): Promise<void> {
  const client = new ApiClient({ apiUrl });
  await loginWithBotPassword(client, { username: bot.lgname, password: bot.botPassword });
  const pages: Record<string, string> = {
    'Main Page': "'''Welcome to the MediaWiki Sessions demo wiki.'''\n\nLog in from VS Code with ''MediaWiki: Log In''.",
    'Sandbox': 'Edit me from VS Code.',
    'Help:Bot passwords': 'Create bot passwords on [[Special:BotPasswords]]; log in as User@appid.',
  };
  for (const [title, text] of Object.entries(pages)) {
    await client.postWithToken('csrf', { action: 'edit', title, text, summary: 'demo content' });
  }
  await client.logout();
}

async function main(): Promise<void> {
  console.log('Starting the demo wiki…');
  const wiki = await startWiki();
  onCleanup(() => wiki.stop());
  await seed(wiki.apiUrl, wiki.users.bot);

  console.log('Starting VS Code (code-server)…');
  const server = await startCodeServer({
    linkExtension: repoRoot,
    settings: { 'mediawiki.sites': [wiki.articleUrl('Main Page')] },
  });
  onCleanup(() => server.stop());

  const u2 = wiki.users.twoFactor[0];
  const totpCmd = `node ${path.relative(process.cwd(), path.join(__dirname, 'totp.js'))} ${u2.totpSecret}`;
  console.log(`
MediaWiki Sessions demo is running.

  VS Code:    ${server.url}/?folder=${encodeURIComponent(server.workspace)}
  Demo wiki:  ${wiki.articleUrl('Main Page')}

In VS Code press F1 and run "MediaWiki: Log In", pick "${new URL(wiki.server).host}" (the demo wiki), then:
  Bot password   name ${wiki.users.bot.lgname}
                 password ${wiki.users.bot.botPassword}
  Interactive    user ${u2.name} / ${u2.password}, then the 2FA code:
                 ${totpCmd}
  SSO (REDIRECT) Interactive → "Log in with TestIdP"

These are throwaway credentials of a local demo wiki. Press Ctrl+C to stop.
`);
  await new Promise<void>(() => undefined);
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    cleanupAll().finally(() => process.exit(0));
  });
}

main().catch(async (e) => {
  console.error(e instanceof Error ? e.message : e);
  await cleanupAll();
  process.exit(1);
});
