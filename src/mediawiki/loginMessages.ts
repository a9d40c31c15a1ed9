// action=login with errorformat=raw gives message keys, not text. These are the ones a login can
// produce on MediaWiki 1.39, rendered as plain text (localisable); unknown keys are shown as the key itself.
import * as l10n from '@vscode/l10n';

export interface RawMessage {
  key?: string;
  code?: string;
  params?: unknown[];
}

const TEXT: Readonly<Record<string, () => string>> = {
  wrongpassword: () => l10n.t('Incorrect username or password entered.'),
  wrongpasswordempty: () => l10n.t('The password was empty.'),
  nosuchuser: () => l10n.t('There is no user by that name.'),
  'login-throttled': () => l10n.t('Too many recent login attempts.'),
  'login-userblocked': () => l10n.t('This user is blocked and may not log in.'),
  'authmanager-authn-not-in-progress': () => l10n.t('Unable to continue login: the session most likely timed out.'),
  'authpage-cannot-login-continue': () => l10n.t('Unable to continue login: the session most likely timed out.'),
  sessionfailure: () => l10n.t('There was a problem with the login session.'),
  'botpasswords-invalid-name': () => l10n.t('The user name does not contain the bot password separator "@".'),
  'botpasswords-not-exist': () => l10n.t('This user has no bot password by that name.'),
  'botpasswords-locked': () => l10n.t('The user is locked and cannot log in with a bot password.'),
  'botpasswords-needs-reset': () => l10n.t('The bot password must be reset on Special:BotPasswords.'),
  'apierror-login-aborted': () => l10n.t('Authentication requires user interaction, which action=login does not support.'),
};

/** Whether a message key is one of the core login messages above (else: an extension's). */
export function isCoreLoginKey(key: string): boolean {
  return Object.hasOwn(TEXT, key);
}

export function durationOf(params: unknown[] | undefined): number | undefined {
  for (const p of params ?? []) {
    if (typeof p === 'object' && p !== null) {
      const d = (p as Record<string, unknown>)['duration'];
      if (typeof d === 'number') return d;
      const n = Number(d);
      if (Number.isFinite(n)) return n;
    } else if (typeof p === 'number') return p;
  }
  return undefined;
}

export function renderRaw(msg: RawMessage | string | undefined): { key: string; text: string; wait?: number } {
  if (msg === undefined) return { key: '', text: '' };
  if (typeof msg === 'string') return { key: '', text: msg };
  const key = msg.key ?? msg.code ?? '';
  const wait = durationOf(msg.params);
  // An unknown key (an extension's message, e.g. an LDAP domain check) keeps its parameters.
  const shown = (msg.params ?? []).filter((x) => typeof x === 'string' || typeof x === 'number');
  // Own properties only: the key is the wiki's.
  let text = (Object.hasOwn(TEXT, key) ? TEXT[key]() : undefined) ?? (shown.length ? `${key} (${shown.join(', ')})` : key);
  if (key === 'login-throttled' && wait !== undefined) text = l10n.t('Too many recent login attempts. Wait {0} before trying again.', formatWait(wait));
  return { key, text, wait };
}

export function formatWait(seconds: number): string {
  if (seconds < 90) return l10n.t('{0} seconds', Math.ceil(seconds));
  const min = Math.ceil(seconds / 60);
  return min < 90 ? l10n.t('{0} minutes', min) : l10n.t('{0} hours', Math.ceil(min / 60));
}

/** "Please wait 5 minutes before trying again" -> 300, for plaintext clientlogin messages. */
export function waitFromText(text: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(second|minute|hour)/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  return unit === 'hour' ? n * 3600 : unit === 'minute' ? n * 60 : n;
}
