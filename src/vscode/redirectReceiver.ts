// Receives the return of a clientlogin REDIRECT. MediaWiki only accepts an http(s) loginreturnurl,
// so a vscode:// URI cannot be used directly. Two roads, whichever answers first:
//  1. a loopback listener on 127.0.0.1 (port 0), passed through env.asExternalUri so that remote and
//     web set-ups (code-server's /proxy/PORT/) forward it to the browser;
//  2. the extension's URI handler (`${uriScheme}://wikisessions.mediawiki-sessions/return/NONCE?…`):
//     the landing page links there, so a browser that reached the page some other way (or a user
//     pasting the URL) can still hand the query back to VS Code.
// A per-login nonce in the path ties the answer to this login. The listener is closed in every outcome.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'wikisessions.mediawiki-sessions';
const RETURN_PATH = '/mediawiki-sessions/return';

const openPorts = new Set<number>();

/** The ports of the return listeners open now (for tests: none when no login waits). */
export function returnListenerPorts(): number[] {
  return [...openPorts];
}

/** Answers from the URI handler, by nonce. */
export class UriReturnHandler implements vscode.UriHandler {
  private readonly waiting = new Map<string, (params: URLSearchParams) => void>();

  handleUri(uri: vscode.Uri): void {
    const params = new URLSearchParams(uri.query);
    const nonce = params.get('mwsnonce') ?? uri.path.split('/').pop() ?? '';
    const deliver = this.waiting.get(nonce);
    if (deliver) deliver(params);
  }

  expect(nonce: string, deliver: (params: URLSearchParams) => void): vscode.Disposable {
    this.waiting.set(nonce, deliver);
    return new vscode.Disposable(() => this.waiting.delete(nonce));
  }
}

export interface RedirectReturn {
  /** The http(s) URL to give the wiki as loginreturnurl. */
  returnUrl: string;
  /** Resolves with the query that reached the return URL. */
  wait(token?: vscode.CancellationToken): Promise<URLSearchParams>;
  dispose(): void;
}

export async function openRedirectReturn(handler: UriReturnHandler, timeoutMs: number): Promise<RedirectReturn> {
  const nonce = randomBytes(16).toString('hex');
  let deliver!: (params: URLSearchParams) => void;
  let fail!: (e: Error) => void;
  const result = new Promise<URLSearchParams>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  result.catch(() => undefined);

  const uriSchemeUri = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}/return/${nonce}?mwsnonce=${nonce}`);
  const fromHandler = handler.expect(nonce, deliver);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A forwarding proxy may keep its own prefix (e.g. /proxy/PORT) in front of our path.
    if (!url.pathname.endsWith(`${RETURN_PATH}/${nonce}`)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.');
      return;
    }
    deliver(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(landingPage(uriSchemeUri.toString(), url.search));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  openPorts.add(port);
  let closed = false;
  const closeServer = () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections?.();
    server.close();
    openPorts.delete(port);
  };
  const local = vscode.Uri.parse(`http://127.0.0.1:${port}${RETURN_PATH}/${nonce}`);
  let timer: NodeJS.Timeout | undefined;
  const dispose = () => {
    if (timer) clearTimeout(timer);
    fromHandler.dispose();
    closeServer();
  };

  // asExternalUri forwards the loopback port where needed (remote, Codespaces, code-server's
  // /proxy/PORT/ path), so the browser that finishes the SSO login reaches this listener.
  // Map the listener's root and append our path: some forwarders (code-server's /proxy/PORT/)
  // map only the authority and drop the path of what they are given.
  let root: string;
  try {
    root = (await vscode.env.asExternalUri(vscode.Uri.parse(`http://127.0.0.1:${port}/`))).toString(true);
  } catch (e) {
    dispose();
    throw e;
  }
  const returnUrl = `${root.replace(/\/+$/, '')}${local.path}`;
  if (!/^https?:/.test(returnUrl)) {
    dispose();
    throw new Error(`No http(s) return address is available here (${returnUrl.split(':')[0]}:). [badurl_loginreturnurl]`);
  }

  return {
    returnUrl,
    wait(token) {
      timer = setTimeout(() => fail(new RedirectTimeoutError(timeoutMs)), timeoutMs);
      token?.onCancellationRequested(() => fail(new RedirectCancelledError()));
      return result;
    },
    dispose,
  };
}

export class RedirectTimeoutError extends Error {
  readonly code = 'redirect-timeout';
  constructor(ms: number) {
    const wait = ms >= 60_000 ? `${Math.round(ms / 60_000)} minute(s)` : `${Math.round(ms / 1000)} seconds`;
    super(`No answer came back from the identity provider within ${wait}. [redirect-timeout] Finish the login in the browser sooner, or raise mediawiki.redirectTimeoutMinutes, and start the login again.`);
  }
}

export class RedirectCancelledError extends Error {
  readonly code = 'cancelled';
  constructor() {
    super('The login was cancelled. [cancelled]');
  }
}

function landingPage(handlerUrl: string, search: string): string {
  const extra = search.replace(/^\?/, '');
  const href = `${handlerUrl}${extra ? `&${extra}` : ''}`.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>MediaWiki Sessions</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;line-height:1.5}</style></head>
<body><h1>Login received</h1><p>You can close this tab and go back to VS Code.</p>
<p><small>If VS Code did not notice, <a href="${href}">hand the login back to VS Code</a>.</small></p></body></html>`;
}
