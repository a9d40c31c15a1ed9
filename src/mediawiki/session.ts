// A session as one JSON string: the cookie jar, who is logged in, and where. Restoring makes no
// request; an expired session shows on first use (assert=user) or via checkSession().

import * as l10n from '@vscode/l10n';
import type { SerializedCookieJar } from 'tough-cookie';
import { ApiClient, type ApiClientOptions, type WikiUser } from './client';
import { InputError } from './errors';
import { Transport, type TransportOptions } from './http';
import { OAuth2Credentials, oauth2Endpoints, renewOAuth2, type OAuth2SessionData } from './oauth2';

/**
 * How a login was made (method, login name, domain) is not part of a session: whoever keeps
 * sessions keeps that beside them (the extension: in its account index). Sessions stored by older
 * versions carry those fields too; they are ignored.
 */
export interface SessionData {
  version: 1;
  apiUrl: string;
  user?: WikiUser;
  savedAt: string;
  cookies: SerializedCookieJar;
  /** An OAuth 2 session: its tokens and expiry (the jar is then empty). The client secret is not here. */
  oauth?: OAuth2SessionData;
}

export function serializeSession(client: ApiClient): string {
  const data: SessionData = {
    version: 1,
    apiUrl: client.apiUrl,
    user: client.user,
    savedAt: new Date().toISOString(),
    cookies: client.transport.serializeCookies(),
  };
  if (client.oauth) {
    data.oauth = client.oauth.session;
  }
  return JSON.stringify(data);
}

export function parseSession(json: string): SessionData {
  let data: SessionData;
  try {
    data = JSON.parse(json) as SessionData;
  } catch {
    throw new InputError('bad-session', l10n.t('The stored session is unreadable.'));
  }
  if (data?.version !== 1 || typeof data.apiUrl !== 'string' || !data.cookies) {
    throw new InputError('bad-session', l10n.t('The stored session has an unknown format.'));
  }
  return data;
}

/** Rebuilds a client from `serializeSession` output, without any request. */
export function restoreSession(
  json: string,
  options: Omit<ApiClientOptions, 'apiUrl' | 'user' | 'transport' | 'oauth'> & {
    transport?: TransportOptions;
    /** OAuth 2 sessions: the client secret (stored apart), which enables refresh. */
    oauthClientSecret?: string;
    /** OAuth 2 sessions: told the new tokens after a refresh, to store them. */
    onOAuthTokens?: (data: OAuth2SessionData) => void;
  } = {},
): { client: ApiClient; data: SessionData } {
  const data = parseSession(json);
  const transport = new Transport(options.transport);
  // Only cookies for the session's own host come back; anything else is dropped.
  transport.restoreCookies(data.cookies, new URL(data.apiUrl).hostname);
  const { oauthClientSecret, onOAuthTokens, ...clientOptions } = options;
  const oauth = data.oauth ? new OAuth2Credentials(oauth2Endpoints(data.apiUrl), data.oauth, oauthClientSecret, onOAuthTokens) : undefined;
  const client = new ApiClient({ ...clientOptions, apiUrl: data.apiUrl, user: data.user, transport, oauth });
  if (oauth && !client.relogin) client.relogin = renewOAuth2;
  return { client, data };
}

/**
 * Cookies pasted from a browser: a `Cookie:` header (`a=1; b=2`), name=value pairs on lines, or
 * rows copied from the developer tools' cookie table (name, tab, value, ...). Values stay as given.
 */
export function parseCookiePaste(text: string): { name: string; value: string }[] {
  const out = new Map<string, string>();
  const body = text.trim().replace(/^cookie:\s*/i, '');
  const lines = body.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const tableRows = lines.length > 0 && lines.every((l) => l.includes('\t') && !/^[^\t=]+=/.test(l));
  if (tableRows) {
    for (const l of lines) {
      const [name, value] = l.split('\t');
      if (name && value !== undefined && isCookieName(name.trim())) out.set(name.trim(), value.trim());
    }
  } else {
    for (const part of lines.map((l) => l.replace(/^cookie:\s*/i, '')).join(';').split(';')) {
      const p = part.trim();
      if (!p) continue;
      const eq = p.indexOf('=');
      // The text itself is not repeated: it may be a secret.
      if (eq <= 0) throw new InputError('bad-cookies', l10n.t('Part {0} of the pasted text is not a name=value pair.', out.size + 1));
      const name = p.slice(0, eq).trim();
      const value = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (!isCookieName(name)) throw new InputError('bad-cookies', l10n.t('A cookie name contains characters cookies cannot have.'));
      out.set(name, value);
    }
  }
  if (out.size === 0) throw new InputError('bad-cookies', l10n.t('No cookies were found in the pasted text.'));
  return [...out].map(([name, value]) => ({ name, value }));
}

function isCookieName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

/**
 * Adopts the session of a browser: puts the pasted cookies into the client's jar (for the wiki's
 * host) and checks them with one userinfo query. On success the client is logged in as that user;
 * otherwise the jar is emptied again and `session-cookies-invalid` is thrown.
 */
export async function useExistingSession(client: ApiClient, pasted: string, signal?: AbortSignal): Promise<WikiUser> {
  const cookies = parseCookiePaste(pasted);
  client.resetSession();
  const url = new URL(client.apiUrl);
  const secure = url.protocol === 'https:' ? '; Secure' : '';
  for (const c of cookies) {
    // Host-only, path /: sent to every path of the wiki's host, as the browser does for MediaWiki's cookies.
    await client.transport.setCookie(`${c.name}=${c.value}; Path=/${secure}; HttpOnly`, url.toString());
  }
  let user: WikiUser | undefined;
  try {
    user = await client.checkSession({ signal });
  } catch (e) {
    client.resetSession();
    throw e;
  }
  if (!user) {
    client.resetSession();
    throw new InputError(
      'session-cookies-invalid',
      cookies.length === 1
        ? l10n.t('{0} does not know this cookie as a logged-in session ({1}).', url.host, cookies[0].name)
        : l10n.t('{0} does not know these cookies as a logged-in session ({1} cookies: {2}).', url.host, cookies.length, cookies.map((c) => c.name).join(', ')),
    );
  }
  client.setUser(user);
  return user;
}
