// The one neutraliser for text from a wiki or an identity provider (src/mediawiki/neutralise.ts):
// it reads the same to a person, but nothing in it is a link, a command or an icon in VS Code.
import * as assert from 'node:assert/strict';
import { neutralise } from '../../src/mediawiki';

const Z = '\u200b';

describe('text neutraliser (neutralise)', () => {
  const TABLE: [string, string | undefined, string][] = [
    ['nothing', undefined, ''],
    ['empty', '', ''],
    ['plain text', 'Incorrect username or password entered.', 'Incorrect username or password entered.'],
    ['a markdown link: its label', '[Click here](command:workbench.action.terminal.new?%5B%22rm%22%5D)', 'Click here'],
    ['an image link: its alt text', '![logo](https://evil.example/x.png)', 'logo'],
    ['a link with <target> and a title', '[a](<command:x> "title")', 'a'],
    ['a link without label: its target, defused', '[](command:x)', `command${Z}:x`],
    ['nested links', '[[inner](command:a)](command:b)', 'inner'],
    ['an autolink', '<command:workbench.action.quit>', `command${Z}:workbench.action.quit`],
    ['an https autolink stays readable', '<https://example.org/help>', 'https://example.org/help'],
    ['a bare command: URI', 'see command:workbench.action.quit', `see command${Z}:workbench.action.quit`],
    ['command with a space before the colon', 'command :x', `command ${Z}:x`],
    ['upper case schemes', 'VSCODE://ext/run and File:///etc', `VSCODE${Z}://ext/run and File${Z}:///etc`],
    ['javascript: and data:', 'javascript:alert(1) data:text/html,x', `javascript${Z}:alert(1) data${Z}:text/html,x`],
    ['a bracket pair before "(" is broken', '[a] (b)', `[a]${Z}(b)`],
    ['an icon', '$(warning) Careful', `$${Z}(warning) Careful`],
    ['control characters and bidi overrides go', 'a\u0000b\u0007c\u202ed\u2066e\u007ff', 'abcdef'],
    ['tabs and new lines stay', 'a\tb\nc\r\n', 'a\tb\nc\r\n'],
    ['https links keep their label', '[Help](https://www.mediawiki.org/wiki/Help:Login)', 'Help'],
  ];
  for (const [what, input, output] of TABLE) {
    it(`${what}: ${JSON.stringify(input)} -> ${JSON.stringify(output)}`, () => {
      assert.equal(neutralise(input), output);
    });
  }

  it('is idempotent: applying it again changes nothing', () => {
    for (const [, input] of TABLE) {
      const once = neutralise(input);
      assert.equal(neutralise(once), once, JSON.stringify(input));
    }
  });

  it('nothing a renderer would make active is left in any row', () => {
    for (const [, input] of TABLE) {
      const out = neutralise(input);
      assert.doesNotMatch(out, /\]\s*\(/, out);
      assert.doesNotMatch(out, /\b(command|vscode|file|javascript|data)\s*:/i, out);
      assert.doesNotMatch(out, /\$\(/, out);
    }
  });
});
