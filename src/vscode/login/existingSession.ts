// An existing browser session: the user pastes the cookies of a browser tab where they are logged
// in; one userinfo query checks them. Such a session cannot renew itself: when it ends, the
// account logs in again interactively.
import * as vscode from 'vscode';
import { parseCookiePaste, useExistingSession, type ApiClient } from '../../mediawiki';
import type { SiteRecord } from '../storage';
import { confirmTransport } from './common';
import type { LogInArgs, LoginContext, LoginMethod } from './method';

export const existingSession: LoginMethod = {
  id: 'cookies',
  label: () => vscode.l10n.t('Browser session'),
  // Not in the Log In picker: it has its own command, Use Existing Session….
  canReloginSilently: false,
  needsBrowser: true,
  renewWith: 'interactive',
  logIn,
};

async function logIn(ctx: LoginContext, site: SiteRecord, client: ApiClient, args: LogInArgs) {
  const host = new URL(site.apiUrl).host;
  const pasted = args.cookies ?? (await vscode.window.showInputBox({
    title: vscode.l10n.t('{0} ({1}): use an existing session', site.name, host),
    prompt: vscode.l10n.t('Paste the Cookie header of a request to {0} from a browser tab where you are logged in (developer tools, Network tab), or the cookies as name=value; name=value.', host),
    placeHolder: 'Cookie: …_session=…; …UserName=…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the cookies.')),
  }));
  if (pasted === undefined) return undefined;
  ctx.log.addSecret(pasted.trim());
  if (!(await confirmTransport(site, 'cookies'))) return undefined;
  try {
    for (const c of parseCookiePaste(pasted)) ctx.log.addSecret(c.value);
  } catch {
    // the core reports the problem below
  }
  const user = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the session on {0}…', site.name) },
    () => useExistingSession(client, pasted),
  );
  ctx.log.info(`using an existing browser session on ${site.name} as ${user.name}`);
  return { method: 'cookies' as const, loginName: user.name };
}
