// Interactive login through action=clientlogin: a small state machine. The wiki decides the steps;
// a prompter (VS Code UI, a test, a script) answers them. Begins with ONE GET for the login token
// and the login form together.

import * as l10n from '@vscode/l10n';
import type { ApiClient, ApiResponse, WikiUser } from './client';
import { LoginError } from './errors';
import { neutralise } from './neutralise';
import { waitFromText } from './loginMessages';

export type FieldType = 'string' | 'password' | 'hidden' | 'checkbox' | 'select' | 'multiselect' | 'button' | 'null';

export interface LoginField {
  name: string;
  /** One of FieldType; other strings may come from extensions. */
  type: FieldType | (string & {});
  label: string;
  help: string;
  optional: boolean;
  /** The wiki marks passwords, codes and similar as sensitive: never log or keep them. */
  sensitive: boolean;
  /** Preset value (hidden fields, defaults). */
  value?: string;
  /** select/multiselect choices: value -> label. */
  options?: Readonly<Record<string, string>>;
  /** The id of the authentication request this field belongs to. */
  requestId: string;
}

export interface AuthRequest {
  id: string;
  /** `primary-required` requests are alternatives: one of them must be filled. */
  required: 'required' | 'optional' | 'primary-required' | (string & {});
  provider: string;
  account: string;
  fields: LoginField[];
}

export interface LoginStep {
  kind: 'start' | 'ui';
  /** The wiki's message for this step, in plain text. */
  message?: string;
  messageCode?: string;
  requests: AuthRequest[];
  /** All fields of all requests, hidden ones included. */
  fields: LoginField[];
  /** Values already known (given by the caller), by field name. */
  prefilled: Readonly<Record<string, string>>;
  /** 1 for the first step. */
  number: number;
}

export type FieldValues = Record<string, string>;

export interface LoginPrompter {
  /** Answer a step. Return undefined to cancel the login. Hidden fields are sent without asking. */
  fill(step: LoginStep): Promise<FieldValues | undefined>;
  /**
   * Send the user to `target` (an identity provider) and resolve with the query parameters that
   * reached the return URL, or undefined if cancelled.
   */
  redirect(target: string, step: LoginStep): Promise<FieldValues | undefined>;
  /**
   * After a FAIL or RESTART: return true to start again in the same session (which keeps what the
   * wiki learnt, e.g. that a captcha is now needed, and the entered data where the wiki can preserve
   * it). After a RESTART with `error.extra.linkOnLogin`, logging in another way in that round lets
   * the wiki offer to link the external account.
   */
  retryAfterFailure?(error: LoginError): Promise<boolean>;
}

export interface ClientLoginOptions {
  /**
   * Where a REDIRECT comes back to: must be http(s). A function is asked once per round (the
   * first POST of each), so that a login that starts again after RESTART gets a fresh return.
   */
  returnUrl: string | (() => string | Promise<string>);
  prompter: LoginPrompter;
  /** Values known up front (e.g. username), by field name. */
  values?: Readonly<Record<string, string>>;
  /** Ask for a long-lived session where the wiki offers "Keep me logged in". */
  rememberMe?: boolean;
  maxSteps?: number;
  signal?: AbortSignal;
}

export interface ClientLoginResult extends WikiUser {
  rememberMe: boolean;
  /** HTTP requests the login took. */
  requests: number;
}

interface ClientLoginAnswer {
  status?: 'PASS' | 'FAIL' | 'UI' | 'REDIRECT' | 'RESTART' | string;
  username?: string;
  message?: string;
  messagecode?: string;
  requests?: RawRequest[];
  redirecttarget?: string;
  canpreservestate?: boolean;
}

interface RawRequest {
  id: string;
  required?: string;
  provider?: string;
  account?: string;
  fields?: Record<string, RawField>;
}

interface RawField {
  type?: string;
  label?: string;
  help?: string;
  optional?: boolean;
  sensitive?: boolean;
  value?: string;
  options?: Record<string, string>;
}

/** Fails before anything is sent if the wiki would refuse the return URL (it wants http or https). */
export function checkReturnUrl(returnUrl: string): void {
  let ok = false;
  try {
    const u = new URL(returnUrl);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new LoginError('badurl_loginreturnurl', l10n.t('The return address "{0}" is not an http(s) URL; the wiki would refuse it.', returnUrl.split('?')[0]));
  }
}

/**
 * Only an http(s) REDIRECT target is opened: anything else (file:, another extension's vscode://
 * handler, an OS protocol handler) is refused before the prompter sees it.
 */
export function checkRedirectTarget(target: string): void {
  let ok = false;
  try {
    const u = new URL(target);
    ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    ok = false;
  }
  if (!ok) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1] ?? '';
    throw new LoginError('bad-redirect-target', l10n.t('The wiki asked to open an address that is not a web page ({0}); nothing was opened.', scheme ? `${scheme}:` : l10n.t('no scheme')));
  }
}

/** An identity provider that refused (OAuth/OIDC style `error`, `error_description` on the return). */
export function identityProviderError(values: Readonly<FieldValues>): LoginError | undefined {
  const error = Object.hasOwn(values, 'error') ? values['error'] : undefined;
  if (!error) return undefined;
  const description = Object.hasOwn(values, 'error_description') ? values['error_description'] : undefined;
  return new LoginError(error, description || l10n.t('The identity provider refused the login.'), { result: 'REDIRECT' });
}

/** Own properties only: field names are the wiki's, and `__proto__` must stay a plain key. */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A record without a prototype, for values keyed by the wiki's field names. */
function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function neutraliseOptions(options: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!options || typeof options !== 'object') return undefined;
  const out = record<string>();
  for (const [value, label] of Object.entries(options)) out[value] = neutralise(String(label));
  return out;
}

export function toRequests(raw: RawRequest[] | undefined): AuthRequest[] {
  return (raw ?? []).map((r) => ({
    id: r.id,
    required: r.required ?? 'required',
    provider: r.provider ?? '',
    account: r.account ?? '',
    fields: Object.entries(r.fields ?? {}).map(([name, f]) => ({
      name,
      type: f.type ?? 'string',
      label: htmlToText(f.label) ?? neutralise(name),
      help: htmlToText(f.help) ?? '',
      optional: f.optional ?? false,
      sensitive: f.sensitive ?? f.type === 'password',
      value: f.value,
      options: neutraliseOptions(f.options),
      requestId: r.id,
    })),
  }));
}

// 'plaintext' does not exist for these modules; html is the format whose text survives tag stripping.
const MESSAGE_FORMAT = 'html';
const MAX_ROUNDS = 5;

/** Plain, neutralised text from a short piece of MediaWiki HTML (labels, help, step messages). */
export function htmlToText(html: string | undefined): string | undefined {
  if (html === undefined || html === null) return undefined;
  return neutralise(String(html)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&'))
    .trim();
}

export async function clientLogin(client: ApiClient, options: ClientLoginOptions): Promise<ClientLoginResult> {
  if (typeof options.returnUrl === 'string') checkReturnUrl(options.returnUrl);
  const before = client.transport.requestCount;
  const maxSteps = options.maxSteps ?? 12;
  let preserveState = false;

  for (let round = 0; ; round++) {
    const begin = await client.get(
      {
        action: 'query',
        meta: ['tokens', 'authmanagerinfo'],
        type: 'login',
        amirequestsfor: 'login',
        amimessageformat: MESSAGE_FORMAT,
      },
      { login: true, signal: options.signal },
    );
    let token = (begin.query as { tokens?: { logintoken?: string } } | undefined)?.tokens?.logintoken;
    const info = (begin.query as { authmanagerinfo?: { requests?: RawRequest[] } } | undefined)?.authmanagerinfo;
    if (!token || !info) throw new LoginError('NeedToken', l10n.t('The wiki did not offer interactive login (no authmanagerinfo).'));

    let step: LoginStep = makeStep('start', toRequests(info.requests), 1, options.values);
    const wantsRememberMe = options.rememberMe === true && step.fields.some((f) => f.name === 'rememberMe');
    let answer: ClientLoginAnswer | undefined;
    let rememberMe = false;

    for (let n = 1; ; n++) {
      if (n > maxSteps) throw new LoginError('too-many-steps', l10n.t('The login did not finish after {0} steps.', maxSteps));
      let values: FieldValues | undefined;
      if (answer?.status === 'REDIRECT') {
        values = await options.prompter.redirect(String(answer.redirecttarget), step);
        const refused = values && identityProviderError(values);
        if (refused) throw refused;
      } else {
        values = await options.prompter.fill(step);
      }
      if (!values) throw new LoginError('cancelled', l10n.t('The login was cancelled.'));
      const params = record<string | undefined>();
      params['action'] = 'clientlogin';
      params['loginmessageformat'] = MESSAGE_FORMAT;
      params['logintoken'] = token;
      // Hidden fields go back as the wiki sent them; then what the caller knows; then the answers.
      for (const f of step.fields) if (f.type === 'hidden' && f.value !== undefined) params[f.name] = f.value;
      for (const source of [answer?.status === 'REDIRECT' ? undefined : options.values, values]) {
        for (const [k, v] of Object.entries(source ?? {})) params[k] = v;
      }
      expandMultiselect(params, step.fields);
      if (n === 1) {
        const returnUrl = typeof options.returnUrl === 'string' ? options.returnUrl : await options.returnUrl();
        checkReturnUrl(returnUrl);
        params['loginreturnurl'] = returnUrl;
        if (wantsRememberMe) {
          params['rememberMe'] = '1';
          rememberMe = true;
        }
        if (preserveState) params['loginpreservestate'] = '1';
      } else {
        params['logincontinue'] = '1';
      }
      let res: ApiResponse;
      try {
        res = await client.post(params, { login: true, signal: options.signal });
      } catch (e) {
        // A stale login token on the first POST: fetch a fresh one once, and resend.
        if (n === 1 && (e as { code?: string }).code === 'badtoken') {
          const t = await client.get({ action: 'query', meta: 'tokens', type: 'login' }, { login: true, signal: options.signal });
          token = (t.query as { tokens?: { logintoken?: string } } | undefined)?.tokens?.logintoken;
          params['logintoken'] = token;
          res = await client.post(params, { login: true, signal: options.signal });
        } else throw e;
      }
      answer = (res.clientlogin ?? {}) as ClientLoginAnswer;
      switch (answer.status) {
        case 'PASS': {
          const name = String(answer.username);
          const id = (await userIdFromCookies(client)) ?? (await client.checkSession({ signal: options.signal }))?.id ?? 0;
          client.setUser({ name, id });
          return { name, id, rememberMe, requests: client.transport.requestCount - before };
        }
        case 'UI':
          step = makeStep('ui', toRequests(answer.requests), n + 1, undefined, answer);
          continue;
        case 'REDIRECT':
          if (!answer.redirecttarget) throw new LoginError('REDIRECT', l10n.t('The wiki asked for a redirect but gave no target.'));
          checkRedirectTarget(String(answer.redirecttarget));
          step = makeStep('ui', toRequests(answer.requests), n + 1, undefined, answer);
          continue;
        case 'RESTART':
        case 'FAIL':
        default: {
          const error = failure(answer);
          // Another round in the same session: the wiki may now ask for more (a captcha after bad
          // logins is only offered to the session that failed), and may keep what was entered or,
          // after a RESTART, the external account to link once the user logged in another way.
          if (round < MAX_ROUNDS - 1 && (await options.prompter.retryAfterFailure?.(error))) {
            preserveState = error.extra.canPreserveState === true;
            break;
          }
          throw error;
        }
      }
      break; // FAIL or RESTART, retried: begin again
    }
  }
}

// AuthManager's RESTART message when it kept the external account for ConfirmLinkSecondaryAuthenticationProvider
// (only if the wiki enabled it; MediaWiki 1.39 ships it disabled as experimental, T134952).
const RESTART_LINK_CODE = 'authmanager-authn-no-local-user-link';

/**
 * FAIL: the wiki's message code. RESTART (the external login worked, no local user is linked to it):
 * code RESTART, the wiki's message naming its own code.
 */
function failure(answer: ClientLoginAnswer): LoginError {
  const text = htmlToText(answer.message);
  if (answer.status === 'RESTART') {
    const said = text
      ? `${text.replace(/\.$/, '')} (${answer.messagecode ?? l10n.t('no message code')})`
      : l10n.t('The external login worked, but no wiki account is linked to it');
    return new LoginError('RESTART', said, {
      result: 'RESTART',
      messageCode: answer.messagecode,
      canPreserveState: answer.canpreservestate === true,
      linkOnLogin: answer.canpreservestate === true && answer.messagecode === RESTART_LINK_CODE,
    });
  }
  const code = answer.messagecode ?? 'FAIL';
  const reason = text ?? l10n.t('The login failed.');
  return new LoginError(code, reason, {
    result: answer.status ?? 'unknown',
    messageCode: answer.messagecode,
    canPreserveState: answer.canpreservestate === true,
    waitSeconds: code === 'login-throttled' ? waitFromText(reason) : undefined,
  });
}

/**
 * AuthManager reads multiselect fields from the raw request, not through the API's "|" lists:
 * several values must go as PHP array parameters (name[0], name[1]). Prompters join them with "|".
 */
function expandMultiselect(params: Record<string, string | undefined>, fields: readonly LoginField[]): void {
  for (const f of fields) {
    const v = params[f.name];
    if (f.type !== 'multiselect' || v === undefined || !v.includes('|') || own(f.options, v) !== undefined) continue;
    delete params[f.name];
    v.split('|').forEach((part, i) => (params[`${f.name}[${i}]`] = part));
  }
}

function makeStep(kind: LoginStep['kind'], requests: AuthRequest[], number: number, prefilled?: Readonly<Record<string, string>>, answer?: ClientLoginAnswer): LoginStep {
  return {
    kind,
    message: htmlToText(answer?.message),
    messageCode: answer?.messagecode,
    requests,
    fields: requests.flatMap((r) => r.fields),
    prefilled: prefilled ?? {},
    number,
  };
}

/** MediaWiki sets `<prefix>UserID` on login; reading it saves a userinfo request. */
async function userIdFromCookies(client: ApiClient): Promise<number | undefined> {
  const cookies = await client.transport.cookies(client.apiUrl);
  const c = cookies.find((x) => x.key.endsWith('UserID'));
  const id = c ? Number(c.value) : NaN;
  return Number.isInteger(id) && id > 0 ? id : undefined;
}
