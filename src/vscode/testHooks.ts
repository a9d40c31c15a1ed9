// Test-only commands. They exist only in the test build (`npm run build` defines MWS_TEST_BUILD);
// the production build (`npm run build:production`, the .vsix) drops this module, so no shipped
// command hands out sessions, tokens or secrets (test/vscode/vsix.ts checks it). They are not in
// package.json either.
import * as vscode from 'vscode';
import type { AccessTokens } from './accessTokens';
import type { MediaWikiAuthProvider } from './authProvider';
import { summary } from './commands';
import { browser } from './browser';
import { oauthReceiverPorts } from './oauthReceiver';
import { returnListenerPorts } from './redirectReceiver';
import type { SessionManager } from './sessions';
import type { StatusBar } from './statusBar';
import { INDEX_KEY, clientSecretKey, passwordKey, sessionKey, type AccountRecord } from './storage';

export function registerTestCommands(context: vscode.ExtensionContext, sessions: SessionManager, status: StatusBar, tokens: AccessTokens, auth: MediaWikiAuthProvider): void {
  const realOpen = browser.open;
  let opened: string[] = [];
  context.subscriptions.push(
    // The OAuth login's browser: recorded instead of opened (on), so that the suite can follow the
    // authorization URL as a person's browser would; or the real one again (off).
    vscode.commands.registerCommand('mediawiki.test.captureBrowser', (on: boolean) => {
      opened = [];
      // toString(true): the URL as VS Code's opener hands it to the browser (toString() would encode its `&` and `=`).
      browser.open = on ? (uri) => (opened.push(uri.toString(true)), Promise.resolve(true)) : realOpen;
    }),
    vscode.commands.registerCommand('mediawiki.test.openedUrls', () => [...opened]),
    // Ports of the OAuth receivers open now.
    vscode.commands.registerCommand('mediawiki.test.oauthReceiverPorts', () => oauthReceiverPorts()),
    // The account's session as another window would hand it over: written again to SecretStorage
    // straight, and followed as such a change is, so that the next call restores it from there.
    vscode.commands.registerCommand('mediawiki.test.restoreFromStorage', async (a: { site: string; user: string }) => {
      const key = sessionKey({ apiUrl: a.site, userName: a.user });
      const blob = await context.secrets.get(key);
      if (!blob) throw new Error(`no stored session of ${a.user} at ${a.site}`);
      await context.secrets.store(key, blob);
      await sessions.onSecretsChanged(key);
    }),
    // The raw session blob and the client secret of an OAuth account, for what-is-stored assertions.
    vscode.commands.registerCommand('mediawiki.test.oauthStored', async (a: { site: string; user: string; clientId: string }) => ({
      session: await context.secrets.get(sessionKey({ apiUrl: a.site, userName: a.user })),
      clientSecret: await context.secrets.get(clientSecretKey(a.site, a.clientId)),
    })),
    // What the status bar shows and which accounts exist.
    vscode.commands.registerCommand('mediawiki.test.state', () => ({
      statusText: status.text,
      statusWarning: status.isWarning,
      sites: sessions.sites(),
      accounts: sessions.accounts().map((a) => summary(a, sessions)),
      // Ports of the loopback listeners waiting for a REDIRECT login's return (a test connects to them).
      returnListenerPorts: returnListenerPorts(),
    })),
    // Whether SecretStorage holds a session / password under an account's keys, read by key (not
    // through the account index), so a deleted index entry cannot hide a left-over secret.
    vscode.commands.registerCommand('mediawiki.test.secretsOf', async (a: { site: string; user: string; loginName?: string }) => ({
      session: (await context.secrets.get(sessionKey({ apiUrl: a.site, userName: a.user }))) !== undefined,
      password: (await context.secrets.get(passwordKey({ apiUrl: a.site, loginName: a.loginName ?? a.user }))) !== undefined,
    })),
    // The access token of an account, as VS Code would hand it to an extension the user allowed
    // (the suite cannot click VS Code's consent dialog; the UI tests do).
    // What the provider answers VS Code (getSessions with scopes and options.account). VS Code only
    // hands sessions to an extension the user allowed, and the suite cannot click that dialog.
    vscode.commands.registerCommand('mediawiki.test.providerSessions', (scopes: string[] | undefined, account?: vscode.AuthenticationSessionAccountInformation) =>
      auth.getSessions(scopes, { account }),
    ),
    // The names of the fields of an account's stored session (not their values: cookies are secrets).
    vscode.commands.registerCommand('mediawiki.test.sessionFields', async (a: { site: string; user: string }) => {
      const json = await context.secrets.get(sessionKey({ apiUrl: a.site, userName: a.user }));
      return json === undefined ? undefined : Object.keys(JSON.parse(json) as object).sort();
    }),
    // Rewrites an account's stored data as an older version kept it: the index names the
    // interactive method "clientlogin", and the session carries method, login name and domain too.
    // Written straight to SecretStorage, as another window running that version would, then read
    // back the way such a change is followed. Returns the method as the raw index now has it.
    vscode.commands.registerCommand('mediawiki.test.storeAsOlderVersion', async (a: { site: string; user: string }) => {
      const index = JSON.parse((await context.secrets.get(INDEX_KEY)) ?? '[]') as Record<string, unknown>[];
      const rec = index.find((r) => r['apiUrl'] === a.site && r['userName'] === a.user) as AccountRecord | undefined;
      const key = rec && sessionKey(rec);
      const blob = key && (await context.secrets.get(key));
      if (!rec || !key || !blob) throw new Error(`no stored account ${a.user} at ${a.site}`);
      await context.secrets.store(key, JSON.stringify({ ...(JSON.parse(blob) as object), method: 'clientlogin', loginName: rec.loginName, domain: rec.domain ?? 'OLD-DOMAIN' }));
      await context.secrets.store(INDEX_KEY, JSON.stringify(index.map((r) => (r === (rec as unknown) ? { ...r, method: 'clientlogin' } : r))));
      await sessions.onSecretsChanged(key);
      await sessions.onSecretsChanged(INDEX_KEY);
      return (JSON.parse((await context.secrets.get(INDEX_KEY)) ?? '[]') as Record<string, unknown>[]).find((r) => r['userName'] === a.user)?.['method'];
    }),
    vscode.commands.registerCommand('mediawiki.test.accessToken', (a: { site: string; user: string }) => {
      const account = sessions.account(a.site, a.user);
      return account && tokens.tokenFor(account.id);
    }),
  );
}
