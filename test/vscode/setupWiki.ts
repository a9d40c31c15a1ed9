// Setup hook for the real-VS-Code tests (run.ts --setup): starts the real test wiki, plus a small
// loopback control endpoint so the extension-host suite can act on the wiki's server side
// (expire sessions, reset throttles, count revisions) from inside VS Code.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { canonicalUserName, startWiki, totp, type StartedWiki } from '../wiki';
import type { SetupResult } from './run';

let current: StartedWiki | undefined;
let currentDomain: StartedWiki | undefined;

/** The domain wiki of this run (TestDomainAuth; for UI tests, which run in this process). */
export function testDomainWiki(): StartedWiki {
  if (!currentDomain) throw new Error('domain test wiki not started (run with --setup out/test/vscode/setupWiki.js)');
  return currentDomain;
}

/** The LDAP-style domain wiki: its domains, and whose account is in which (the others: the first). */
export const DOMAIN_WIKI = {
  siteName: 'MWSessions Domain Wiki',
  domains: ['EXAMPLE', 'CORP'],
  userDomains: { Plain: 'CORP' } as Record<string, string>,
};

/** The wiki of this run (for UI tests, which run in this process). */
export function testWiki(): StartedWiki {
  if (!current) throw new Error('test wiki not started (run with --setup out/test/vscode/setupWiki.js)');
  return current;
}

export interface VsCodeTestContext {
  apiUrl: string;
  server: string;
  articleUrl: string;
  siteName: string;
  controlUrl: string;
  users: StartedWiki['users'];
  redirectField: string;
  captcha: { question: string; answer: string };
  /** A second wiki with $wgGroupPermissions['*']['read'] = false (issue #7: private wikis). */
  privateWiki: { apiUrl: string; articleUrl: string; siteName: string; wikiId: string };
  /**
   * A third wiki with a required `domain` field on its login form (test-only TestDomainAuth, like
   * LDAP extensions). Its own site name, so pickers can tell it apart.
   */
  domainWiki: { apiUrl: string; articleUrl: string; siteName: string; wikiId: string; domains: string[]; userDomains: Record<string, string> };
}

export async function setup(): Promise<SetupResult> {
  // 127.0.0.2, not 127.0.0.1: code-server rewrites localhost URLs that extensions open
  // (openExternal) into its port proxy and loses their path, which a real wiki never meets.
  const wiki = await startWiki({ host: '127.0.0.2' });
  current = wiki;
  const privateWiki = await startWiki({ host: '127.0.0.2', extraSettings: "$wgGroupPermissions['*']['read'] = false;" });
  const domainExt = path.resolve(__dirname, '../../../test/wiki/extensions/TestDomainAuth/extension.json');
  const domainWiki = await startWiki({
    host: '127.0.0.2',
    extraSettings: [
      `wfLoadExtension( 'TestDomainAuth', ${JSON.stringify(domainExt)} );`,
      `$wgTestDomainAuthDomains = ${JSON.stringify(DOMAIN_WIKI.domains)};`,
      `$wgTestDomainAuthUserDomains = [ ${Object.entries(DOMAIN_WIKI.userDomains).map(([u, d]) => `${JSON.stringify(u)} => ${JSON.stringify(d)}`).join(', ')} ];`,
      `$wgSitename = ${JSON.stringify(DOMAIN_WIKI.siteName)};`,
    ].join('\n'),
  });
  currentDomain = domainWiki;
  // ?wiki=private|domain picks the wiki a control call acts on (default: the main one).
  const wikis: Record<string, StartedWiki> = { '': wiki, main: wiki, private: privateWiki, domain: domainWiki };
  const control = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const fail = (e: unknown) => res.writeHead(500).end(String(e));
    const arg = (k: string) => u.searchParams.get(k) ?? '';
    const target = wikis[arg('wiki')];
    if (!target) {
      res.writeHead(400).end(`unknown wiki ${arg('wiki')}`);
      return;
    }
    switch (u.pathname) {
      case '/invalidate':
        target.invalidateSessions(arg('user')).then(() => reply({ ok: true }), fail);
        break;
      case '/reset-throttles':
        target.resetThrottles().then(() => reply({ ok: true }), fail);
        break;
      case '/revisions':
        target.revisionCount(arg('title')).then((n) => reply({ count: n }), fail);
        break;
      case '/totp': {
        // By user name: the secret itself never travels (a URL is logged by VS Code's proxy
        // resolver at trace level, and the secret scan runs at trace level).
        const secret = target.users.twoFactor.find((t) => t.name === canonicalUserName(arg('user')))?.totpSecret;
        if (!secret) res.writeHead(400).end(`no two-factor user ${arg('user')}`);
        else reply({ code: totp(secret, Number(arg('t')) || Date.now()) });
        break;
      }
      case '/requests':
        reply(target.requests());
        break;
      case '/clear-requests':
        target.clearRequests();
        reply({ ok: true });
        break;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  const context: VsCodeTestContext = {
    apiUrl: wiki.apiUrl,
    server: wiki.server,
    articleUrl: wiki.articleUrl('Main Page'),
    siteName: wiki.siteName,
    controlUrl,
    users: wiki.users,
    redirectField: wiki.redirectField.name,
    captcha: wiki.captcha,
    privateWiki: { apiUrl: privateWiki.apiUrl, articleUrl: privateWiki.articleUrl('Main Page'), siteName: privateWiki.siteName, wikiId: privateWiki.wikiId },
    domainWiki: { apiUrl: domainWiki.apiUrl, articleUrl: domainWiki.articleUrl('Main Page'), siteName: DOMAIN_WIKI.siteName, wikiId: domainWiki.wikiId, domains: DOMAIN_WIKI.domains, userDomains: DOMAIN_WIKI.userDomains },
  };
  return {
    env: { MWS_TEST_WIKI_API: wiki.apiUrl, MWS_TEST_CONTROL: controlUrl },
    context: context as unknown as Record<string, unknown>,
    // The wiki's REDIRECT target (/idp.php) opens in the suite's browser without the trust prompt.
    trustedDomains: [wiki.server, privateWiki.server],
    teardown: async () => {
      control.close();
      await wiki.stop();
      await privateWiki.stop();
      await domainWiki.stop();
      current = undefined;
      currentDomain = undefined;
    },
  };
}
