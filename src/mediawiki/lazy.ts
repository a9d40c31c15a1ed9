// undici and tough-cookie are loaded on first use, not when the extension activates: activation
// only reads SecretStorage, and evaluating undici alone costs tens of milliseconds.
import type * as Undici from 'undici';
import type * as ToughCookie from 'tough-cookie';

let undiciModule: typeof Undici | undefined;
let toughCookieModule: typeof ToughCookie | undefined;

export function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (undiciModule ??= require('undici') as typeof Undici);
}

export function toughCookie(): typeof ToughCookie {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (toughCookieModule ??= require('tough-cookie') as typeof ToughCookie);
}
