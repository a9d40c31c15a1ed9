// What a clientlogin form becomes before the prompter sees it: HTML labels and help as plain,
// neutralised text (htmlToText), and the wiki's requests as fields (toRequests).
import * as assert from 'node:assert/strict';
import { htmlToText, toRequests } from '../../src/mediawiki';

describe('HTML to text (htmlToText)', () => {
  const TABLE: [string | undefined, string | undefined][] = [
    [undefined, undefined],
    ['', ''],
    ['Username', 'Username'],
    ['  padded  ', 'padded'],
    ['<b>Bold</b> and <i>italic</i>', 'Bold and italic'],
    ['line one<br>line two<br/>three<br />four', 'line one\nline two\nthree\nfour'],
    ['<a href="https://example.org/help">Help</a>', 'Help'],
    ['a &lt;b&gt; &quot;c&quot; d&#39;s e&#039;s', 'a <b> "c" d\'s e\'s'],
    ['non&nbsp;breaking&#160;space', 'non breaking space'],
    // &amp; last: "&amp;lt;" is the text "&lt;", not "<".
    ['Tom &amp; Jerry &amp;lt;3', 'Tom & Jerry &lt;3'],
    ['<p class="x">A <span>nested <em>one</em></span></p>', 'A nested one'],
    // What a hostile wiki puts in: neither a link nor a command survives.
    ['[Click](command:workbench.action.terminal.new)', 'Click'],
    ['<a href="command:x">[x](command:y)</a> help', 'x help'],
    ['$(alert) icon', '$\u200b(alert) icon'],
    ['bidi \u202eevil', 'bidi evil'],
  ];
  for (const [html, text] of TABLE) {
    it(`${JSON.stringify(html)} -> ${JSON.stringify(text)}`, () => {
      assert.equal(htmlToText(html), text);
    });
  }
});

describe('clientlogin field rendering (toRequests)', () => {
  it('no requests: an empty list', () => {
    assert.deepEqual(toRequests(undefined), []);
    assert.deepEqual(toRequests([]), []);
  });

  it('fields keep their order and name; defaults fill what the wiki left out', () => {
    const [r] = toRequests([{
      id: 'MediaWiki\\Auth\\PasswordAuthenticationRequest',
      fields: {
        username: { type: 'string', label: 'Username', help: 'Your <b>user</b> name.' },
        password: { type: 'password', label: 'Password', help: '' },
        plain: {},
      },
    }]);
    assert.equal(r.required, 'required');
    assert.equal(r.provider, '');
    assert.equal(r.account, '');
    assert.deepEqual(r.fields.map((f) => f.name), ['username', 'password', 'plain']);
    const [user, pass, plain] = r.fields;
    assert.deepEqual(
      { ...user },
      { name: 'username', type: 'string', label: 'Username', help: 'Your user name.', optional: false, sensitive: false, value: undefined, options: undefined, requestId: r.id },
    );
    assert.equal(pass.sensitive, true, 'a password field is sensitive even when the wiki does not say so');
    assert.deepEqual([plain.type, plain.label, plain.help, plain.optional, plain.sensitive], ['string', 'plain', '', false, false], 'no label: the name');
  });

  it('the wiki\'s own flags win: optional, sensitive, value, required, provider, account', () => {
    const [r] = toRequests([{
      id: 'TOTPAuthenticationRequest', required: 'required', provider: 'OATHAuth', account: 'Alice',
      fields: { OATHToken: { type: 'string', label: 'Code', optional: true, sensitive: true, value: '' } },
    }]);
    assert.deepEqual([r.required, r.provider, r.account], ['required', 'OATHAuth', 'Alice']);
    assert.deepEqual([r.fields[0].optional, r.fields[0].sensitive, r.fields[0].value], [true, true, '']);
    const [s] = toRequests([{ id: 'x', fields: { password: { type: 'password', sensitive: false } } }]);
    assert.equal(s.fields[0].sensitive, false);
  });

  it('select options: labels neutralised, values as the wiki gave them, in a record without a prototype', () => {
    const [r] = toRequests([{ id: 'domain', fields: { domain: { type: 'select', label: 'Domain', options: { corp: 'Corp [x](command:y)', __proto__: 'Proto' } as Record<string, string> } } }]);
    const options = r.fields[0].options!;
    assert.equal(Object.getPrototypeOf(options), null);
    assert.deepEqual(Object.keys(options), ['corp']);
    assert.equal(options['corp'], 'Corp x');
  });

  it('a field named __proto__ and a label with a link: plain data, plain text', () => {
    const fields = JSON.parse('{"__proto__": {"type": "string", "label": "<a href=\\"command:x\\">[Evil](command:y)</a>"}}') as Record<string, { type: string; label: string }>;
    const [r] = toRequests([{ id: 'x', fields }]);
    assert.equal(r.fields[0].name, '__proto__');
    assert.equal(r.fields[0].label, 'Evil');
  });

  it('a field without a label gets its name, neutralised', () => {
    const [r] = toRequests([{ id: 'x', fields: { '[n](command:z)': { type: 'string' } } }]);
    assert.equal(r.fields[0].label, 'n');
  });
});
