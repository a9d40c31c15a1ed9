// Receives the return of a clientlogin REDIRECT. MediaWiki only accepts an http(s) loginreturnurl,
// so a vscode:// URI cannot be used directly. Two roads, whichever answers first:
//  1. a loopback listener on 127.0.0.1 (port 0), passed through env.asExternalUri so that remote and
//     web set-ups (code-server's /proxy/PORT/) forward it to the browser;
//  2. the extension's URI handler (`${uriScheme}://wikisessions.mediawiki-sessions/return/NONCE?…`):
//     the landing page links there, so a browser that reached the page some other way (or a user
//     pasting the URL) can still hand the query back to VS Code.
// A nonce in the path ties the answer to this return URL. Each REDIRECT gets a fresh wait; the
// listener closes once it has delivered (and in every other outcome). The login flow opens a new
// receiver for every round of a login (after RESTART the wiki gets a new return URL), so a second
// REDIRECT never gets the first one's, already used, answer.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ExtensionError } from './extensionError';
import { AwaitedAnswer } from './awaitedAnswer';

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
  /**
   * A fresh wait for one REDIRECT: call it before opening the browser. Resolves with the next query
   * that reaches the return URL; a return that arrives while nothing waits is refused, so a wait
   * never gets an answer meant for an earlier one.
   */
  wait(token?: vscode.CancellationToken): Promise<URLSearchParams>;
  dispose(): void;
}

export async function openRedirectReturn(handler: UriReturnHandler, timeoutMs: number): Promise<RedirectReturn> {
  const nonce = randomBytes(16).toString('hex');
  const answer = new AwaitedAnswer<URLSearchParams>();
  let disposed = false;
  /** Hands a return to the waiting REDIRECT; false if nothing waits. */
  const deliver = (params: URLSearchParams): boolean => answer.deliver(params);

  const uriSchemeUri = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}/return/${nonce}?mwsnonce=${nonce}`);
  const fromHandler = handler.expect(nonce, deliver);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A forwarding proxy may keep its own prefix (e.g. /proxy/PORT) in front of our path.
    if (!url.pathname.endsWith(`${RETURN_PATH}/${nonce}`)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.');
      return;
    }
    if (!deliver(url.searchParams)) {
      res.writeHead(409, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(vscode.l10n.t('No login is waiting for this return: it was already used, or the login ended.'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    // Delivered: the listener closes once the landing page is out.
    res.end(landingPage(uriSchemeUri.toString(), url.search), () => closeServer());
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
    server.close();
    server.closeIdleConnections?.();
    openPorts.delete(port);
  };
  /** A second REDIRECT to the same return URL (same round): listen again on the same port, best effort. */
  const reopen = () => {
    if (!closed || disposed) return;
    server.once('error', () => undefined);
    server.listen(port, '127.0.0.1', () => {
      if (disposed) {
        server.close();
        return;
      }
      closed = false;
      openPorts.add(port);
    });
  };
  const local = vscode.Uri.parse(`http://127.0.0.1:${port}${RETURN_PATH}/${nonce}`);
  const dispose = () => {
    disposed = true;
    answer.fail(new RedirectCancelledError());
    fromHandler.dispose();
    closeServer();
    server.closeAllConnections?.();
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
    throw new ExtensionError('badurl_loginreturnurl', vscode.l10n.t('No http(s) return address is available here ({0}:).', returnUrl.split(':')[0]));
  }

  return {
    returnUrl,
    wait(token) {
      if (answer.waiting) return Promise.reject(new ExtensionError('redirect-pending', vscode.l10n.t('A REDIRECT return is already awaited.')));
      if (disposed) return Promise.reject(new RedirectCancelledError());
      reopen();
      return answer.wait(timeoutMs, token, () => new RedirectTimeoutError(timeoutMs), () => new RedirectCancelledError());
    },
    dispose,
  };
}

class RedirectTimeoutError extends ExtensionError {
  constructor(ms: number) {
    super(
      'redirect-timeout',
      ms >= 60_000
        ? vscode.l10n.t('No answer came back from the identity provider within {0} minute(s).', Math.round(ms / 60_000))
        : vscode.l10n.t('No answer came back from the identity provider within {0} seconds.', Math.round(ms / 1000)),
    );
  }
}

class RedirectCancelledError extends ExtensionError {
  constructor() {
    super('cancelled', vscode.l10n.t('The login was cancelled.'));
  }
}

function landingPage(handlerUrl: string, search: string): string {
  const extra = search.replace(/^\?/, '');
  const href = escapeHtml(`${handlerUrl}${extra ? `&${extra}` : ''}`);
  const link = `<a href="${href}">${escapeHtml(vscode.l10n.t('hand the login back to VS Code'))}</a>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>MediaWiki Sessions</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;line-height:1.5}</style></head>
<body><h1>${escapeHtml(vscode.l10n.t('Login received'))}</h1><p>${escapeHtml(vscode.l10n.t('You can close this tab and go back to VS Code.'))}</p>
<p><small>${escapeHtml(vscode.l10n.t('If VS Code did not notice: {0}.', '\u0000')).replace('\u0000', link)}</small></p></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
