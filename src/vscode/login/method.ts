// What a login method is: one object per method (bot password, interactive, an existing browser
// session, ...), with what it can do as properties and one function that logs in. The shape
// follows VS Code's github-authentication, whose flows are objects with a label, capability flags
// and trigger(); a new method is a new file here and an entry in ./index.ts.

import type { ApiClient } from '../../mediawiki';
import type { Log } from '../log';
import type { UriReturnHandler } from '../redirectReceiver';
import type { LoginMeta, SessionManager } from '../sessions';
import type { AccountMethod, AccountRecord, SiteRecord } from '../storage';

export interface LogInArgs {
  /** Any URL of a registered wiki (or of a new one, which is then added). */
  site?: string;
  method?: AccountMethod;
  username?: string;
  password?: string;
  /** Keep the bot password in SecretStorage for automatic re-login. */
  rememberPassword?: boolean;
  domain?: string;
  /** Interactive login: answers for fields, by field name (e.g. OATHToken, captchaWord). */
  values?: Record<string, string>;
  /** Interactive login: ask the wiki for a long-lived session. */
  rememberMe?: boolean;
  /** Do not show error notifications; reject instead (for scripted callers). */
  silent?: boolean;
  /**
   * Interactive login: how long to wait for the identity provider's return, in seconds (tests,
   * scripts). Users set mediawiki.redirectTimeoutMinutes instead; this overrides it for one login.
   */
  redirectTimeoutSeconds?: number;
  /** Existing session: the Cookie header of a request to the wiki, or name=value pairs. */
  cookies?: string;
  /** OAuth 2.0 (browser): the client key registered on the wiki (else the site's, else asked). */
  clientId?: string;
  /** OAuth 2.0 (browser): the client secret (optional; kept in SecretStorage, enables refresh). */
  clientSecret?: string;
  /** OAuth 2.0 (owner-only token): the access token. */
  accessToken?: string;
}

/** What a method works with. */
export interface LoginContext {
  readonly sessions: SessionManager;
  readonly log: Log;
  readonly uriHandler: UriReturnHandler;
}

export interface LoginMethod {
  /** Stored with the account (AccountRecord.method) and accepted as LogInArgs.method. */
  readonly id: AccountMethod;
  /** Its name for people (method picker, status bar tooltip). */
  label(): string;
  /** In the Log In method picker: its description and detail. Without: not offered there (it has a command of its own). */
  picker?(): { description: string; detail: string };
  /** Offered in the Log In picker only for sites where this is true (e.g. OAuth 2 where the wiki has it). Default: everywhere. */
  availableOn?(site: SiteRecord): boolean;
  /** Can log in again without asking anybody (a bot password kept in SecretStorage). */
  readonly canReloginSilently: boolean;
  /** May send the user to a browser (an identity provider, or a browser tab to copy cookies from). */
  readonly needsBrowser: boolean;
  /** The method an expired account of this method logs in again with (a pasted session cannot be pasted again by itself). */
  readonly renewWith: AccountMethod;
  /**
   * Logs `client` in. With `again`, it is that account logging in again (its names are known and
   * not asked). Undefined if the user cancelled.
   */
  logIn(ctx: LoginContext, site: SiteRecord, client: ApiClient, args: LogInArgs, again?: AccountRecord): Promise<LoginMeta | undefined>;
  /** Logs in again without asking; false if it cannot now (e.g. no password kept). */
  reloginSilently?(ctx: LoginContext, account: AccountRecord, client: ApiClient): Promise<boolean>;
  /**
   * The mediawiki.logIn arguments of "Log in again" (status bar, status menu) for an expired
   * account, where they say more than `{ site, method: renewWith }` (the default).
   */
  logInAgainArgs?(account: AccountRecord): LogInArgs;
}
