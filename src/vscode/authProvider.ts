// Our accounts for VS Code's authentication API: the Accounts menu, and consent for sibling
// extensions. VS Code asks the user once per extension before it hands a session to it, remembers
// the answer, and lets the user revoke it (Manage Trusted Extensions). The session's accessToken
// (accessTokens.ts) is what a sibling passes to getClient(); cookies never leave this extension.
// Conventions as in VS Code's github-/microsoft-authentication: several accounts, options.account
// honoured, CancellationError when the user cancels, onDidChangeSessions for login, logout,
// switch and expiry.
import * as vscode from 'vscode';
import type { AccessTokens } from './accessTokens';
import { ExtensionError } from './extensionError';
import type { LoginFlows } from './loginFlow';
import type { SessionManager } from './sessions';
import type { AccountRecord } from './storage';

export const AUTH_PROVIDER_ID = 'mediawiki';
/** How long a replaced token still works (see accessTokens.ts). */
const TOKEN_GRACE_MS = 3_000;
/** How long our own change event may take to come back from VS Code. */
const ECHO_WAIT_MS = 10_000;

export class MediaWikiAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  /** What VS Code was last told, by session id: the session and a signature that includes the state. */
  private known = new Map<string, { session: vscode.AuthenticationSession; signature: string }>();
  /**
   * When we fired change events that VS Code has not yet echoed back through vscode.authentication
   * (each comes back once, within milliseconds; an echo that never came is forgotten after a while,
   * so that it cannot swallow a real change of access later).
   */
  private echoes: number[] = [];

  constructor(
    private readonly sessions: SessionManager,
    private readonly flows: LoginFlows,
    private readonly tokens: AccessTokens,
  ) {
    this.known = this.snapshot();
  }

  /** Compare with what VS Code knew and tell it what changed (an expiry counts as a change). */
  refresh(): void {
    this.tokens.keepOnly(new Set(this.sessions.accounts().map((a) => a.id)));
    const now = this.snapshot();
    const added = [...now.values()].filter((s) => !this.known.has(s.session.id)).map((s) => s.session);
    const removed = [...this.known.values()].filter((s) => !now.has(s.session.id)).map((s) => s.session);
    const changed = [...now.values()].filter((s) => this.known.has(s.session.id) && this.known.get(s.session.id)?.signature !== s.signature).map((s) => s.session);
    this.known = now;
    if (added.length || removed.length || changed.length) {
      this.echoes.push(Date.now());
      this.emitter.fire({ added, removed, changed });
    }
  }

  /**
   * vscode.authentication.onDidChangeSessions for our provider. It carries our own changes back,
   * and also tells when the user changed which extensions may use an account (VS Code does not tell
   * the provider which ones). Then every token is replaced (the old ones end after a short grace,
   * see accessTokens.ts): an extension the user removed keeps nothing, and the ones still allowed
   * get new sessions (the `changed` event) without a question.
   */
  onAuthenticationChanged(): void {
    const recent = Date.now() - ECHO_WAIT_MS;
    this.echoes = this.echoes.filter((t) => t >= recent);
    if (this.echoes.shift() !== undefined) return;
    this.tokens.replaceAll(TOKEN_GRACE_MS);
    this.refresh();
  }

  async getSessions(scopes: readonly string[] | undefined, options: vscode.AuthenticationProviderSessionOptions = {}): Promise<vscode.AuthenticationSession[]> {
    let accounts = this.sessions.accounts();
    if (scopes && scopes.length > 0) {
      const sites = scopes.map((s) => this.sessions.findSite(s)?.apiUrl);
      if (sites.some((s) => s === undefined)) return [];
      accounts = accounts.filter((a) => sites.every((s) => s === a.apiUrl));
    }
    if (options.account) accounts = accounts.filter((a) => accountInfo(a, '').id === options.account?.id);
    // The site's current account first: VS Code offers the first one when it has no preference.
    accounts.sort((a, b) => Number(b.current) - Number(a.current));
    return accounts.map((a) => this.toSession(a));
  }

  async createSession(scopes: readonly string[], options: vscode.AuthenticationProviderSessionOptions = {}): Promise<vscode.AuthenticationSession> {
    const wanted = options.account ? parseAccountId(options.account.id) : undefined;
    const site = wanted?.apiUrl ?? scopes[0];
    const account = await this.flows.logIn({ site, username: wanted?.userName });
    if (!account) throw new vscode.CancellationError();
    if (wanted && account.userName !== wanted.userName) {
      throw new ExtensionError('assertnameduserfailed', vscode.l10n.t('Logged in as {0}, not as {1}.', account.userName, wanted.userName));
    }
    this.refresh();
    return this.toSession(account);
  }

  /** Sign Out in the Accounts menu, or an extension calling it: the account is logged out. */
  async removeSession(sessionId: string): Promise<void> {
    const account = this.sessions.accountById(sessionId);
    if (account) await this.sessions.logout(account);
    this.refresh();
  }

  private snapshot(): Map<string, { session: vscode.AuthenticationSession; signature: string }> {
    return new Map(
      this.sessions.accounts().map((a) => {
        const session = this.toSession(a);
        return [session.id, { session, signature: JSON.stringify([session, a.state, a.current]) }];
      }),
    );
  }

  private toSession(a: AccountRecord): vscode.AuthenticationSession {
    return {
      id: a.id,
      accessToken: this.tokens.tokenFor(a.id),
      account: accountInfo(a, this.sessions.site(a.apiUrl)?.name ?? a.apiUrl),
      scopes: [a.apiUrl],
    };
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function accountInfo(a: Pick<AccountRecord, 'apiUrl' | 'userName'>, siteName: string): vscode.AuthenticationSessionAccountInformation {
  return { id: `${a.apiUrl}#${a.userName}`, label: `${a.userName} @ ${siteName}` };
}

function parseAccountId(id: string): { apiUrl: string; userName: string } | undefined {
  const i = id.lastIndexOf('#');
  return i > 0 ? { apiUrl: id.slice(0, i), userName: id.slice(i + 1) } : undefined;
}
