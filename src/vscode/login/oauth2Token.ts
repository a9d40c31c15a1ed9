// OAuth 2.0 with an owner-only consumer's access token: the owner pastes the token the wiki showed
// once at registration; one userinfo request checks it, and it is stored like any session. It has
// no refresh token (it lasts 1000 years unless revoked): when the wiki refuses it, it is pasted again.
import * as vscode from 'vscode';
import { loginWithOwnerOnlyToken, type ApiClient } from '../../mediawiki';
import { ExtensionError } from '../extensionError';
import type { AccountRecord, SiteRecord } from '../storage';
import { withCancel } from './common';
import type { LogInArgs, LoginContext, LoginMethod } from './method';

export const oauth2Token: LoginMethod = {
  id: 'oauth2token',
  label: () => vscode.l10n.t('OAuth 2.0 (owner-only token)'),
  picker: () => ({
    description: vscode.l10n.t('paste an access token'),
    detail: vscode.l10n.t('The access token of an owner-only OAuth 2 consumer (shown once on Special:OAuthConsumerRegistration).'),
  }),
  availableOn: (site) => site.oauth2 === true,
  canReloginSilently: false,
  needsBrowser: false,
  renewWith: 'oauth2token',
  logIn,
};

async function logIn(ctx: LoginContext, site: SiteRecord, client: ApiClient, args: LogInArgs, again?: AccountRecord) {
  const host = new URL(site.apiUrl).host;
  const pasted = args.accessToken ?? (await vscode.window.showInputBox({
    title: vscode.l10n.t('{0} ({1}): OAuth 2 access token', site.name, host),
    prompt: vscode.l10n.t('Paste the access token of your owner-only OAuth 2 consumer (a long text with two dots).'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim().split('.').length === 3 ? undefined : vscode.l10n.t('An access token is a JWT: three parts separated by dots.')),
  }));
  if (pasted === undefined) return undefined;
  const token = pasted.trim().replace(/^Bearer\s+/, '');
  ctx.log.addSecret(token);
  const user = await withCancel(vscode.l10n.t('Checking the access token on {0}…', site.name), (signal) =>
    loginWithOwnerOnlyToken(client, audience(token) ?? '', token, signal),
  );
  if (again && user.name !== again.userName) throw new ExtensionError('assertnameduserfailed', vscode.l10n.t('Logged in as {0}, not as {1}.', user.name, again.userName));
  ctx.log.info(`OAuth 2 owner-only token accepted by ${site.name} for ${user.name}`);
  return { method: 'oauth2token' as const, loginName: user.name };
}

/** The client key the token was issued to (`aud`); the wiki checks the token, this only names it. */
function audience(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof claims.aud === 'string' ? claims.aud : undefined;
  } catch {
    return undefined;
  }
}
