// Interactive login (action=clientlogin): the wiki drives the steps (password, 2FA, captcha, extra
// fields); an external identity provider (REDIRECT) goes through the browser and back.
import * as vscode from 'vscode';
import { InputError, checkRedirectTarget, clientLogin, identityProviderError, type ApiClient, type FieldValues, type LoginStep } from '../../mediawiki';
import { ExtensionError } from '../extensionError';
import { VsCodePrompter } from '../prompter';
import { openRedirectReturn, type RedirectReturn } from '../redirectReceiver';
import { settings } from '../settings';
import type { AccountRecord, SiteRecord } from '../storage';
import { confirmTransport } from './common';
import type { LogInArgs, LoginContext, LoginMethod } from './method';

export const interactive: LoginMethod = {
  id: 'interactive',
  label: () => vscode.l10n.t('Interactive'),
  picker: () => ({
    description: vscode.l10n.t('password, 2FA, captcha, SSO'),
    detail: vscode.l10n.t('Log in the way the wiki asks: two-factor codes, captchas and external identity providers.'),
  }),
  canReloginSilently: false,
  needsBrowser: true,
  renewWith: 'interactive',
  logIn,
};

async function logIn(ctx: LoginContext, site: SiteRecord, client: ApiClient, args: LogInArgs, again?: AccountRecord) {
  if (again) args = { domain: again.domain, ...args };
  if (!(await confirmTransport(site))) return undefined;
  const scripted: Record<string, string> = { ...args.values };
  const name = args.username ?? again?.userName;
  if (name) scripted['username'] = name;
  if (args.password) scripted['password'] = args.password;
  // An LDAP-style wiki's domain: given, or the one kept with this account by an earlier login.
  const knownDomain = args.domain ?? ctx.sessions.accounts(site.apiUrl).find((a) => a.userName === scripted['username'] && a.domain)?.domain;
  if (knownDomain) scripted['domain'] = knownDomain;
  // Every answer given up front is a secret to scrub, whatever its length, but the public ones.
  for (const [k, v] of Object.entries(scripted)) if (k !== 'username' && k !== 'domain') ctx.log.addSecret(v);
  const timeoutSeconds = args.redirectTimeoutSeconds;
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) {
    throw new InputError('bad-timeout', vscode.l10n.t('redirectTimeoutSeconds must be a positive number of seconds (got {0}).', String(timeoutSeconds)));
  }
  const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : settings().redirectTimeoutMinutes * 60_000;
  // A fresh return (listener, nonce) for every round of the login: after RESTART the wiki gets a
  // new return URL, and the second REDIRECT can never be answered with the first one's return.
  // The first is open from the start (while the first step is asked), the next ones per round.
  let receiver: RedirectReturn | undefined = await openRedirectReturn(ctx.uriHandler, timeoutMs);
  let unused = true;
  const nextReturnUrl = async () => {
    if (!unused || !receiver) {
      receiver?.dispose();
      receiver = undefined;
      receiver = await openRedirectReturn(ctx.uriHandler, timeoutMs);
    }
    unused = false;
    return receiver.returnUrl;
  };
  const host = new URL(site.apiUrl).host;
  // The domain the wiki's form got (asked or scripted) is kept with the account.
  let domain: string | undefined;
  try {
    const prompter = new VsCodePrompter({
      siteName: site.name,
      host,
      clean: (t) => ctx.log.clean(t),
      secret: (v) => ctx.log.addSecret(v),
      scripted,
      redirect: async (target: string, step: LoginStep) => {
        // The core refuses anything but http(s) already; checked again right before opening.
        checkRedirectTarget(target);
        if (!receiver) throw new ExtensionError('no-return-address', vscode.l10n.t('No return address is open for this login.'));
        ctx.log.info(`opening the identity provider for ${site.name} in the browser`);
        const cts = new vscode.CancellationTokenSource();
        // Waiting starts before the browser opens, so a quick identity provider cannot be missed.
        const wait = receiver.wait(cts.token);
        wait.catch(() => undefined);
        const opened = await vscode.env.openExternal(vscode.Uri.parse(target, true));
        if (!opened) {
          cts.cancel();
          return undefined;
        }
        const params = await Promise.resolve(vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Waiting for the login in the browser…'), cancellable: true },
          (_p, token) => {
            token.onCancellationRequested(() => cts.cancel());
            return wait;
          },
        )).finally(() => cts.dispose());
        // The return's values are secrets (tickets, codes, assertions): the core masks them in traces,
        // and any that is not a mere flag is scrubbed from the log and notifications too.
        for (const [k, v] of params) if (k !== 'mwsnonce' && v.length >= 6) ctx.log.addSecret(v);
        const refused = identityProviderError(Object.fromEntries(params));
        if (refused) throw refused;
        // Only the fields the wiki asked for go back (the return URL may carry others).
        const wanted = new Set(step.fields.map((f) => f.name));
        const values: FieldValues = Object.create(null) as FieldValues;
        for (const [k, v] of params) if (wanted.size === 0 || wanted.has(k)) values[k] = v;
        return values;
      },
      filled: (step, values) => {
        if (values['domain'] !== undefined && step.fields.some((f) => f.name === 'domain')) domain = values['domain'];
      },
      retryAfterFailure: async (e) => {
        if (args.values || args.silent) return false;
        // After RESTART the same external login fails the same way; logging in another way in this
        // session lets a wiki that supports it offer to link the external account.
        const again = e.code === 'RESTART' ? vscode.l10n.t('Log In Another Way') : vscode.l10n.t('Try Again');
        const picked = await vscode.window.showErrorMessage(ctx.log.clean(`${site.name} (${host}): ${e.message}`), again);
        return picked === again;
      },
    });
    const result = await clientLogin(client, {
      returnUrl: nextReturnUrl,
      prompter,
      rememberMe: args.rememberMe ?? settings().rememberMe,
    });
    ctx.log.info(`clientlogin PASS for ${result.name} in ${result.requests} requests`);
    return { method: 'interactive' as const, loginName: result.name, domain };
  } finally {
    receiver?.dispose();
  }
}
