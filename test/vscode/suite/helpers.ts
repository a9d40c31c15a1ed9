// Shared by the extension-host suites: the test wiki's context, its control endpoint, and
// expecting a command to fail.
import * as vscode from 'vscode';
import type { MediaWikiClient, MediaWikiSessionsApiV1 } from '../../../src/api/mediawiki-sessions';
import type { AccountSummary } from '../../../src/vscode/commands';
import type { SiteRecord } from '../../../src/vscode/storage';
import type { VsCodeTestContext } from '../setupWiki';
import { testContext } from './env';

export const EXT_ID = 'wikisessions.mediawiki-sessions';

export function ctx(): VsCodeTestContext {
  const c = testContext<VsCodeTestContext>();
  if (!c?.apiUrl) throw new Error('no test wiki context: run through run.ts --setup out/test/vscode/setupWiki.js');
  return c;
}

/** Acts on the wiki's server side (expire sessions, reset throttles, count revisions...). */
export async function control<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const query = new URLSearchParams(params).toString();
  const res = await fetch(`${ctx().controlUrl}${path}${query ? `${path.includes('?') ? '&' : '?'}${query}` : ''}`);
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function rejects(p: Thenable<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the command to fail');
}

/** What the test-build command mediawiki.test.state reports (src/vscode/testHooks.ts; not in the .vsix). */
export interface TestState {
  statusText: string;
  statusWarning: boolean;
  sites: SiteRecord[];
  accounts: AccountSummary[];
  /** Ports of the open REDIRECT return listeners. */
  returnListenerPorts: number[];
}

export const state = () => vscode.commands.executeCommand<TestState>('mediawiki.test.state');

/** Whether SecretStorage holds a session / password under the keys of this account (read by key). */
export const secretsOf = (site: string, user: string, loginName?: string) =>
  vscode.commands.executeCommand<{ session: boolean; password: boolean }>('mediawiki.test.secretsOf', { site, user, loginName });

/** Which secrets exist for each account of the index (read from SecretStorage by key). */
export async function stored(): Promise<{ site: string; user: string; session: boolean; password: boolean }[]> {
  const out = [];
  for (const a of (await state()).accounts) {
    const loginName = a.method === 'botpassword' ? await loginNameOf(a) : undefined;
    out.push({ site: a.site, user: a.user, ...(await secretsOf(a.site, a.user, loginName)) });
  }
  return out;
}

/** Bot-password accounts keep their password under the login name (User@appid) of the test wiki. */
async function loginNameOf(a: AccountSummary): Promise<string | undefined> {
  const users = Object.values(ctx().users).flat() as { name: string; lgname?: string }[];
  return users.find((u) => u.name === a.user && u.lgname)?.lgname;
}

/**
 * An authenticated API client as a sibling gets it: from the access token of the account's
 * session (the test build's mediawiki.test.accessToken stands in for VS Code's consent dialog,
 * which the UI tests click).
 */
export async function sessionClient(api: MediaWikiSessionsApiV1, site = ctx().apiUrl, user?: string): Promise<MediaWikiClient> {
  const name = user ?? (await state()).accounts.find((a) => a.site === site && a.current)?.user;
  const token = name && (await vscode.commands.executeCommand<string | undefined>('mediawiki.test.accessToken', { site, user: name }));
  if (!token) throw new Error(`no session for ${user ?? 'the current account'} at ${site}`);
  const client = await api.getClient(token);
  if (!client) throw new Error('getClient(token) gave nothing');
  return client;
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
