// A session as one JSON string: the cookie jar, who is logged in, and where. Restoring makes no
// request; an expired session shows on first use (assert=user) or via checkSession().

import { CookieJar, domainMatch, type SerializedCookieJar } from 'tough-cookie';
import { ApiClient, type ApiClientOptions, type WikiUser } from './client';
import { InputError } from './errors';
import { Transport, type TransportOptions } from './http';

export type LoginMethod = 'botpassword' | 'clientlogin' | 'cookies';

export interface SessionData {
  version: 1;
  apiUrl: string;
  user?: WikiUser;
  method?: LoginMethod;
  /** The name logged in with (e.g. `Alice@vscode`), for re-login. Not secret. */
  loginName?: string;
  domain?: string;
  savedAt: string;
  cookies: SerializedCookieJar;
}

export interface SessionMeta {
  method?: LoginMethod;
  loginName?: string;
  domain?: string;
}

export function serializeSession(client: ApiClient, meta: SessionMeta = {}): string {
  const data: SessionData = {
    version: 1,
    apiUrl: client.apiUrl,
    user: client.user,
    ...meta,
    savedAt: new Date().toISOString(),
    cookies: client.transport.jar.serializeSync() as SerializedCookieJar,
  };
  return JSON.stringify(data);
}

export function parseSession(json: string): SessionData {
  let data: SessionData;
  try {
    data = JSON.parse(json) as SessionData;
  } catch {
    throw new InputError('bad-session', 'The stored session is unreadable.');
  }
  if (data?.version !== 1 || typeof data.apiUrl !== 'string' || !data.cookies) {
    throw new InputError('bad-session', 'The stored session has an unknown format.');
  }
  return data;
}

/** Rebuilds a client from `serializeSession` output, without any request. */
export function restoreSession(
  json: string,
  options: Omit<ApiClientOptions, 'apiUrl' | 'user' | 'transport'> & { transport?: TransportOptions } = {},
): { client: ApiClient; data: SessionData } {
  const data = parseSession(json);
  const jar = CookieJar.deserializeSync(data.cookies);
  // Only cookies for the session's own host come back; anything else is dropped.
  const host = new URL(data.apiUrl).hostname;
  for (const c of jar.serializeSync()?.cookies ?? []) {
    const domain = typeof c.domain === 'string' ? c.domain : undefined;
    if (domain && !domainMatch(host, domain)) {
      jar.store.removeCookie(domain, typeof c.path === 'string' ? c.path : '/', typeof c.key === 'string' ? c.key : '', () => {});
    }
  }
  const transport = new Transport({ ...options.transport, jar });
  const client = new ApiClient({ ...options, apiUrl: data.apiUrl, user: data.user, transport });
  return { client, data };
}
