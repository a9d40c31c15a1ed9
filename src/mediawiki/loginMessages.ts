// action=login with errorformat=raw gives message keys, not text. These are the ones a login can
// produce on MediaWiki 1.39, rendered in plain English; unknown keys are shown as the key itself.

export interface RawMessage {
  key?: string;
  code?: string;
  params?: unknown[];
}

const TEXT: Readonly<Record<string, string>> = {
  wrongpassword: 'Incorrect username or password entered.',
  wrongpasswordempty: 'The password was empty.',
  nosuchuser: 'There is no user by that name.',
  'login-throttled': 'Too many recent login attempts.',
  'login-userblocked': 'This user is blocked and may not log in.',
  'authmanager-authn-not-in-progress': 'Unable to continue login: the session most likely timed out.',
  'authpage-cannot-login-continue': 'Unable to continue login: the session most likely timed out.',
  sessionfailure: 'There was a problem with the login session.',
  'botpasswords-invalid-name': 'The user name does not contain the bot password separator "@".',
  'botpasswords-not-exist': 'This user has no bot password by that name.',
  'botpasswords-locked': 'The user is locked and cannot log in with a bot password.',
  'botpasswords-needs-reset': 'The bot password must be reset on Special:BotPasswords.',
  'apierror-login-aborted': 'Authentication requires user interaction, which action=login does not support.',
};

/** Whether a message key is one of the core login messages above (else: an extension's). */
export function isCoreLoginKey(key: string): boolean {
  return key in TEXT;
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
  let text = TEXT[key] ?? (shown.length ? `${key} (${shown.join(', ')})` : key);
  if (key === 'login-throttled' && wait !== undefined) text = `Too many recent login attempts. Wait ${formatWait(wait)} before trying again.`;
  return { key, text, wait };
}

export function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} seconds`;
  const min = Math.ceil(seconds / 60);
  return min < 90 ? `${min} minutes` : `${Math.ceil(min / 60)} hours`;
}

/** "Please wait 5 minutes before trying again" -> 300, for plaintext clientlogin messages. */
export function waitFromText(text: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(second|minute|hour)/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  return unit === 'hour' ? n * 3600 : unit === 'minute' ? n * 60 : n;
}
