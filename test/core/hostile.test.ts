// A hostile or broken wiki (or identity provider): loopback servers that answer what an attacker
// would, since a real wiki does not lie on demand. Each case asserts what the user would see (the
// error, the prompter's step) and what went on the wire (the requests each server got, the trace).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import {
  ApiClient, ApiError, InsecureRedirectError, LoginError, NotAWikiError, Transport, clientLogin, discoverSite, identityProviderError, matchSite,
  networkSetup, neutralise, untrustedArticleHost, type FieldValues, type LoginStep,
} from '../../src/mediawiki';
import { CannedServer, type Canned, type CannedHit } from '../net/cannedServer';
import { selfSignedHttps } from '../net/tls';
import { expectReject, ScriptedPrompter } from './helpers';

const LINK = '[Click here](command:workbench.action.terminal.new?%5B%22rm%22%5D)';
const RETURN_URL = 'http://127.0.0.1:9/return';

const general = (over: Record<string, unknown> = {}) => ({
  batchcomplete: true,
  query: { general: { generator: 'MediaWiki 1.39.0', sitename: 'Evil Wiki', wikiid: 'evil', server: 'http://127.0.0.1', articlepath: '/wiki/$1', lang: 'en', mainpage: 'Main Page', ...over } },
});

/** The begin GET of clientlogin: a token and the form's requests. */
function beginAnswer(fields: Record<string, unknown>): Canned {
  return { json: { batchcomplete: true, query: { tokens: { logintoken: 'tok+\\' }, authmanagerinfo: { requests: [{ id: 'Main', required: 'primary-required', fields }] } } } };
}

/** A wiki that answers clientlogin POSTs from `steps`, in order, and everything else from `other`. */
function hostileWiki(server: CannedServer, begin: Canned, steps: unknown[], other?: (hit: CannedHit) => Canned | undefined): void {
  const queue = [...steps];
  server.route = (hit) => {
    if (hit.params.get('action') === 'clientlogin') return { json: { clientlogin: queue.shift() ?? { status: 'FAIL', message: 'no more steps' } } };
    if (hit.params.get('meta')?.includes('authmanagerinfo')) return begin;
    return other?.(hit);
  };
}

/** No markdown link, no command: URI, no icon syntax: nothing a VS Code renderer would make active. */
function assertInert(text: string, what: string): void {
  assert.doesNotMatch(text, /\]\s*\(/, `${what} holds a markdown link: ${text}`);
  assert.doesNotMatch(text, /command:/i, `${what} holds a command: URI: ${text}`);
}

describe('a hostile wiki', function () {
  this.timeout(30_000);
  const servers: CannedServer[] = [];
  const server = async (host?: string) => {
    const s = await new CannedServer().start(host);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  describe('claiming another wiki\'s addresses', () => {
    it('siteinfo with server "https:" and articlepath "//$1" does not make it the wiki of https://en.wikipedia.org', async () => {
      const evil = await server();
      evil.otherwise({ json: general({ server: 'https:', articlepath: '//$1' }) });
      const info = await discoverSite(evil.url);
      assert.equal(info.articlePath, 'https://$1', 'the claim, as the old string-prefix match saw it');
      const wikipedia = { apiUrl: 'https://en.wikipedia.org/w/api.php', articlePath: 'https://en.wikipedia.org/wiki/$1' };
      // Registered alone, the hostile wiki matches none of Wikipedia's addresses...
      for (const url of ['https://en.wikipedia.org/wiki/Main_Page', 'en.wikipedia.org', 'https://en.wikipedia.org/w/api.php']) {
        assert.equal(matchSite([info], url), undefined, url);
      }
      // ...and next to Wikipedia, Wikipedia's addresses are Wikipedia's, whatever the order.
      assert.equal(matchSite([info, wikipedia], 'https://en.wikipedia.org/wiki/Main_Page'), wikipedia);
      // Its own api.php is still its own; the claim is reported for Add Wiki to tell the user.
      assert.equal(matchSite([wikipedia, info], evil.url), info);
      assert.equal(untrustedArticleHost(info), 'https://$1');
      assert.equal(untrustedArticleHost(wikipedia), undefined);
      assert.equal(evil.hits.length, 1, 'one siteinfo GET, nothing else');
    });
  });

  describe('putting links into what the user reads', () => {
    it('[x](command:…) in a field label, its help, a step message and a FAIL reason reaches the prompter and the error as plain text', async () => {
      const evil = await server();
      hostileWiki(evil, beginAnswer({
        username: { type: 'string', label: `User ${LINK}`, help: `<a href="command:x">${LINK}</a> help` },
        password: { type: 'password', label: 'Password', help: '', sensitive: true },
      }), [
        { status: 'UI', message: `Enter the code, or ${LINK}`, messagecode: 'oathauth-auth-ui', requests: [{ id: 'TOTP', fields: { OATHToken: { type: 'string', label: `Code ${LINK}`, help: '', sensitive: true, options: { a: LINK } } } }] },
        { status: 'FAIL', message: `${LINK} to reset your password.`, messagecode: `[x](command:workbench.action.openSettings)` },
      ]);
      const prompter = new ScriptedPrompter((step): FieldValues => (step.kind === 'start' ? { username: 'Alice', password: 'pw-1' } : { OATHToken: '123456' }));
      const e = await expectReject(clientLogin(new ApiClient({ apiUrl: evil.url }), { returnUrl: RETURN_URL, prompter }));
      assert.ok(e instanceof LoginError, String(e));
      assertInert(e.message, 'the FAIL error');
      assert.equal(e.message, 'Click here to reset your password. [x]', 'the text still reads well');
      const shown = prompter.steps.flatMap((s: LoginStep) => [s.message ?? '', ...s.fields.flatMap((f) => [f.label, f.help, ...Object.values(f.options ?? {})])]);
      for (const t of shown) assertInert(t, 'a prompt');
      assert.ok(shown.includes('User Click here'), shown.join(' | '));
      assert.ok(shown.includes('Enter the code, or Click here'), shown.join(' | '));
      assert.deepEqual(evil.hits.map((h) => h.params.get('action')), ['query', 'clientlogin', 'clientlogin']);
    });

    it('error_description from the identity provider ends the login with its text as plain text; nothing more is sent', async () => {
      const evil = await server();
      hostileWiki(evil, beginAnswer({ provider: { type: 'button', label: 'Log in with SSO' } }), [
        { status: 'REDIRECT', redirecttarget: 'https://idp.example.org/authorize?x=1', requests: [{ id: 'Sso', fields: { code: { type: 'string', label: 'code' } } }] },
      ]);
      const prompter = new ScriptedPrompter(() => ({ provider: '1' }), async () => ({ error: 'access_denied', error_description: `Denied. ${LINK} to appeal` }));
      const e = await expectReject(clientLogin(new ApiClient({ apiUrl: evil.url }), { returnUrl: RETURN_URL, prompter }));
      assert.ok(e instanceof LoginError, String(e));
      assert.equal(e.code, 'access_denied');
      assertInert(e.message, 'the identity provider\'s error');
      assert.match(e.message, /Denied\. Click here to appeal\. \[access_denied\]/);
      assert.deepEqual(prompter.redirects, ['https://idp.example.org/authorize?x=1']);
      assert.equal(evil.hits.filter((h) => h.params.get('action') === 'clientlogin').length, 1, 'the refusal is not sent to the wiki');
      assert.equal(identityProviderError({ code: 'x' }), undefined);
    });

    it('API error info and a site name are neutralised too, and the text still reads well', async () => {
      const evil = await server();
      evil.otherwise({ json: { error: { code: 'weird', info: `Oops, ${LINK} to fix. <command:foo>` } } });
      const e = await expectReject(new ApiClient({ apiUrl: evil.url }).get({ action: 'query', meta: 'userinfo' }));
      assert.ok(e instanceof ApiError, String(e));
      assertInert(e.message, 'the API error');
      assert.match(e.message, /^Oops, Click here to fix\./);
      evil.otherwise({ json: general({ sitename: `Wikipedia ${LINK} $(lock)` }) });
      const info = await discoverSite(evil.url);
      assert.equal(info.name, 'Wikipedia Click here $\u200b(lock)');
      assert.equal(neutralise(neutralise(LINK)), neutralise(LINK), 'idempotent');
      assert.equal(neutralise('![logo](file:///etc/passwd) [](vscode://other.ext/run)'), 'logo vscode\u200b://other.ext/run');
    });
  });

  describe('a REDIRECT to something other than a web page', () => {
    for (const target of ['file:///etc/passwd', 'vscode://other.extension/run?cmd=x', 'ms-settings:privacy', 'javascript:alert(1)']) {
      it(`${target.split(':')[0]}: is refused before the prompter sees it, with a coded error; nothing more is sent`, async () => {
        const evil = await server();
        hostileWiki(evil, beginAnswer({ provider: { type: 'button', label: 'SSO' } }), [{ status: 'REDIRECT', redirecttarget: target, requests: [] }]);
        const prompter = new ScriptedPrompter(() => ({ provider: '1' }), async () => ({}));
        const e = await expectReject(clientLogin(new ApiClient({ apiUrl: evil.url }), { returnUrl: RETURN_URL, prompter }));
        assert.ok(e instanceof LoginError, String(e));
        assert.equal(e.code, 'bad-redirect-target');
        assert.match(e.message, /not a web page .*nothing was opened.*\[bad-redirect-target\] Only web pages \(http or https\)/);
        assert.deepEqual(prompter.redirects, [], 'the prompter (and so openExternal) never got it');
        assert.equal(evil.hits.length, 2);
      });
    }
  });

  describe('secrets under names no list knows', () => {
    it('a `passwd` field, a `pin` and a REDIRECT\'s `ticket` are masked in the trace; user name and public flags are not', async () => {
      const evil = await server();
      const lines: string[] = [];
      hostileWiki(evil, beginAnswer({
        username: { type: 'string', label: 'User' },
        passwd: { type: 'string', label: 'Password', sensitive: false },
        pin: { type: 'string', label: 'PIN' },
      }), [
        { status: 'REDIRECT', redirecttarget: 'https://idp.example.org/cas', requests: [{ id: 'Cas', fields: { ticket: { type: 'string', label: 'ticket' }, SAMLResponse: { type: 'string', label: 's' } } }] },
        { status: 'PASS', username: 'Alice' },
      ], (hit) => (hit.params.get('meta') === 'userinfo' ? { json: { query: { userinfo: { id: 7, name: 'Alice' } } } } : undefined));
      const transport = new Transport({ trace: (l) => lines.push(l) });
      const prompter = new ScriptedPrompter(
        () => ({ username: 'Alice', passwd: 'hunter2', pin: '4711' }),
        async () => ({ ticket: 'ST-1-abcdefTicketValue', SAMLResponse: 'PHNhbWw+c2VjcmV0' }),
      );
      const result = await clientLogin(new ApiClient({ apiUrl: evil.url, transport }), { returnUrl: RETURN_URL, prompter });
      assert.equal(result.name, 'Alice');
      // On the wire: the values did go to the wiki (they must), so the masking is in the trace only.
      const posts = evil.hits.filter((h) => h.params.get('action') === 'clientlogin');
      assert.equal(posts[0].params.get('passwd'), 'hunter2');
      assert.equal(posts[1].params.get('ticket'), 'ST-1-abcdefTicketValue');
      const trace = lines.join('\n');
      for (const secret of ['hunter2', '4711', 'ST-1-abcdefTicketValue', 'PHNhbWw+c2VjcmV0', encodeURIComponent('PHNhbWw+c2VjcmV0'), 'tok+']) {
        assert.ok(!trace.includes(secret), `${secret} in the trace:\n${trace}`);
      }
      assert.match(trace, /passwd=\*\*\*/);
      assert.match(trace, /pin=\*\*\*/);
      assert.match(trace, /ticket=\*\*\*/);
      assert.match(trace, /username=Alice/);
      assert.match(trace, /loginreturnurl=http/);
    });
  });

  describe('wiki strings used as keys', () => {
    it('an error code `__proto__` (or `toString`) is an ApiError like any other', async () => {
      const evil = await server();
      for (const code of ['__proto__', 'toString', 'constructor']) {
        evil.otherwise({ json: { error: { code, info: 'odd' } } });
        const e = await expectReject(new ApiClient({ apiUrl: evil.url }).get({ action: 'query', meta: 'userinfo' }));
        assert.ok(e instanceof ApiError, `${code}: ${String(e)}`);
        assert.equal(e.code, code);
        assert.equal(e.message, `odd. [${code}]`);
      }
    });

    it('a FAIL with message code `__proto__`, and a field named `__proto__`, go through as plain keys', async () => {
      const evil = await server();
      hostileWiki(evil, beginAnswer({ ['__proto__']: { type: 'string', label: 'Odd' }, username: { type: 'string', label: 'User' } }), [
        { status: 'FAIL', message: 'No.', messagecode: '__proto__' },
      ]);
      const answers: FieldValues = Object.create(null) as FieldValues;
      answers['__proto__'] = 'odd-value';
      answers['username'] = 'Alice';
      const prompter = new ScriptedPrompter(() => answers);
      const e = await expectReject(clientLogin(new ApiClient({ apiUrl: evil.url }), { returnUrl: RETURN_URL, prompter }));
      assert.ok(e instanceof LoginError, String(e));
      assert.equal(e.code, '__proto__');
      assert.equal(e.message, 'No. [__proto__]');
      assert.equal(prompter.steps[0].fields.map((f) => f.name).join(','), '__proto__,username');
      assert.equal(evil.hits[1].params.get('__proto__'), 'odd-value', 'sent as a plain parameter');
    });
  });

  describe('discovery', () => {
    /** A page whose EditURI points to `api`. */
    const page = (api: string): Canned => ({ body: `<html><head><link rel="EditURI" type="application/rsd+xml" href="${api}?action=rsd"></head><body>Main Page</body></html>` });

    it('an EditURI to another host is not contacted unless the user confirms, naming both hosts', async () => {
      const pasted = await server('127.0.0.1');
      const other = await server('127.0.0.2');
      pasted.route = (hit) => (hit.path === '/wiki/Main_Page' ? page(other.url) : { status: 404, body: 'not here' });
      other.otherwise({ json: general({ server: other.origin }) });
      const asked: [string, string][] = [];
      const declined = await expectReject(discoverSite(`${pasted.origin}/wiki/Main_Page`, { confirmOtherHost: async (a, b) => (asked.push([a, b]), false) }));
      assert.ok(declined instanceof NotAWikiError, String(declined));
      assert.deepEqual(asked, [[new URL(pasted.url).host, new URL(other.url).host]]);
      assert.equal(other.hits.length, 0, 'the other host got nothing');
      const silent = await expectReject(discoverSite(`${pasted.origin}/wiki/Main_Page`));
      assert.ok(silent instanceof NotAWikiError, 'no hook: never used');
      assert.equal(other.hits.length, 0);
      const info = await discoverSite(`${pasted.origin}/wiki/Main_Page`, { confirmOtherHost: async () => true });
      assert.equal(info.apiUrl, other.url, 'confirmed: registered there');
    });

    it('an https page that redirects to http is not followed, and an https page\'s http EditURI is not used', async () => {
      const plain = await server();
      plain.otherwise({ json: general() });
      const insecure = new Transport({ dispatcher: networkSetup({ strictSSL: false, env: {} }).dispatcher });
      let hops = 0;
      const redirecting = await selfSignedHttps((req: http.IncomingMessage, res: http.ServerResponse) => {
        hops++;
        res.writeHead(301, { location: `${plain.origin}${req.url}` }).end();
      });
      try {
        const e = await expectReject(discoverSite(redirecting.url.replace('/w/api.php', '/wiki/Main_Page'), { transport: insecure }));
        assert.ok(e instanceof InsecureRedirectError, String(e));
        assert.match(e.message, /redirected from https to plain http \(http:\/\/127\.0\.0\.1:\d+\); not followed\. \[insecure-redirect\]/);
        assert.equal(hops, 1);
        assert.equal(plain.hits.length, 0, 'nothing went to the http server');
      } finally {
        await redirecting.stop();
      }
      const withHttpEditUri = await selfSignedHttps((req: http.IncomingMessage, res: http.ServerResponse) => {
        if (req.url?.startsWith('/wiki/')) res.writeHead(200, { 'content-type': 'text/html' }).end(`<link rel="EditURI" href="${plain.url}?action=rsd">`);
        else res.writeHead(404).end();
      });
      try {
        const e = await expectReject(discoverSite(withHttpEditUri.url.replace('/w/api.php', '/wiki/Main_Page'), { transport: insecure, confirmOtherHost: async () => true }));
        assert.ok(e instanceof NotAWikiError, String(e));
        assert.equal(plain.hits.length, 0, 'the http api.php was never asked');
      } finally {
        await withHttpEditUri.stop();
      }
    });
  });
});
