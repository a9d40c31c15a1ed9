// Bot-password login through action=login: exactly two requests (login token, login).
// The answer names the user, so no userinfo request follows.

import * as l10n from '@vscode/l10n';
import type { ApiClient, WikiUser } from './client';
import { InputError, LoginError } from './errors';
import { isCoreLoginKey, renderRaw, type RawMessage } from './loginMessages';

export interface BotPasswordCredentials {
  /** `User@appid` (a main-account name also works on wikis that still allow it). */
  username: string;
  password: string;
  /** LDAP-style domain, for wikis that have them. */
  domain?: string;
}

interface LoginAnswer {
  result?: string;
  lguserid?: number;
  lgusername?: string;
  reason?: RawMessage | string;
  token?: string;
}

/** Problems with bot credentials that are found before anything is sent. */
export function checkBotCredentials(c: BotPasswordCredentials): void {
  if (!c.username.trim()) throw new InputError('empty-username', l10n.t('The user name is empty.'));
  if (!c.password) throw new InputError('empty-password', l10n.t('The password is empty.'));
  // Generated bot passwords never contain spaces: surrounding ones were copied by mistake. The wiki
  // would only say "wrong password"; say what is wrong instead, and never trim silently.
  if (c.username.includes('@') && c.password !== c.password.trim()) {
    throw new InputError('password-spaces', l10n.t('The bot password starts or ends with a space (or a line break). Generated bot passwords never do: remove it and try again.'));
  }
}

export async function loginWithBotPassword(client: ApiClient, credentials: BotPasswordCredentials, signal?: AbortSignal): Promise<WikiUser> {
  checkBotCredentials(credentials);
  for (let attempt = 1; ; attempt++) {
    const tokenRes = await client.get({ action: 'query', meta: 'tokens', type: 'login' }, { login: true, signal });
    const lgtoken = (tokenRes.query as { tokens?: { logintoken?: string } } | undefined)?.tokens?.logintoken;
    if (!lgtoken) throw new LoginError('NeedToken', l10n.t('The wiki did not hand out a login token.'));
    const res = await client.post(
      {
        action: 'login',
        lgname: credentials.username,
        lgpassword: credentials.password,
        lgtoken,
        lgdomain: credentials.domain,
        errorformat: 'raw',
      },
      { login: true, signal },
    );
    const answer = (res.login ?? {}) as LoginAnswer;
    switch (answer.result) {
      case 'Success': {
        const user = { name: String(answer.lgusername), id: Number(answer.lguserid) };
        client.setUser(user);
        return user;
      }
      case 'WrongToken':
      case 'NeedToken':
        // A stale token (e.g. the session cookie was rotated): one fresh try, then give up.
        if (attempt < 2) continue;
        throw new LoginError('WrongToken', l10n.t('The wiki rejected the login token.'), { result: answer.result });
      case 'Aborted': {
        throw new LoginError(
          'Aborted',
          l10n.t('This account needs an interactive login step (such as a two-factor code), which action=login cannot do.'),
          { result: 'Aborted' },
        );
      }
      case 'Failed':
      default: {
        const { key, text, wait } = renderRaw(answer.reason);
        if (key === 'login-throttled') {
          throw new LoginError('login-throttled', text, { waitSeconds: wait, result: answer.result });
        }
        if (key === 'authmanager-authn-not-in-progress' || key === 'authpage-cannot-login-continue' || key === 'sessionfailure') {
          throw new LoginError('sessionlost', text, { result: answer.result });
        }
        if (key === 'login-userblocked') throw new LoginError('login-userblocked', text, { result: answer.result });
        // An extension's refusal (say, a domain check) is reported under its own message key.
        const code = key && !isCoreLoginKey(key) ? key : 'Failed';
        throw new LoginError(code, text || l10n.t('The login failed.'), { result: answer.result ?? 'unknown' });
      }
    }
  }
}
