// Redaction for traces and messages (src/mediawiki/redact.ts): which parameter values may be shown,
// how a request and a URL are written to the log, and scrub(), the last line of defence.
import * as assert from 'node:assert/strict';
import { describeParams, redactUrl, scrub } from '../../src/mediawiki';
import { isSecretParam, isShownParam } from '../../src/mediawiki/redact';

describe('redaction', () => {
  describe('secret by name (isSecretParam)', () => {
    const SECRET = ['lgpassword', 'password', 'retype', 'token', 'logintoken', 'csrftoken', 'OATHToken', 'captchaWord', 'code', 'state', 'client_secret', 'cookie', 'Cookie', 'passwd_pass', 'pass'];
    const PUBLIC = ['action', 'lgname', 'username', 'titles', 'title', 'text', 'summary', 'passage', 'codec', 'statement', 'loginreturnurl'];
    for (const n of SECRET) it(`${n}: secret`, () => assert.equal(isSecretParam(n), true));
    for (const n of PUBLIC) it(`${n}: not secret by name`, () => assert.equal(isSecretParam(n), false));
  });

  describe('shown in a trace (isShownParam): in a login request only the known public parameters', () => {
    const TABLE: [string, string, boolean][] = [
      ['action=edit&title=X&text=Hello', 'text', true],
      ['action=edit&title=X&token=abc', 'token', false],
      ['action=query&meta=tokens', 'meta', true],
      ['action=clientlogin&username=Alice&passwd=x', 'username', true],
      ['action=clientlogin&username=Alice&passwd=x', 'passwd', false],
      ['action=clientlogin&pin=1234', 'pin', false],
      ['action=clientlogin&ticket=ST-1', 'ticket', false],
      ['action=clientlogin&SAMLResponse=PHN', 'SAMLResponse', false],
      ['action=clientlogin&oauth_verifier=v', 'oauth_verifier', false],
      ['action=clientlogin&loginreturnurl=http://x/', 'loginreturnurl', true],
      ['action=clientlogin&rememberMe=1', 'rememberMe', true],
      ['action=clientlogin&logincontinue=1', 'logincontinue', true],
      ['action=login&lgname=Bot@app&lgpassword=s', 'lgname', true],
      ['action=login&lgname=Bot@app&lgpassword=s', 'lgpassword', false],
      ['action=login&lgdomain=corp', 'lgdomain', true],
      ['action=createaccount&email=a@b', 'email', false],
      ['action=linkaccount&openid=x', 'openid', false],
      ['action=changeauthenticationdata&newpassword=x', 'newpassword', false],
      // A secret name stays secret outside login requests too.
      ['action=query&password=x', 'password', false],
    ];
    for (const [query, name, shown] of TABLE) {
      it(`${query} -> ${name} ${shown ? 'shown' : 'masked'}`, () => {
        assert.equal(isShownParam(name, new URLSearchParams(query)), shown);
      });
    }
  });

  describe('a request in the trace (describeParams)', () => {
    const TABLE: [string, string][] = [
      ['action=query&format=json&formatversion=2&meta=siteinfo', 'action=query&meta=siteinfo'],
      ['action=login&lgname=Bot%40app&lgpassword=s3cr3t&lgtoken=t%2B%5C', 'action=login&lgname=Bot@app&lgpassword=***&lgtoken=***'],
      ['action=clientlogin&username=Alice&passwd=4711&pin=12&loginreturnurl=http%3A%2F%2Fx%2F', 'action=clientlogin&username=Alice&passwd=***&pin=***&loginreturnurl=http://x/'],
      ['action=edit&text=' + 'x'.repeat(100), 'action=edit&text=' + 'x'.repeat(77) + '...'],
      ['action=edit&text=' + 'x'.repeat(80), 'action=edit&text=' + 'x'.repeat(80)],
    ];
    for (const [query, line] of TABLE) {
      it(`${query.slice(0, 60)} -> ${line.slice(0, 60)}`, () => {
        assert.equal(describeParams(new URLSearchParams(query)), line);
      });
    }
  });

  describe('a URL in the trace (redactUrl)', () => {
    const TABLE: [string, string][] = [
      ['https://wiki.example.org/w/api.php?action=query&titles=X', 'https://wiki.example.org/w/api.php?action=query&titles=X'],
      ['https://wiki.example.org/w/api.php?action=query&token=abc', 'https://wiki.example.org/w/api.php?action=query&token=***'],
      ['https://user:pw@wiki.example.org/w/api.php', 'https://wiki.example.org/w/api.php'],
      ['https://idp.example/return?action=clientlogin&code=abc&state=xyz&username=Al', 'https://idp.example/return?action=clientlogin&code=***&state=***&username=Al'],
      ['not a url', '<bad url>'],
    ];
    for (const [url, shown] of TABLE) {
      it(`${url} -> ${shown}`, () => {
        assert.equal(redactUrl(url), shown);
      });
    }
  });

  describe('scrub', () => {
    it('masks a typed answer of any length where it stands as a word, and long ones anywhere', () => {
      const out = scrub('passwd=4711&year=14711 code 12 a1b2c3d4e5 xa1b2c3d4e5y', ['4711', '12', 'a1b2c3d4e5', undefined, '']);
      assert.equal(out, 'passwd=***&year=14711 code *** *** x***y');
    });
    const TABLE: [string, string[], string][] = [
      ['nothing to hide', [], 'nothing to hide'],
      ['pin 1234 and 1234 again', ['1234'], 'pin *** and *** again'],
      ['year 2024 stays', ['024'], 'year 2024 stays'],
      ['regex chars a.b* stay literal: a.b* axbb', ['a.b*'], 'regex chars *** stay literal: *** axbb'],
      ['ümlaut1 1ümlaut 1', ['1'], 'ümlaut1 1ümlaut ***'],
      ['long secret inside:prefixverylongsecretsuffix', ['verylongsecret'], 'long secret inside:prefix***suffix'],
    ];
    for (const [text, secrets, out] of TABLE) {
      it(`${JSON.stringify(text)} without ${JSON.stringify(secrets)}`, () => assert.equal(scrub(text, secrets), out));
    }
  });
});
