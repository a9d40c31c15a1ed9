// Receives the answer of an OAuth 2 authorization. Extension:OAuth compares the redirect URI with
// the registered one byte for byte (no "any loopback port"), so unlike the clientlogin return
// (redirectReceiver.ts, port 0) this listens on the FIXED address the user registered:
// http://127.0.0.1:<mediawiki.oauth.redirectPort><mediawiki.oauth.redirectPath>. It is bound to
// 127.0.0.1 only, takes one answer, and closes after it, on timeout, on Cancel and on dispose, so
// the port refuses connections outside a login.

import * as http from 'node:http';
import * as vscode from 'vscode';
import { ExtensionError } from './extensionError';
import { AwaitedAnswer } from './awaitedAnswer';
import { settings } from './settings';

const openPorts = new Set<number>();

/** The ports of OAuth receivers open now (for tests: none when no login waits). */
export function oauthReceiverPorts(): number[] {
  return [...openPorts];
}

/** The redirect URI to register on the wiki, from the settings. */
export function oauthRedirectUri(): string {
  const { oauthRedirectPort, oauthRedirectPath } = settings();
  return `http://127.0.0.1:${oauthRedirectPort}${oauthRedirectPath}`;
}

export interface OAuthReceiver {
  readonly redirectUri: string;
  /** The full URL the browser was sent back to (code and state, or an error). */
  wait(token?: vscode.CancellationToken): Promise<string>;
  dispose(): void;
}

export async function openOAuthReceiver(timeoutMs: number): Promise<OAuthReceiver> {
  const redirectUri = oauthRedirectUri();
  const { port, pathname } = new URL(redirectUri);
  const answer = new AwaitedAnswer<string>();
  let early: string | undefined;
  let closed = false;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', redirectUri);
    if (url.pathname !== pathname || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.');
      return;
    }
    const full = `${redirectUri}${url.search}`;
    if (!answer.deliver(full) && early === undefined) early = full;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(landingPage(), () => close());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ExtensionError('oauth-port-in-use', vscode.l10n.t('The OAuth return address {0} cannot be opened ({1}). Another program uses the port: choose another with the setting mediawiki.oauth.redirectPort and register the new address on the wiki.', redirectUri, e.code ?? e.message))),
    );
    server.listen(Number(port), '127.0.0.1', () => resolve());
  });
  openPorts.add(Number(port));
  const close = () => {
    if (closed) return;
    closed = true;
    server.close();
    server.closeAllConnections?.();
    openPorts.delete(Number(port));
  };

  return {
    redirectUri,
    wait(token) {
      if (early !== undefined) return Promise.resolve(early);
      if (closed) return Promise.reject(new ExtensionError('cancelled', vscode.l10n.t('The login was cancelled.')));
      return answer.wait(
        timeoutMs,
        token,
        () => {
          close();
          return new ExtensionError('redirect-timeout', vscode.l10n.t('No answer came back from the wiki within {0} seconds.', Math.round(timeoutMs / 1000)));
        },
        () => {
          close();
          return new ExtensionError('cancelled', vscode.l10n.t('The login was cancelled.'));
        },
      );
    },
    dispose() {
      answer.fail(new ExtensionError('cancelled', vscode.l10n.t('The login was cancelled.')));
      close();
    },
  };
}

function landingPage(): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>MediaWiki Sessions</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;line-height:1.5}</style></head>
<body><h1>${esc(vscode.l10n.t('Authorization received'))}</h1><p>${esc(vscode.l10n.t('You can close this tab and go back to VS Code.'))}</p></body></html>`;
}
