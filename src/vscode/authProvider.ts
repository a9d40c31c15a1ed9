// Our accounts in VS Code's Accounts menu. Scopes hold the site's api.php URL. The accessToken is
// an opaque handle (the account id), never a cookie: cookies stay in this extension.
import * as vscode from 'vscode';
import type { LoginFlows } from './loginFlow';
import type { SessionManager } from './sessions';
import type { AccountRecord } from './storage';

export const AUTH_PROVIDER_ID = 'mediawiki';

export class MediaWikiAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private known = new Map<string, vscode.AuthenticationSession>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly flows: LoginFlows,
  ) {
    this.known = new Map(this.all().map((s) => [s.id, s]));
  }

  /** Compare with what VS Code knew and tell it what changed. */
  refresh(): void {
    const now = new Map(this.all().map((s) => [s.id, s]));
    const added = [...now.values()].filter((s) => !this.known.has(s.id));
    const removed = [...this.known.values()].filter((s) => !now.has(s.id));
    const changed = [...now.values()].filter((s) => this.known.has(s.id) && JSON.stringify(this.known.get(s.id)) !== JSON.stringify(s));
    this.known = now;
    if (added.length || removed.length || changed.length) this.emitter.fire({ added, removed, changed });
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const all = this.all();
    if (!scopes || scopes.length === 0) return all;
    return all.filter((s) => scopes.every((scope) => s.scopes.includes(this.normalise(scope))));
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const account = await this.flows.logIn({ site: scopes[0] });
    if (!account) throw new Error('Login cancelled');
    this.refresh();
    return toSession(account, this.sessions.site(account.apiUrl)?.name ?? account.apiUrl);
  }

  async removeSession(sessionId: string): Promise<void> {
    const account = this.sessions.accountById(sessionId);
    if (account) await this.sessions.logout(account);
    this.refresh();
  }

  private all(): vscode.AuthenticationSession[] {
    return this.sessions.accounts().map((a) => toSession(a, this.sessions.site(a.apiUrl)?.name ?? a.apiUrl));
  }

  private normalise(scope: string): string {
    return this.sessions.findSite(scope)?.apiUrl ?? scope;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function toSession(a: AccountRecord, siteName: string): vscode.AuthenticationSession {
  return {
    id: a.id,
    accessToken: a.id,
    account: { id: `${a.apiUrl}#${a.userName}`, label: `${a.userName} @ ${siteName}` },
    scopes: [a.apiUrl],
  };
}
