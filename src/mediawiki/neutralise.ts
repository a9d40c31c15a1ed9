// The one neutraliser for text that comes from a wiki or an identity provider (site names, login
// messages, field labels and help, failure reasons, API error info, error_description) before it
// is shown. VS Code renders `[label](target)` in notifications and InputBox prompts as a link, and
// a `command:` target runs any command when clicked; `$(name)` becomes an icon in pickers. What
// comes out reads the same to a person but links nowhere: a markdown link becomes its label (its
// target, if it has no label, with the scheme defused), `command:` loses the colon's meaning, and
// control characters go. Idempotent, so layers may apply it again.

const ZWSP = '\u200b';

/** `[label](target)`, `![alt](target)`, also with `<target>` and a title: the label stays. */
const MARKDOWN_LINK = /!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
/** `<scheme:…>` autolinks. */
const AUTOLINK = /<([a-z][a-z0-9+.-]*:[^<>\s]*)>/gi;
/** Schemes that run or open something other than a web page when a renderer makes them a link. */
const ACTIVE_SCHEME = /\b(command|vscode|vscode-insiders|code-oss|file|javascript|data|vbscript)(\s*):/gi;

export function neutralise(text: string | undefined): string {
  if (!text) return '';
  let out = text
    // Control characters (bidi overrides included) can hide or reorder what the user reads.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
  // Nested or repeated links: until nothing changes (bounded: each pass removes brackets).
  for (let i = 0; i < 5; i++) {
    const next = out.replace(MARKDOWN_LINK, (_m, label: string, target: string) => (label.trim() ? label : target));
    if (next === out) break;
    out = next;
  }
  out = out
    .replace(AUTOLINK, '$1')
    // A bracket pair directly followed by "(" is what the renderers look for; break the pair.
    .replace(/\]\s*\(/g, `]${ZWSP}(`)
    .replace(ACTIVE_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${ZWSP}:`)
    // `$(icon)` would render as an icon in pickers and the status bar.
    .replace(/\$\(/g, `$${ZWSP}(`);
  return out;
}
