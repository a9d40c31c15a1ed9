// clientlogin RESTART from the real wiki: TestRedirectAuth's `testidp=sub:NAME` is an external login
// that no wiki user is linked to; its provider answers PASS(null) with a link request, as SSO
// extensions do, and AuthManager turns that into RESTART. Whether a following login links it depends
// on ConfirmLinkSecondaryAuthenticationProvider, which MediaWiki 1.39 ships disabled.
import * as assert from 'node:assert/strict';
import { ApiClient, clientLogin, LoginError, type FieldValues, type LoginStep } from '../../src/mediawiki';
import { CONFIRM_LINK_SETTINGS, startWiki, type StartedWiki } from '../wiki';
import type { TestWiki } from '../wiki/types';
import { expectReject, ScriptedPrompter, TamperingTransport } from './helpers';
import { wiki } from './hooks';

// The "browser" stops at the return URL and hands over its query; nothing needs to listen there.
const RETURN_URL = 'http://127.0.0.1:9/return';
const LINK_PREFIX = 'testredirectauth-link:'; // user_properties rows of TestRedirectAuth's links

async function browse(target: string): Promise<FieldValues> {
  const res = await fetch(target, { redirect: 'manual' });
  const loc = res.headers.get('location');
  if (!loc?.startsWith(RETURN_URL)) throw new Error(`the IdP did not send the browser back: HTTP ${res.status} ${loc}`);
  return Object.fromEntries(new URL(loc).searchParams);
}

/** `testidp=sub:NAME` on the start step, then each later round's start step answered by `next`. */
function prompter(w: TestWiki, subjects: string[], local?: FieldValues, link?: (step: LoginStep) => FieldValues): ScriptedPrompter {
  let round = 0;
  return new ScriptedPrompter((step) => {
    if (step.kind === 'ui') return link!(step);
    const sub = subjects[round++];
    return sub ? { [w.redirectField.name]: `sub:${sub}` } : local;
  }, browse);
}

const unique = (name: string) => `${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const apiActions = (w: TestWiki) => w.requests().filter((r) => r.path.endsWith('api.php')).map((r) => r.action ?? '');
const sentPreserve = (w: TestWiki) => w.requests().filter((r) => r.action === 'clientlogin' && r.paramNames.includes('loginpreservestate')).length;

/** External identities linked to the logged-in user (the test provider keeps them as user options). */
async function linkedSubjects(client: ApiClient): Promise<string[]> {
  const r = await client.get({ action: 'query', meta: 'userinfo', uiprop: 'options' });
  const options = (r.query as { userinfo: { options: Record<string, unknown> } }).userinfo.options;
  return Object.keys(options).filter((k) => k.startsWith(LINK_PREFIX)).map((k) => k.slice(LINK_PREFIX.length)).sort();
}

async function idpLogin(w: TestWiki, sub: string): Promise<{ name: string; requests: number }> {
  return clientLogin(new ApiClient({ apiUrl: w.apiUrl }), { returnUrl: RETURN_URL, prompter: prompter(w, [sub]) });
}

describe('clientlogin RESTART (external login without a linked wiki user)', () => {
  describe('MediaWiki 1.39 defaults (no ConfirmLinkSecondaryAuthenticationProvider)', () => {
    beforeEach(async () => {
      await wiki().resetThrottles();
      wiki().clearRequests();
    });

    it('throws RESTART with the wiki\'s message and code and what to do next, after 3 requests; nobody logged in', async () => {
      const sub = unique('nolink');
      const p = prompter(wiki(), [sub]);
      const client = new ApiClient({ apiUrl: wiki().apiUrl });
      const e = await expectReject(clientLogin(client, { returnUrl: RETURN_URL, prompter: p }));
      assert.ok(e instanceof LoginError, String(e));
      assert.equal(e.code, 'RESTART');
      assert.equal(e.extra.result, 'RESTART');
      assert.equal(e.extra.messageCode, 'authmanager-authn-no-local-user');
      assert.equal(e.extra.canPreserveState, true, 'the wiki said canpreservestate');
      assert.equal(e.extra.linkOnLogin, false, 'but nothing it kept helps a login');
      assert.match(e.message, /not associated with any user on this wiki \(authmanager-authn-no-local-user\)\. \[RESTART\]/);
      assert.match(e.message, /Log in another way.*Special:LinkAccounts/);
      assert.equal(p.redirects.length, 1);
      assert.deepEqual(apiActions(wiki()), ['query', 'clientlogin', 'clientlogin']);
      assert.equal(client.transport.requestCount, 3);
      assert.equal(client.user, undefined);
      assert.equal(await client.checkSession(), undefined);
    });

    it('logging in another way in the same session (loginpreservestate=1) works but links nothing', async () => {
      const { plain } = wiki().users;
      const sub = unique('nolink');
      const p = prompter(wiki(), [sub], { username: plain.name, password: plain.password });
      const seen: LoginError[] = [];
      p.retryAfterFailure = async (e) => (seen.push(e), true);
      const client = new ApiClient({ apiUrl: wiki().apiUrl });
      const result = await clientLogin(client, { returnUrl: RETURN_URL, prompter: p });
      assert.equal(result.name, plain.name);
      assert.deepEqual(seen.map((e) => e.code), ['RESTART']);
      assert.equal(result.requests, 5, 'GET, POST (REDIRECT), POST (RESTART), GET, POST (PASS)');
      assert.deepEqual(apiActions(wiki()), ['query', 'clientlogin', 'clientlogin', 'query', 'clientlogin']);
      assert.equal(sentPreserve(wiki()), 1);
      assert.deepEqual(await linkedSubjects(client), []);
      const again = await expectReject(idpLogin(wiki(), sub));
      assert.equal(again.code, 'RESTART', 'the external login is still not linked');
    });

    it('RESTART, then a second REDIRECT: the identity provider is reached twice, each round with its own return', async () => {
      const subs = [unique('first'), unique('second')];
      // A return URL per round, as the VS Code receiver gives (a new listener and nonce each time).
      const returns: string[] = [];
      const returnUrl = () => {
        returns.push(`${RETURN_URL}/${returns.length + 1}`);
        return returns[returns.length - 1];
      };
      const came: { expected: string; got: string; values: FieldValues }[] = [];
      let round = 0;
      const p = new ScriptedPrompter(
        () => ({ [wiki().redirectField.name]: `sub:${subs[round++]}` }),
        async (target) => {
          const res = await fetch(target, { redirect: 'manual' });
          const loc = res.headers.get('location') ?? '';
          const values = Object.fromEntries(new URL(loc).searchParams);
          came.push({ expected: returns[returns.length - 1], got: loc.split('?')[0], values });
          return values;
        },
      );
      const seen: string[] = [];
      p.retryAfterFailure = async (e) => (seen.push(e.code), seen.length === 1);
      const e = await expectReject(clientLogin(new ApiClient({ apiUrl: wiki().apiUrl }), { returnUrl, prompter: p }));
      assert.equal(e.code, 'RESTART');
      assert.deepEqual(seen, ['RESTART', 'RESTART']);
      assert.equal(wiki().requests().filter((r) => r.path.endsWith('idp.php')).length, 2, 'the identity provider was reached twice');
      assert.equal(p.redirects.length, 2);
      assert.equal(new Set(returns).size, 2, 'two return URLs');
      assert.deepEqual(came.map((c) => c.got), returns, 'each REDIRECT came back to its own round\'s return URL');
      assert.notDeepEqual(came[0].values, came[1].values, 'two different returns');
      assert.deepEqual(apiActions(wiki()), ['query', 'clientlogin', 'clientlogin', 'query', 'clientlogin', 'clientlogin']);
    });
  });

  describe('with ConfirmLinkSecondaryAuthenticationProvider enabled', function () {
    let w: StartedWiki;
    before(async function () {
      this.timeout(120_000);
      w = await startWiki({ extraSettings: CONFIRM_LINK_SETTINGS });
    });
    after(async () => {
      await w?.stop();
    });
    beforeEach(() => w.clearRequests());

    it('RESTART offers linking; a password login in a preserved-state round asks to link, then the external login logs in as that user', async () => {
      const { plain } = w.users;
      const sub = unique('linked');
      const linkSteps: LoginStep[] = [];
      const p = prompter(w, [sub], { username: plain.name, password: plain.password }, (step) => {
        linkSteps.push(step);
        const field = step.fields.find((f) => f.name === 'confirmedLinkIDs');
        assert.equal(field?.type, 'multiselect');
        return { confirmedLinkIDs: Object.keys(field!.options ?? {}).join('|') };
      });
      const seen: LoginError[] = [];
      p.retryAfterFailure = async (e) => (seen.push(e), true);
      const client = new ApiClient({ apiUrl: w.apiUrl });
      const result = await clientLogin(client, { returnUrl: RETURN_URL, prompter: p });

      assert.equal(seen.length, 1);
      assert.equal(seen[0].code, 'RESTART');
      assert.equal(seen[0].extra.messageCode, 'authmanager-authn-no-local-user-link');
      assert.equal(seen[0].extra.linkOnLogin, true);
      assert.match(seen[0].message, /you will have an option to link.*\(authmanager-authn-no-local-user-link\)\. \[RESTART\]/);
      assert.equal(linkSteps.length, 1);
      assert.equal(linkSteps[0].messageCode, 'authprovider-confirmlink-message');
      assert.deepEqual(Object.values(linkSteps[0].fields[0].options ?? {}), [`TestIdP (test-only identity provider) (${sub})`]);
      assert.equal(result.name, plain.name);
      assert.equal(result.requests, 6, 'GET, REDIRECT, RESTART, GET, UI (link?), PASS');
      assert.deepEqual(apiActions(w), ['query', 'clientlogin', 'clientlogin', 'query', 'clientlogin', 'clientlogin']);
      assert.equal(sentPreserve(w), 1);
      assert.deepEqual(await linkedSubjects(client), [sub]);

      // The link is real: the external login alone now logs in as Plain.
      const direct = await idpLogin(w, sub);
      assert.deepEqual(direct, { name: plain.name, id: plain.userId, rememberMe: false, requests: 3 });
    });

    it('two external logins in a row are both offered; choosing both links both (multiselect as name[i])', async () => {
      const { plain } = w.users;
      const subs = [unique('first'), unique('second')].sort();
      const p = prompter(w, subs, { username: plain.name, password: plain.password }, (step) => {
        const field = step.fields.find((f) => f.name === 'confirmedLinkIDs')!;
        assert.equal(Object.keys(field.options ?? {}).length, 2);
        return { confirmedLinkIDs: Object.keys(field.options ?? {}).join('|') };
      });
      const codes: string[] = [];
      p.retryAfterFailure = async (e) => (codes.push(`${e.code}/${e.extra.messageCode}`), true);
      const transport = new TamperingTransport();
      const sent: string[][] = [];
      transport.tamper = (req) => void sent.push([...new URLSearchParams(req.params).keys()].filter((k) => k.startsWith('confirmedLinkIDs')));
      const client = new ApiClient({ apiUrl: w.apiUrl, transport });
      const result = await clientLogin(client, { returnUrl: RETURN_URL, prompter: p });
      assert.equal(result.name, plain.name);
      assert.deepEqual(codes, Array(2).fill('RESTART/authmanager-authn-no-local-user-link'));
      assert.equal(sentPreserve(w), 2, 'the second IdP round and the password round kept the state');
      // "a|b" would be one unknown id to AuthManager (it reads raw PHP parameters): the step would repeat.
      assert.deepEqual(sent.filter((k) => k.length > 0), [['confirmedLinkIDs[0]', 'confirmedLinkIDs[1]']]);
      assert.deepEqual((await linkedSubjects(client)).filter((x) => subs.includes(x)), subs);
    });

    it('declining the link (no choice) still logs in, and links nothing', async () => {
      const { plain } = w.users;
      const sub = unique('declined');
      const p = prompter(w, [sub], { username: plain.name, password: plain.password }, () => ({ confirmedLinkIDs: '' }));
      p.retryAfterFailure = async () => true;
      const client = new ApiClient({ apiUrl: w.apiUrl });
      assert.equal((await clientLogin(client, { returnUrl: RETURN_URL, prompter: p })).name, plain.name);
      assert.ok(!(await linkedSubjects(client)).includes(sub));
      assert.equal((await expectReject(idpLogin(w, sub))).code, 'RESTART');
    });
  });
});
