// Wiring only: the core is in src/mediawiki, the VS Code parts in src/vscode.
import * as vscode from 'vscode';
import type { MediaWikiSessionsChangeEvent, MediaWikiSessionsExtension } from './api/mediawiki-sessions';
import { useTranslations } from './mediawiki';
import { AccessTokens } from './vscode/accessTokens';
import { createExtensionApi } from './vscode/api';
import { AUTH_PROVIDER_ID, MediaWikiAuthProvider } from './vscode/authProvider';
import { registerCommands } from './vscode/commands';
import { updateContextKeys } from './vscode/contextKeys';
import { Log } from './vscode/log';
import { LoginFlows } from './vscode/loginFlow';
import { UriReturnHandler } from './vscode/redirectReceiver';
import { SessionManager } from './vscode/sessions';
import { transportOptions, watchNetworkSettings } from './vscode/settings';
import { StatusBar } from './vscode/statusBar';
import { Storage, isOurKey } from './vscode/storage';
import { registerTestCommands } from './vscode/testHooks';

/** Set by esbuild: true in the test build (`npm run build`), false in the shipped one. */
declare const MWS_TEST_BUILD: boolean | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<MediaWikiSessionsExtension> {
  const started = performance.now();
  useTranslations(vscode.l10n.bundle); // the core's messages in the display language too
  const log = new Log();
  context.subscriptions.push(log);

  const sessions = new SessionManager(new Storage(context.secrets, context.globalState), {
    transportOptions: () => transportOptions((line) => log.trace(line)),
    log: (line) => log.info(line),
  });
  await sessions.load(); // SecretStorage only: no network during activation

  const uriHandler = new UriReturnHandler();
  context.subscriptions.push(vscode.window.registerUriHandler(uriHandler));
  const flows = new LoginFlows({ sessions, log, uriHandler });
  sessions.handleRelogin((account, client) => flows.relogin(account, client));

  const status = new StatusBar(sessions);
  context.subscriptions.push(status);
  const tokens = new AccessTokens();
  const auth = new MediaWikiAuthProvider(sessions, flows, tokens);
  context.subscriptions.push(
    auth,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'MediaWiki', auth, { supportsMultipleAccounts: true }),
    // Our own changes come back here, and so does the user changing which extensions may use an account.
    vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === AUTH_PROVIDER_ID) auth.onAuthenticationChanged();
    }),
  );

  const changes = new vscode.EventEmitter<MediaWikiSessionsChangeEvent>();
  context.subscriptions.push(changes);
  updateContextKeys(sessions);
  const listener = sessions.onDidChange((sites) => {
    status.update();
    updateContextKeys(sessions);
    auth.refresh();
    changes.fire({ sites });
  });
  context.subscriptions.push({ dispose: () => listener.dispose() });

  // Another window logged in or out: follow it.
  context.subscriptions.push(
    context.secrets.onDidChange((e) => {
      if (isOurKey(e.key)) void sessions.onSecretsChanged(e.key);
    }),
  );

  registerCommands(context, sessions, flows, log);
  if (typeof MWS_TEST_BUILD !== 'undefined' && MWS_TEST_BUILD) registerTestCommands(context, sessions, status, tokens, auth);
  context.subscriptions.push(watchNetworkSettings(log));
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms; ${sessions.sites().length} wiki(s), ${sessions.accounts().length} account(s) restored`);
  return createExtensionApi(sessions, flows, tokens, changes.event);
}

export function deactivate(): void {}
