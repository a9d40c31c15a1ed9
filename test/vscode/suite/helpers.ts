// Shared by the extension-host suites: the test wiki's context, its control endpoint, and
// expecting a command to fail.
import * as vscode from 'vscode';
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

/** What the hidden command mediawiki.internal.state reports (never a secret). */
export interface InternalState {
  statusText: string;
  statusWarning: boolean;
  sites: SiteRecord[];
  accounts: AccountSummary[];
  openReturnListeners: number;
}

export const state = () => vscode.commands.executeCommand<InternalState>('mediawiki.internal.state');

/** Which secrets exist per account (mediawiki.internal.stored: names and yes/no only). */
export const stored = () => vscode.commands.executeCommand<{ site: string; user: string; session: boolean; password: boolean }[]>('mediawiki.internal.stored');

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
