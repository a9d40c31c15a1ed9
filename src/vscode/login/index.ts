// The login methods. A new method is a new file in this folder and one entry here.
import type { AccountMethod, AccountRecord } from '../storage';
import { botPassword } from './botPassword';
import { existingSession } from './existingSession';
import { interactive } from './interactive';
import type { LogInArgs, LoginMethod } from './method';
import { oauth2Browser } from './oauth2';
import { oauth2Token } from './oauth2Token';

export type { LogInArgs, LoginContext, LoginMethod } from './method';

export const LOGIN_METHODS: readonly LoginMethod[] = [botPassword, interactive, oauth2Browser, oauth2Token, existingSession];

export function loginMethod(id: AccountMethod): LoginMethod | undefined {
  return LOGIN_METHODS.find((m) => m.id === id);
}

/** The method of a stored account (every stored name is known: storage.ts reads old names as today's). */
export function methodOf(account: Pick<AccountRecord, 'method'>): LoginMethod {
  return loginMethod(account.method) ?? interactive;
}

/** Arguments of mediawiki.logIn that log an (expired) account in again the way it logs in. */
export function logInAgainArgs(account: AccountRecord): LogInArgs {
  const method = methodOf(account);
  return method.logInAgainArgs?.(account) ?? { site: account.apiUrl, method: method.renewWith };
}
