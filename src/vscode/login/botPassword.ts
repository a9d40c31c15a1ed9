// Bot password (action=login, User@appid from Special:BotPasswords): the only method that can log
// in again by itself, with the password the user chose to keep in SecretStorage.
import * as vscode from 'vscode';
import { InputError, loginWithBotPassword, toRequests, type ApiClient } from '../../mediawiki';
import { ExtensionError } from '../extensionError';
import type { AccountRecord, SiteRecord } from '../storage';
import { confirmTransport, withCancel } from './common';
import type { LogInArgs, LoginContext, LoginMethod } from './method';

export const botPassword: LoginMethod = {
  id: 'botpassword',
  label: () => vscode.l10n.t('Bot password'),
  picker: () => ({ description: 'User@appid', detail: vscode.l10n.t('For scripts and editing. Create one on Special:BotPasswords.') }),
  canReloginSilently: true,
  needsBrowser: false,
  renewWith: 'botpassword',
  logIn,
  async reloginSilently(ctx: LoginContext, account: AccountRecord, client: ApiClient): Promise<boolean> {
    if (!account.passwordStored) return false;
    const password = await ctx.sessions.storage.getPassword(account);
    if (!password) return false;
    client.resetSession({ forRelogin: true });
    const user = await loginWithBotPassword(client, { username: account.loginName, password, domain: account.domain });
    if (user.name !== account.userName) throw new ExtensionError('assertnameduserfailed', vscode.l10n.t('Logged in as {0}, not as {1}.', user.name, account.userName));
    return true;
  },
  logInAgainArgs: (a) => ({ site: a.apiUrl, method: 'botpassword', username: a.loginName }),
};

/** User@appid, the password, and whether to keep it. */
async function logIn(ctx: LoginContext, site: SiteRecord, client: ApiClient, args: LogInArgs, again?: AccountRecord) {
  const fixedName = again?.loginName;
  if (again) args = { rememberPassword: again.passwordStored, domain: again.domain, ...args };
  const username = fixedName ?? args.username ?? (await vscode.window.showInputBox({
    title: vscode.l10n.t('{0} ({1}): bot password login name', site.name, new URL(site.apiUrl).host),
    prompt: vscode.l10n.t('The login name from Special:BotPasswords, as User@appid.'),
    placeHolder: 'Alice@vscode',
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return vscode.l10n.t('Enter the login name.');
      if (!v.includes('@')) return { message: vscode.l10n.t('A bot password login name has the form User@appid (see Special:BotPasswords). Without "@" the main account password is used, which wikis are phasing out.'), severity: vscode.InputBoxValidationSeverity.Warning };
      return undefined;
    },
  }));
  if (username === undefined) return undefined;
  if (!username.trim()) throw new InputError('empty-username', vscode.l10n.t('The user name is empty.'));
  const password = args.password ?? (await vscode.window.showInputBox({
    title: vscode.l10n.t('{0} ({1}): password for {2}', site.name, new URL(site.apiUrl).host, username),
    prompt: vscode.l10n.t('The generated bot password (shown once on Special:BotPasswords).'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v) return vscode.l10n.t('Enter the password.');
      if (v !== v.trim()) return { message: vscode.l10n.t('The password starts or ends with a space. Bot passwords never do: remove it if it was copied by mistake.'), severity: vscode.InputBoxValidationSeverity.Warning };
      return undefined;
    },
  }));
  if (password === undefined) return undefined;
  ctx.log.addSecret(password);
  if (args.password !== undefined && password !== password.trim()) {
    throw new InputError('password-spaces', vscode.l10n.t('The password starts or ends with a space. Bot passwords never do; pass it without the spaces.'));
  }
  if (!(await confirmTransport(site))) return undefined;
  // LDAP-style wikis want a domain with a main-account login (bot passwords ignore it). It is
  // remembered with the account (not a secret) and offered when the wiki's login form has one.
  let domain = args.domain ?? ctx.sessions.accounts(site.apiUrl).find((a) => a.loginName === username && a.domain)?.domain;
  if (domain === undefined && !username.includes('@')) {
    const offered = await domainChoices(ctx, client);
    if (offered) {
      const pick = await vscode.window.showQuickPick(
        Object.entries(offered).map(([value, label]) => ({ label, description: value === label ? undefined : value, value })),
        { title: vscode.l10n.t('{0}: domain', site.name), placeHolder: vscode.l10n.t('The wiki asks for the domain of your account.'), ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      domain = pick.value;
    }
  }
  // Scripted callers that pass the password choose explicitly; the default is not to keep it.
  let remember = args.rememberPassword ?? (args.password !== undefined ? false : undefined);
  if (remember === undefined && fixedName === undefined) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Don\'t remember the password'), detail: vscode.l10n.t('When the session ends, you will be asked again.'), remember: false },
        { label: vscode.l10n.t('Remember the password'), detail: vscode.l10n.t('Kept in VS Code\'s secret storage (the OS keychain) to log in again automatically.'), remember: true },
      ],
      { title: vscode.l10n.t('{0}: remember password?', site.name), ignoreFocusOut: true },
    );
    if (!pick) return undefined;
    remember = pick.remember;
  }
  // Cancel on the notification, like the wiki lookup: the request in flight is aborted.
  await withCancel(vscode.l10n.t('Logging in to {0} as {1}…', site.name, username), (signal) => loginWithBotPassword(client, { username, password, domain }, signal));
  return { method: 'botpassword' as const, loginName: username, domain, rememberPassword: remember ? password : undefined };
}

/** The domain options of the wiki's login form (authmanagerinfo), if it has a domain field. */
async function domainChoices(ctx: LoginContext, client: ApiClient): Promise<Record<string, string> | undefined> {
  try {
    const res = await client.get({ action: 'query', meta: 'authmanagerinfo', amirequestsfor: 'login', amimessageformat: 'html' }, { login: true });
    const info = (res.query as { authmanagerinfo?: { requests?: Parameters<typeof toRequests>[0] } } | undefined)?.authmanagerinfo;
    const field = toRequests(info?.requests).flatMap((r) => r.fields).find((f) => f.name === 'domain' && f.options);
    return field?.options && Object.keys(field.options).length > 0 ? field.options : undefined;
  } catch (e) {
    ctx.log.trace(`no domain list: ${(e as Error).message}`);
    return undefined;
  }
}
