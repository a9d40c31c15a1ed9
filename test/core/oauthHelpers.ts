// Shared by the OAuth fixture and core tests: a wiki with TestOAuth, and the browser side of a login.
import { createHash, randomBytes } from 'node:crypto';
import { startOAuthWiki, TestBrowser, type BrowserStep, type OAuthConsumer, type OAuthWiki } from '../wiki/oauth';

export const GRANTS = ['basic', 'editpage', 'createeditmovepage'];

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A free, never-listening loopback address to register as the redirect URI (the browser stops before it). */
export function callbackFor(name: string): string {
  return `http://127.0.0.1:1/${name}/callback`;
}

export async function startWikiWithOAuth(): Promise<OAuthWiki> {
  return startOAuthWiki();
}

export async function publicConsumer(w: OAuthWiki, name: string, extra: Partial<Parameters<OAuthWiki['oauth']['createConsumer']>[0]> = {}): Promise<OAuthConsumer & { callback: string }> {
  const callback = callbackFor(name);
  const c = await w.oauth.createConsumer({ owner: w.users.plain.userId, callback, grants: GRANTS, name, ...extra });
  return { ...c, callback };
}

/**
 * What a person does in the browser for an authorization URL: log in through the wiki's login form
 * (if asked), then click Allow or Cancel. Returns the last answer (the redirect leaving the wiki).
 */
export async function browserAuthorize(w: OAuthWiki, url: string, button: 'accept' | 'cancel' = 'accept', browser = new TestBrowser(w.server)): Promise<BrowserStep> {
  let page = await browser.go(url);
  if (/<title>Log in/.test(page.body)) page = await browser.logIn(page, w.users.plain.name, w.users.plain.password);
  if (page.location && new URL(page.location).origin !== w.server) return page;
  if (!/mw-mwoauth-authorize-form/.test(page.body)) throw new Error(`no consent page at ${page.url}: HTTP ${page.status} ${page.body.slice(0, 300)}`);
  return browser.consent(page, button);
}

export function jwtClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
