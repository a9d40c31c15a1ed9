// Test-only commands. They exist only in the test build (`npm run build` defines MWS_TEST_BUILD);
// the production build (`npm run build:production`, the .vsix) drops this module, so no shipped
// command hands out sessions, tokens or secrets (test/vscode/vsix.ts checks it). They are not in
// package.json either.
import * as vscode from 'vscode';
import type { AccessTokens } from './accessTokens';
import type { MediaWikiAuthProvider } from './authProvider';
import { summary } from './commands';
import { returnListenerPorts } from './redirectReceiver';
import type { SessionManager } from './sessions';
import type { StatusBar } from './statusBar';
import { passwordKey, sessionKey } from './storage';

export function registerTestCommands(context: vscode.ExtensionContext, sessions: SessionManager, status: StatusBar, tokens: AccessTokens, auth: MediaWikiAuthProvider): void {
  context.subscriptions.push(
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
    vscode.commands.registerCommand('mediawiki.test.accessToken', (a: { site: string; user: string }) => {
      const account = sessions.account(a.site, a.user);
      return account && tokens.tokenFor(account.id);
    }),
  );
}
