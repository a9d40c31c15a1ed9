// Redaction for traces: parameter values that are secrets never reach a log line.

const SECRET_PARAM = /(password|token|pass$|^lgpassword$|^OATHToken$|^captchaWord$|^code$|^state$|^retype$|secret|cookie)/i;

export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(name);
}

/** `a=1&lgpassword=***` style rendering of params, secrets masked, long values cut. */
export function describeParams(params: URLSearchParams): string {
  const parts: string[] = [];
  for (const [k, v] of params) {
    if (k === 'format' || k === 'formatversion') continue;
    const shown = isSecretParam(k) ? '***' : v.length > 80 ? `${v.slice(0, 77)}...` : v;
    parts.push(`${k}=${shown}`);
  }
  return parts.join('&');
}

/** A URL with the secret query values masked. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    for (const k of [...u.searchParams.keys()]) {
      if (isSecretParam(k)) u.searchParams.set(k, '***');
    }
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '<bad url>';
  }
}

/** Remove any occurrence of the given secrets from a text (last line of defence for messages). */
export function scrub(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}
