// The retry policy, in one place. The client asks `decide()` after every failed attempt; nothing
// else in the code base retries on its own.

import { ApiError, HttpError, NetworkError, NotJsonError, WikiError } from './errors';

export interface RetryPolicy {
  /** Attempts in all, including the first (default 5). */
  maxAttempts: number;
  /** No retry is started after this many ms from the first attempt (default 60 s). */
  deadlineMs: number;
  /** First backoff delay (default 500 ms); doubles each time, with jitter. */
  baseDelayMs: number;
  /** Upper bound of one wait, including a server's Retry-After (default 20 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  deadlineMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};

export interface AttemptContext {
  method: 'GET' | 'POST';
  /** 1 for the first attempt. */
  attempt: number;
  startedAt: number;
  now: number;
  /** Retry-After (seconds) from the failed response, if any. */
  retryAfterSeconds?: number;
}

export type Decision = { retry: false } | { retry: true; delayMs: number; reason: string };

/**
 * Whether a failed attempt may be repeated, and after how long.
 * - maxlag, readonly, 429: the wiki refused before doing anything, so any method may be repeated.
 * - 5xx: only GET; a POST may have been carried out.
 * - Network errors: GET always; POST only if the request provably never left (refused, DNS, TLS).
 * - badtoken and session expiry are not here: the client handles them once, with a new token/login.
 */
export function decide(error: unknown, ctx: AttemptContext, policy: RetryPolicy): Decision {
  if (ctx.attempt >= policy.maxAttempts) return { retry: false };
  let reason: string | undefined;
  let serverDelay: number | undefined;
  if (error instanceof ApiError) {
    if (error.code === 'maxlag') {
      reason = 'maxlag';
      serverDelay = ctx.retryAfterSeconds ?? numberOr(error.details['lag'], 5);
    } else if (error.code === 'readonly') {
      reason = 'readonly';
      serverDelay = ctx.retryAfterSeconds;
    } else if (error.code.startsWith('internal_api_error_DB') && ctx.method === 'GET') {
      reason = error.code;
    }
  } else if (error instanceof HttpError) {
    if (error.status === 429) {
      reason = 'HTTP 429';
      serverDelay = error.retryAfterSeconds;
    } else if (error.status >= 500 && ctx.method === 'GET') {
      reason = `HTTP ${error.status}`;
      serverDelay = error.retryAfterSeconds;
    }
  } else if (error instanceof NetworkError) {
    const transient = ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'network-error'];
    if (transient.includes(error.code) && (ctx.method === 'GET' || !error.maybeSent)) {
      reason = error.code;
    }
  } else if (error instanceof NotJsonError && ctx.method === 'GET' && error.status >= 500) {
    reason = `HTTP ${error.status} (not JSON)`;
  }
  if (!reason) return { retry: false };
  const backoff = policy.baseDelayMs * 2 ** (ctx.attempt - 1) * (0.75 + Math.random() * 0.5);
  const delayMs = Math.min(policy.maxDelayMs, serverDelay !== undefined ? serverDelay * 1000 : backoff);
  if (ctx.now + delayMs - ctx.startedAt > policy.deadlineMs) return { retry: false };
  return { retry: true, delayMs, reason };
}

function numberOr(v: unknown, dflt: number): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : dflt;
}

export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s);
  const d = Date.parse(header);
  return Number.isNaN(d) ? undefined : Math.max(0, (d - now) / 1000);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export type { WikiError };
