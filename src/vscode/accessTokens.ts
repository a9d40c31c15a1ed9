// The accessToken of the AuthenticationSessions VS Code hands to sibling extensions after the user
// allowed them: the only key to an authenticated client. A random handle, held only in this
// window's memory (never stored, never derived from anything getSites() shows). It dies with the
// account's login (Log Out, Remove Wiki, logged out in another window) and when the user changes
// which extensions may use MediaWiki accounts; a dead token never comes back, also not after a
// new login of the same account (that gets a new token).
//
// VS Code does not tell a provider which extension the user allowed or removed, only that access
// changed. So every change of access replaces every token. The old ones keep working for a few
// seconds: VS Code hands the token it got before its "Allow?" dialog to the extension just
// allowed right after that same change, and that extension must be able to use it.
import { randomBytes } from 'node:crypto';

/** Marks a string as an access token (a URL never starts like this). */
const TOKEN_PREFIX = 'mws1_';

export class AccessTokens {
  private readonly accountOf = new Map<string, string>(); // token -> account id
  private readonly tokenOf = new Map<string, string>(); // account id -> token

  /** The live token of an account, made on first use. */
  tokenFor(accountId: string): string {
    let token = this.tokenOf.get(accountId);
    if (!token) {
      token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      this.tokenOf.set(accountId, token);
      this.accountOf.set(token, accountId);
    }
    return token;
  }

  /** The account id a live token belongs to. */
  accountId(token: string): string | undefined {
    return this.accountOf.get(token);
  }

  /** Ends the tokens of accounts that are no longer logged in. */
  keepOnly(liveAccountIds: ReadonlySet<string>): void {
    for (const [id, token] of this.tokenOf) {
      if (!liveAccountIds.has(id)) {
        this.tokenOf.delete(id);
        this.accountOf.delete(token);
      }
    }
  }

  /**
   * New tokens for every account; the old ones end after `graceMs` (the user changed which
   * extensions may use the accounts).
   */
  replaceAll(graceMs: number): void {
    const old = [...this.accountOf.keys()];
    this.tokenOf.clear();
    if (graceMs <= 0) {
      for (const t of old) this.accountOf.delete(t);
      return;
    }
    const timer = setTimeout(() => {
      for (const t of old) this.accountOf.delete(t);
    }, graceMs);
    timer.unref?.();
  }
}

export function looksLikeToken(s: string): boolean {
  return s.startsWith(TOKEN_PREFIX);
}
