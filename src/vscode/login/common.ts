// What several login methods share: the warning before a secret goes out over plain http, and a
// notification with Cancel around the requests of a login.
import * as vscode from 'vscode';
import { LoginError } from '../../mediawiki';
import { securitySettings } from '../settings';
import type { SiteRecord } from '../storage';

/**
 * Plain http to a host that is not loopback: the password (or pasted cookies) would cross the
 * network unencrypted. The switch is read from user settings only: a workspace cannot silence it.
 */
export async function confirmTransport(site: SiteRecord, what: 'password' | 'cookies' = 'password'): Promise<boolean> {
  const u = new URL(site.apiUrl);
  if (u.protocol !== 'http:' || isLoopback(u.hostname) || !securitySettings().warnOnInsecureHttp) return true;
  const send = vscode.l10n.t('Send Anyway');
  const picked = await vscode.window.showWarningMessage(
    what === 'cookies'
      ? vscode.l10n.t('{0} uses plain http. Your session cookies would be sent to {1} unencrypted.', site.name, u.host)
      : vscode.l10n.t('{0} uses plain http. Your password would be sent to {1} unencrypted.', site.name, u.host),
    { modal: true, detail: vscode.l10n.t('Use the https address of the wiki if it has one.') },
    send,
  );
  return picked === send;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Runs the requests of a login under a notification with Cancel; Cancel aborts the request in flight. */
export async function withCancel<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      return await work(abort.signal);
    } catch (e) {
      if (token.isCancellationRequested) throw new LoginError('cancelled', vscode.l10n.t('The login was cancelled.'));
      throw e;
    } finally {
      cancelled.dispose();
    }
  });
}
