// Shared by the extension-host suites: the test wiki's context, its control endpoint, and
// expecting a command to fail.
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
