// undici and tough-cookie are loaded on first use, not when the extension activates: activation
// only reads SecretStorage, and evaluating undici alone costs tens of milliseconds.
// In the extension they are bundles of their own, dist/undici.js and dist/tough-cookie.js: the
// build (package.json, esbuild --alias/--external) turns these require()s into require('./undici.js')
// and require('./tough-cookie.js'), so activation does not even read and parse them. From out/
// (tsc, plain Node) they resolve from node_modules as usual.
import type * as Undici from 'undici';
import type * as ToughCookie from 'tough-cookie';

let undiciModule: typeof Undici | undefined;
let toughCookieModule: typeof ToughCookie | undefined;

export function undici(): typeof Undici {
  return (undiciModule ??= require('undici') as typeof Undici);
}

export function toughCookie(): typeof ToughCookie {
  return (toughCookieModule ??= require('tough-cookie') as typeof ToughCookie);
}
