// OAuth 2.0 logins and restores against the real test wiki with TestOAuth: requests the wiki served
// (server-side log) and wall time. The browser's part (login form, consent page) is counted apart:
// it is what a person's browser does, not the extension.
//
//   npx tsc -p . && node out/tools/bench/oauth.js [--quick]
//
// Target (issue 13): 0 requests before the first query of a restored session.
import { Agent } from 'undici';
import {
  ApiClient, loginWithOAuth2Code, loginWithOwnerOnlyToken, oauth2Endpoints, restoreSession, serializeSession, startAuthorization,
  type OAuth2ClientConfig,
} from '../../src/mediawiki';
import { startOAuthWiki, type OAuthWiki } from '../../test/wiki/oauth';
import { browserAuthorize, publicConsumer } from '../../test/core/oauthHelpers';
import { log, median, ms, range } from './util';

export interface OAuthSample {
  ms: number;
  /** Requests the wiki served for the extension's part. */
  requests: number;
  /** Requests before the first authenticated query (restore only). */
  before?: number;
  /** Requests the browser made (login form, consent) for a browser login. */
  browser?: number;
}

export async function benchOAuth(w: OAuthWiki, rounds: number): Promise<Record<string, OAuthSample[]>> {
  const out: Record<string, OAuthSample[]> = {
    'OAuth 2.0 browser login (code + PKCE)': [],
    'OAuth 2.0 owner-only token': [],
    'restore an OAuth 2.0 session + first query': [],
  };
  const c = await publicConsumer(w, 'bench-oauth');
  const config: OAuth2ClientConfig = { clientId: c.client_key, redirectUri: c.callback };
  const owner = await w.oauth.createConsumer({ owner: w.users.plain.userId, ownerOnly: true, grants: ['basic'], name: 'bench-owner' });
  for (let i = 0; i < rounds; i++) {
    // Browser login: the browser part first (not timed), then what the extension does with the answer.
    w.clearRequests();
    const auth = startAuthorization(oauth2Endpoints(w.apiUrl), config);
    const end = await browserAuthorize(w, auth.url);
    const browser = w.requests().length;
    const agent = new Agent({ keepAliveTimeout: 30_000 });
    w.clearRequests();
    let t0 = performance.now();
    const client = new ApiClient({ apiUrl: w.apiUrl, transport: { dispatcher: agent } });
    await loginWithOAuth2Code(client, config, end.location!, auth);
    out['OAuth 2.0 browser login (code + PKCE)']!.push({ ms: performance.now() - t0, requests: w.requests().length, browser });
    const json = serializeSession(client);
    await agent.close();

    const agent2 = new Agent({ keepAliveTimeout: 30_000 });
    w.clearRequests();
    t0 = performance.now();
    await loginWithOwnerOnlyToken(new ApiClient({ apiUrl: w.apiUrl, transport: { dispatcher: agent2 } }), owner.client_key, owner.access_token!);
    out['OAuth 2.0 owner-only token']!.push({ ms: performance.now() - t0, requests: w.requests().length });
    await agent2.close();

    const agent3 = new Agent({ keepAliveTimeout: 30_000 });
    w.clearRequests();
    t0 = performance.now();
    const { client: restored } = restoreSession(json, { transport: { dispatcher: agent3 } });
    const before = w.requests().length;
    const res = await restored.get({ action: 'query', meta: 'userinfo' });
    if ((res.query as { userinfo: { name: string } }).userinfo.name !== w.users.plain.name) throw new Error('restored session ran as someone else');
    out['restore an OAuth 2.0 session + first query']!.push({ ms: performance.now() - t0, requests: w.requests().length, before });
    await agent3.close();
  }
  return out;
}

export function renderOAuth(results: Record<string, OAuthSample[]>): string {
  const lines = ['| OAuth 2.0 | requests (extension) | before first query | browser requests | median time |', '|---|---|---|---|---|'];
  for (const [name, samples] of Object.entries(results)) {
    const opt = (f: (s: OAuthSample) => number | undefined) => {
      const v = samples.map(f).filter((x): x is number => x !== undefined);
      return v.length ? range(v) : '-';
    };
    lines.push(`| ${name} | ${range(samples.map((s) => s.requests))} | ${opt((s) => s.before)} | ${opt((s) => s.browser)} | ${ms(median(samples.map((s) => s.ms)))} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  void (async () => {
    const rounds = process.argv.includes('--quick') ? 3 : 15;
    const w = await startOAuthWiki();
    try {
      log(`OAuth 2.0: ${rounds} rounds`);
      const results = await benchOAuth(w, rounds);
      process.stdout.write(`${renderOAuth(results)}\n`);
      const restoreBefore = Math.max(...results['restore an OAuth 2.0 session + first query']!.map((s) => s.before ?? 0));
      process.stdout.write(`\nRestore: ${restoreBefore} requests before the first query (target 0).\n`);
      if (restoreBefore !== 0) process.exitCode = 1;
    } finally {
      await w.stop();
    }
  })();
}
