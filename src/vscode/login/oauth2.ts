// OAuth 2.0 through the browser (Extension:OAuth): authorization code with PKCE S256 and a checked
// state, answered at the fixed loopback address the user registered on the wiki (oauthReceiver.ts).
// The client id is kept with the site (not secret); the optional client secret in SecretStorage,
// per wiki and client: with it, an expired token is refreshed without asking. Without it, or when
// the refresh fails (1.39 keeps refresh tokens 60 s), the account shows as expired and the user is
// offered the browser again; never silently.
import * as vscode from 'vscode';
import { InputError, OAuthError, loginWithOAuth2Code, oauth2Endpoints, renewOAuth2, startAuthorization, type ApiClient, type OAuth2ClientConfig } from '../../mediawiki';
import { browser } from '../browser';
import { ExtensionError } from '../extensionError';
import { oauthRedirectUri, openOAuthReceiver } from '../oauthReceiver';
import { settings } from '../settings';
import type { AccountRecord, SiteRecord } from '../storage';
import { withCancel } from './common';
import type { LogInArgs, LoginContext, LoginMethod } from './method';

export const oauth2Browser: LoginMethod = {
  id: 'oauth2',
  label: () => vscode.l10n.t('OAuth 2.0 (browser)'),
  picker: () => ({
    description: vscode.l10n.t('no password in VS Code'),
    detail: vscode.l10n.t('Approve access in the browser (Extension:OAuth). Needs a client registered on the wiki with the redirect URI {0}.', oauthRedirectUri()),
  }),
  availableOn: (site) => site.oauth2 === true,
  // A refresh with the stored client secret asks nobody; without a secret it reports false.
  canReloginSilently: true,
  needsBrowser: true,
  renewWith: 'oauth2',
  logIn,
  async reloginSilently(ctx: LoginContext, account: AccountRecord, client: ApiClient): Promise<boolean> {
    if (!client.oauth?.canRefresh) return false;
    try {
      await renewOAuth2(client);
      for (const s of client.oauth?.secrets() ?? []) ctx.log.addSecret(s);
      ctx.log.info(`refreshed the OAuth access of ${account.userName} at ${account.apiUrl}`);
      return true;
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      // Expected on 1.39 (refresh tokens live 60 s) and after a revocation: the browser is offered.
      ctx.log.info(`OAuth refresh for ${account.userName} at ${account.apiUrl} failed: ${ctx.log.clean(e.message)}`);
      return false;
    }
  },
};

async function logIn(ctx: LoginContext, site: SiteRecord, client: ApiClient, args: LogInArgs, again?: AccountRecord) {
  const host = new URL(site.apiUrl).host;
  const redirectUri = oauthRedirectUri();
  const clientId = (args.clientId ?? site.oauthClientId ?? (await askClientId(site, host, redirectUri)))?.trim();
  if (clientId === undefined) return undefined;
  if (!/^[0-9a-f]{32}$/i.test(clientId)) throw new InputError('oauth-bad-client-id', vscode.l10n.t('"{0}" is not an OAuth 2 client key (32 hexadecimal characters, shown on the wiki after registering the client).', clientId));
  const stored = await ctx.sessions.storage.getClientSecret(site.apiUrl, clientId);
  let secret = args.clientSecret ?? stored;
  if (secret === undefined && !again && args.clientId === undefined) {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('{0} ({1}): OAuth 2 client secret (optional)', site.name, host),
      prompt: vscode.l10n.t('With the client secret, expired access is renewed without the browser (kept in SecretStorage). Leave empty to use the browser each time.'),
      password: true,
      ignoreFocusOut: true,
    });
    if (typed === undefined) return undefined;
    secret = typed.trim() || undefined;
  }
  if (secret) ctx.log.addSecret(secret);
  const timeoutMs = args.redirectTimeoutSeconds !== undefined ? args.redirectTimeoutSeconds * 1000 : settings().redirectTimeoutMinutes * 60_000;
  const config: OAuth2ClientConfig = { clientId, redirectUri, clientSecret: secret || undefined };
  const endpoints = oauth2Endpoints(site.apiUrl);
  // The receiver listens before the browser opens, so a quick answer cannot be missed.
  const receiver = await openOAuthReceiver(timeoutMs);
  let callbackUrl: string;
  const authorization = startAuthorization(endpoints, config);
  try {
    const cts = new vscode.CancellationTokenSource();
    const wait = receiver.wait(cts.token);
    wait.catch(() => undefined);
    ctx.log.info(`opening the OAuth authorization of ${site.name} in the browser (redirect URI ${redirectUri})`);
    const opened = await browser.open(vscode.Uri.parse(authorization.url, true));
    if (!opened) {
      cts.cancel();
      return undefined;
    }
    callbackUrl = await Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Waiting for the approval in the browser ({0})…', site.name), cancellable: true },
      (_p, token) => {
        token.onCancellationRequested(() => cts.cancel());
        return wait;
      },
    )).finally(() => cts.dispose());
  } finally {
    receiver.dispose();
  }
  // The code and state are secrets of this login: scrubbed wherever text is shown.
  for (const [k, v] of new URL(callbackUrl).searchParams) if ((k === 'code' || k === 'state') && v) ctx.log.addSecret(v);
  const user = await withCancel(vscode.l10n.t('Logging in to {0}…', site.name), (signal) =>
    loginWithOAuth2Code(client, config, callbackUrl, authorization, { signal, endpoints }),
  );
  for (const s of client.oauth?.secrets() ?? []) ctx.log.addSecret(s);
  if (again && user.name !== again.userName) throw new ExtensionError('assertnameduserfailed', vscode.l10n.t('Logged in as {0}, not as {1}.', user.name, again.userName));
  // Kept only after a successful login: the id with the site, the secret under its own key.
  if (site.oauthClientId !== clientId) await ctx.sessions.updateSite(site.apiUrl, { oauthClientId: clientId });
  if (secret && secret !== stored) await ctx.sessions.storage.storeClientSecret(site.apiUrl, clientId, secret);
  ctx.log.info(`OAuth 2 login to ${site.name} as ${user.name}${secret ? ' (refresh possible)' : ''}`);
  return { method: 'oauth2' as const, loginName: user.name };
}

async function askClientId(site: SiteRecord, host: string, redirectUri: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('{0} ({1}): OAuth 2 client key', site.name, host),
    prompt: vscode.l10n.t('Register an OAuth 2 client on Special:OAuthConsumerRegistration/propose/oauth2 with the callback URL {0} exactly, then paste its client key.', redirectUri),
    placeHolder: '0123456789abcdef0123456789abcdef',
    ignoreFocusOut: true,
    validateInput: (v) => (/^\s*[0-9a-f]{32}\s*$/i.test(v) ? undefined : vscode.l10n.t('The client key has 32 hexadecimal characters.')),
  });
}
