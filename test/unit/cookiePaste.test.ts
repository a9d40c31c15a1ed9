// Cookies pasted for "Use Existing Session" (parseCookiePaste): the forms a browser gives, and
// refusals that never repeat the pasted text (it may be a secret).
import * as assert from 'node:assert/strict';
import { InputError, parseCookiePaste } from '../../src/mediawiki';

function refusal(text: string): InputError {
  try {
    parseCookiePaste(text);
  } catch (e) {
    return e as InputError;
  }
  throw new Error(`accepted ${JSON.stringify(text)}`);
}

describe('cookie paste parsing (parseCookiePaste)', () => {
  const ACCEPTED: [string, string, { name: string; value: string }[]][] = [
    ['a Cookie header', 'Cookie: a_session=abc; aUserName=Al%20ice', [{ name: 'a_session', value: 'abc' }, { name: 'aUserName', value: 'Al%20ice' }]],
    ['a header without "Cookie:"', 'a_session=abc;aUserID=7', [{ name: 'a_session', value: 'abc' }, { name: 'aUserID', value: '7' }]],
    ['name=value lines', 'a_session=abc\naUserID=7\n', [{ name: 'a_session', value: 'abc' }, { name: 'aUserID', value: '7' }]],
    ['Windows line ends and a lower-case header on each line', 'cookie: a=1\r\ncookie: b=2', [{ name: 'a', value: '1' }, { name: 'b', value: '2' }]],
    ['devtools table rows', 'a_session\tabc\t127.0.0.1\t/\tSession\n', [{ name: 'a_session', value: 'abc' }]],
    ['several table rows', 'a_session\tabc\t.x\t/\nb_UserID\t7\t.x\t/', [{ name: 'a_session', value: 'abc' }, { name: 'b_UserID', value: '7' }]],
    ['quoted values lose their quotes', 'a="quoted value"', [{ name: 'a', value: 'quoted value' }]],
    ['values with = in them', 'a=b=c==', [{ name: 'a', value: 'b=c==' }]],
    ['an empty value', 'a=; b=2', [{ name: 'a', value: '' }, { name: 'b', value: '2' }]],
    ['a repeated name: the last wins', 'a=1; a=2', [{ name: 'a', value: '2' }]],
    ['surrounding space and empty parts', '  ;a=1;; b=2 ;  ', [{ name: 'a', value: '1' }, { name: 'b', value: '2' }]],
  ];
  for (const [what, text, cookies] of ACCEPTED) {
    it(`accepts ${what}`, () => assert.deepEqual(parseCookiePaste(text), cookies));
  }

  const REFUSED: [string, string, RegExp][] = [
    ['text without name=value pairs', 'justasecretvalue', /Part 1 of the pasted text is not a name=value pair/],
    ['a pair, then a bare value', 'a=1; justasecretvalue', /Part 2 of the pasted text/],
    ['a name starting with =', '=justasecretvalue', /not a name=value pair/],
    ['a name with characters cookies cannot have', 'bad name=justasecretvalue', /cookie name contains characters/],
    ['only space', '   ', /No cookies were found/],
    ['only "Cookie:"', 'Cookie:', /No cookies were found/],
    ['table rows without a usable name', 'bad name\tjustasecretvalue', /No cookies were found/],
  ];
  for (const [what, text, message] of REFUSED) {
    it(`refuses ${what} with bad-cookies, without repeating it`, () => {
      const e = refusal(text);
      assert.ok(e instanceof InputError);
      assert.equal(e.code, 'bad-cookies');
      assert.match(e.message, message);
      assert.match(e.message, /\[bad-cookies\] Paste the Cookie header/);
      assert.ok(!e.message.includes('justasecretvalue'), e.message);
    });
  }
});
