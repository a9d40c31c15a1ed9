// Failures of this extension itself, not answers of a wiki: an account logged out meanwhile, a
// sibling's dead session, a re-login nobody answered. Coded and shaped like the core's errors
// ("<text>. [<code>] <advice>"), so both layers read alike; the code is never a wiki's answer in
// disguise. No `vscode` import: sessions.ts uses it too (messages come translated via l10n.t).
import { WikiError, formatMessage } from '../mediawiki';

export class ExtensionError extends WikiError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(formatMessage(code, message));
    this.name = 'ExtensionError';
  }
}
