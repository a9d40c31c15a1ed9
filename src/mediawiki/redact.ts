// Redaction for traces: what a value is decides, not only what it is called. Login requests carry
// secrets under names no list can foresee (an extension's `passwd`, `pin`, `otp`; an identity
// provider's `ticket`, `SAMLResponse`, `oauth_verifier`): there, every value is masked except the
// few that are known to be public.

// OAuth 2: code, code_verifier, client_secret, refresh_token, access_token are all caught here.
const SECRET_PARAM = /(password|token|pass$|^lgpassword$|^OATHToken$|^captchaWord$|^code$|^state$|^retype$|secret|cookie|verifier)/i;

/** Parameters of a login request whose values are not secret (shown in traces). */
const PUBLIC_LOGIN_PARAMS = new Set([
  'action', 'format', 'formatversion', 'errorformat', 'uselang', 'utf8',
  'username', 'lgname', 'domain', 'lgdomain', 'rememberMe',
  'loginreturnurl', 'logincontinue', 'loginpreservestate', 'loginmessageformat', 'loginrequests',
  'meta', 'type', 'amirequestsfor', 'amimessageformat', 'assert', 'assertuser',
]);

/** Actions whose every other parameter is a credential, an answer to a login step or an IdP's return. */
const LOGIN_ACTIONS = new Set(['login', 'clientlogin', 'linkaccount', 'createaccount', 'changeauthenticationdata']);

export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(name);
}

/** Whether the value of `name` may be written to a trace, given the request's parameters. */
export function isShownParam(name: string, params: URLSearchParams): boolean {
  if (isSecretParam(name)) return false;
  if (LOGIN_ACTIONS.has(params.get('action') ?? '')) return PUBLIC_LOGIN_PARAMS.has(name);
  return true;
}

/** `a=1&lgpassword=***` style rendering of params, secrets masked, long values cut. */
export function describeParams(params: URLSearchParams): string {
  const parts: string[] = [];
  for (const [k, v] of params) {
    if (k === 'format' || k === 'formatversion') continue;
    const shown = !isShownParam(k, params) ? '***' : v.length > 80 ? `${v.slice(0, 77)}...` : v;
    parts.push(`${k}=${shown}`);
  }
  return parts.join('&');
}

/** A URL with the secret query values masked. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    const params = new URLSearchParams(u.searchParams);
    for (const k of [...new Set(params.keys())]) {
      if (!isShownParam(k, params)) u.searchParams.set(k, '***');
    }
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '<bad url>';
  }
}

/**
 * Remove any occurrence of the given secrets from a text (last line of defence for messages).
 * Long secrets go wherever they appear; short ones (a PIN, a 6-digit code) only where they stand
 * as a word of their own, so that "1234" does not eat every year in the log.
 */
export function scrub(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    if (s.length >= 8) out = out.split(s).join('***');
    else out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(s)}(?![\\p{L}\\p{N}_])`, 'gu'), '***');
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
