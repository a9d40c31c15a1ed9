// The interface of the real test wiki. Implemented by test/wiki/index.ts (startWiki).

export interface WikiAccount {
  /** The main account name, e.g. "Alice". */
  name: string;
  /** The main account password. */
  password: string;
  userId: number;
}

export interface BotAccount extends WikiAccount {
  appId: string;
  /** `Name@appId`, what action=login takes as lgname. */
  lgname: string;
  /** The generated bot password (32+ chars of [0-9a-w]). */
  botPassword: string;
}

export interface TwoFactorAccount extends WikiAccount {
  /** Base32 TOTP secret. */
  totpSecret: string;
}

/** One request as the wiki's router saw it (for counting requests on the server side). */
export interface ServedRequest {
  method: string;
  /** Path, e.g. /w/api.php */
  path: string;
  /** The `action` parameter from query or body, if any. */
  action?: string;
  /** Names (not values) of the parameters sent. */
  paramNames: string[];
  /** Names (not values) of the cookies sent. */
  cookieNames: string[];
}

export interface TestWiki {
  /** http://127.0.0.1:PORT */
  server: string;
  /** http://127.0.0.1:PORT/w/api.php */
  apiUrl: string;
  /** http://127.0.0.1:PORT/wiki/Main_Page style URL for a title. */
  articleUrl(title: string): string;
  /** The wiki id, also the cookie prefix. */
  wikiId: string;
  siteName: string;
  users: {
    admin: WikiAccount;
    /** Has a bot password with grants basic,editpage (and createeditmovepage, highvolume). */
    bot: BotAccount;
    /** Plain user for clientlogin PASS/FAIL. */
    plain: WikiAccount;
    /** Several 2FA users, so tests never reuse a TOTP code within one 30 s window. */
    twoFactor: TwoFactorAccount[];
    /** User whose bad logins trigger the QuestyCaptcha. */
    captcha: WikiAccount;
    /** A blocked user (can log in; edits answer `blocked`). Also has a bot password. */
    blocked: BotAccount;
    /** A user that logs in through the test-only REDIRECT provider. */
    redirect: WikiAccount;
  };
  /**
   * The field that selects the test-only REDIRECT provider (TestRedirectAuth) in the first
   * clientlogin request: send `values(...)` (i.e. `testidp=1`) together with loginreturnurl and
   * logintoken, instead of username/password. The provider always logs in `users.redirect`
   * (the userName argument is accepted for symmetry and ignored).
   */
  redirectField: { name: string; values(userName?: string): Record<string, string> };
  /** QuestyCaptcha question and answer. */
  captcha: { question: string; answer: string };
  /** Compute the RFC 6238 code for a secret (SHA-1, 6 digits, 30 s) at time t (ms, default now). */
  totp(secret: string, t?: number): string;
  /** Requests served since start or since the last clearRequests(). */
  requests(): ServedRequest[];
  clearRequests(): void;
  /**
   * A slow wiki: action=login requests wait (at most 60 s) until the returned function is called;
   * they are in requests() while they wait. For cancelling a bot-password login in flight.
   */
  holdLogins(): () => void;
  /** Clear login throttle and captcha bad-login counters. */
  resetThrottles(): Promise<void>;
  /**
   * Delete the server-side sessions of a user (the cookies stop working), normal and
   * bot-password ones; like the sessions expiring. A `Token` cookie from rememberMe=1 still
   * logs the user back in, unless `resetToken` is set: then the user's token is changed too
   * (maintenance/invalidateUserSessions.php, "log out everywhere"). Bot passwords stay valid.
   */
  invalidateSessions(userName: string, opts?: { resetToken?: boolean }): Promise<void>;
  /** Run a maintenance script with the wiki's config, returns stdout. */
  maintenance(script: string, args: string[]): Promise<string>;
  /** Number of revisions of a page (0 if missing), read directly from the DB or API. */
  revisionCount(title: string): Promise<number>;
  stop(): Promise<void>;
}

export interface StartWikiOptions {
  /** Extra PHP appended to LocalSettings.php. */
  extraSettings?: string;
  /** Port; default a free one. */
  port?: number;
  /** Keep the data dir after stop (for the demo). */
  dataDir?: string;
}
