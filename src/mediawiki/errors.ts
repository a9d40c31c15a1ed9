// Every failure the core can report. Each carries a stable `code` (the MediaWiki error code where
// there is one) and a message that tells the user what to do next. No secret ever goes into one.

import * as l10n from '@vscode/l10n';
import { adviceFor } from './advice';
import { neutralise } from './neutralise';

export abstract class WikiError extends Error {
  /** A stable machine-readable code: a MediaWiki error/result code or one of ours. */
  abstract readonly code: string;
}

/** The API answered with an `error` (or `errors`) object. */
export class ApiError extends WikiError {
  constructor(
    readonly code: string,
    /** The wiki's own text for the error. */
    readonly info: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(formatMessage(code, info));
    this.name = 'ApiError';
  }
}

export type LoginFailureCode =
  | 'Failed'
  | 'WrongToken'
  | 'Aborted'
  | 'NeedToken'
  | 'login-throttled'
  | 'sessionlost'
  | 'wrongpassword'
  | 'badurl_loginreturnurl'
  | 'cancelled'
  | 'too-many-steps'
  | string;

/** A login did not succeed. `code` is the MediaWiki result or message code. */
export class LoginError extends WikiError {
  constructor(
    readonly code: LoginFailureCode,
    /** The wiki's reason, as it said it (never contains the password). */
    readonly reason: string,
    readonly extra: {
      /** Seconds to wait before trying again (throttling). */
      waitSeconds?: number;
      /** clientlogin: the wiki can keep the entered data for another attempt. */
      canPreserveState?: boolean;
      /** clientlogin: the wiki's message code (for RESTART, `code` is RESTART and this says why). */
      messageCode?: string;
      /** RESTART: logging in another way in the same session (loginpreservestate) lets the wiki offer to link the external account. */
      linkOnLogin?: boolean;
      /** The raw result (`Failed`, `FAIL`, ...). */
      result?: string;
    } = {},
  ) {
    super(formatMessage(code, reason));
    this.name = 'LoginError';
  }
  get waitSeconds(): number | undefined {
    return this.extra.waitSeconds;
  }
}

/** An HTTP status the client could not turn into an API answer (after any retries). */
export class HttpError extends WikiError {
  readonly code: string;
  constructor(
    readonly status: number,
    readonly url: string,
    readonly retryAfterSeconds?: number,
    detail?: string,
  ) {
    const code = status === 429 ? 'http-429' : `http-${status}`;
    super(formatMessage(code, detail ? l10n.t('{0} answered HTTP {1} ({2}).', hostOf(url), status, detail) : l10n.t('{0} answered HTTP {1}.', hostOf(url), status)));
    this.code = code;
    this.name = 'HttpError';
  }
}

/**
 * The request did not get an HTTP answer: refused, reset, DNS, TLS, timeout.
 * `maybeSent` tells whether a POST might have reached the wiki (and so was not re-sent).
 */
export class NetworkError extends WikiError {
  constructor(
    readonly code: string,
    readonly url: string,
    readonly causeText: string,
    readonly maybeSent: boolean,
  ) {
    super(
      formatMessage(
        code,
        l10n.t('Could not reach {0}: {1}.', hostOf(url), causeText) +
          (maybeSent ? ` ${l10n.t('The request may have reached the wiki, so it was not sent again; check the wiki before repeating it.')}` : ''),
      ),
    );
    this.name = 'NetworkError';
  }
}

/** The server answered, but not with MediaWiki API JSON. */
export class NotJsonError extends WikiError {
  readonly code = 'not-json';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly contentType: string,
    readonly snippet: string,
  ) {
    super(
      formatMessage(
        'not-json',
        snippet
          ? l10n.t('{0} answered HTTP {1} with {2} instead of API JSON ("{3}").', hostOf(url), status, contentType || l10n.t('no content type'), snippet)
          : l10n.t('{0} answered HTTP {1} with {2} instead of API JSON.', hostOf(url), status, contentType || l10n.t('no content type')),
      ),
    );
    this.name = 'NotJsonError';
  }
}

/** Input the user gave that cannot work, found before anything was sent. */
export class InputError extends WikiError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(formatMessage(code, message));
    this.name = 'InputError';
  }
}

/** Site discovery found no MediaWiki API at or near the URL. */
export class NotAWikiError extends WikiError {
  readonly code = 'not-a-wiki';
  constructor(
    readonly url: string,
    readonly tried: readonly string[],
    /** What the last address tried answered (e.g. "HTTP 404", "not-json"), to tell the user why. */
    readonly lastAnswer?: string,
  ) {
    const n = tried.length;
    super(
      formatMessage(
        'not-a-wiki',
        lastAnswer
          ? n === 1
            ? l10n.t('No MediaWiki API found for {0} (tried 1 address; the last one: {1}).', url, lastAnswer)
            : l10n.t('No MediaWiki API found for {0} (tried {1} addresses; the last one: {2}).', url, n, lastAnswer)
          : n === 1
            ? l10n.t('No MediaWiki API found for {0} (tried 1 address).', url)
            : l10n.t('No MediaWiki API found for {0} (tried {1} addresses).', url, n),
      ),
    );
    this.name = 'NotAWikiError';
  }
}

/** A redirect from https to http: not followed, so nothing meant for the https site goes out unencrypted. */
export class InsecureRedirectError extends WikiError {
  readonly code = 'insecure-redirect';
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(formatMessage('insecure-redirect', l10n.t('{0} redirected from https to plain http ({1}); not followed.', hostOf(from), originOf(to))));
    this.name = 'InsecureRedirectError';
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * "<text>. [<code>] <advice>": the one shape of every core error message. Text and code may come
 * from the wiki or an identity provider: neutralised, so no link of theirs reaches a notification.
 */
export function formatMessage(code: string, text: string): string {
  const advice = adviceFor(code);
  const trimmed = neutralise(text).trim().replace(/\s+/g, ' ');
  return `${trimmed}${trimmed.endsWith('.') ? '' : '.'} [${neutralise(code)}]${advice ? ` ${advice}` : ''}`;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return l10n.t('the server');
  }
}
