// OAuth 2.0 for the test wiki: the test-only extension extensions/TestOAuth (behaves like
// Extension:OAuth REL1_39, see /work/shared/reference/mediawiki-oauth2-facts.md), its control
// (consumers, revocation, token lifetimes) and a small "browser" that logs in and clicks Allow/Cancel.
// Loaded through startWiki's extraSettings, so index.ts needs no change.

import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CookieJar } from 'tough-cookie';
import { startWiki, type StartWikiOptionsEx, type StartedWiki } from './index';

export interface OAuthConsumer {
  name: string;
  client_key: string;
  secret: string;
  /** Owner-only consumers: the access token shown once at registration. */
  access_token?: string;
}

export interface ConsumerOptions {
  /** User id of the owner (e.g. wiki.users.plain.userId). */
  owner: number;
  callback?: string;
  grants?: string[];
  confidential?: boolean;
  grantTypes?: ('authorization_code' | 'refresh_token' | 'client_credentials')[];
  ownerOnly?: boolean;
  name?: string;
}

export interface OAuthControl {
  /** rest.php/oauth2 base, e.g. http://127.0.0.1:PORT/w/rest.php/oauth2 */
  base: string;
  /** Registers a consumer as Special:OAuthConsumerRegistration/propose/oauth2 would (usable at once). */
  createConsumer(o: ConsumerOptions): Promise<OAuthConsumer>;
  /** What Special:OAuthManageMyGrants "renounce" does: the approval and the user's access tokens go. */
  revoke(userId: number, clientId: string): Promise<void>;
  /** Token rows (no token values): for assertions on rotation/revocation. */
  tokens(clientId: string): Promise<{ access: { jti: string; user: number; revoked: number; exp: number }[]; refresh: { user: number; revoked: number; exp: number }[] }>;
  /** Token lifetimes as ISO 8601 durations (defaults as REL1_39: PT1H and PT1M); read per request. */
  configure(o: { accessTtl?: string; refreshTtl?: string }): void;
}

export interface OAuthWiki extends StartedWiki {
  oauth: OAuthControl;
}

const EXT_DIR = (() => {
  for (const c of [path.join(__dirname, 'extensions', 'TestOAuth'), path.resolve(__dirname, '../../../test/wiki/extensions/TestOAuth')]) {
    if (fs.existsSync(path.join(c, 'extension.json'))) return c;
  }
  throw new Error('test/wiki/extensions/TestOAuth not found');
})();

function phpString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A wiki with the TestOAuth extension. Its state lives in its own temp dir, removed by stop(). */
export async function startOAuthWiki(opts: StartWikiOptionsEx = {}): Promise<OAuthWiki> {
  // "mwtest-wiki-" + owner.pid: index.ts removes it if this process dies without cleaning up.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mwtest-wiki-oauth-'));
  fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateFile = path.join(dir, 'private.key');
  const publicFile = path.join(dir, 'public.key');
  fs.writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(publicFile, publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o600 });
  const configFile = path.join(dir, 'oauth.json');
  let config = { db: path.join(dir, 'oauth.sqlite'), privateKey: privateFile, publicKey: publicFile, accessTtl: 'PT1H', refreshTtl: 'PT1M' };
  const write = () => fs.writeFileSync(configFile, JSON.stringify(config));
  write();
  const settings = `
# TestOAuth (test/wiki/oauth.ts)
wfLoadExtension( 'TestOAuth', ${phpString(path.join(EXT_DIR, 'extension.json'))} );
$wgTestOAuthConfigFile = ${phpString(configFile)};
`;
  let wiki: StartedWiki;
  try {
    wiki = await startWiki({ ...opts, extraSettings: `${settings}\n${opts.extraSettings ?? ''}` });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const tool = (args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(process.env.MWTEST_PHP || 'php', [path.join(EXT_DIR, 'tools', 'oauthTool.php'), configFile, ...args], (err, stdout, stderr) =>
        err ? reject(new Error(`oauthTool ${args[0]}: ${err.message}\n${stderr}`)) : resolve(String(stdout)),
      );
    });
  const stop = wiki.stop.bind(wiki);
  const oauth: OAuthControl = {
    base: `${wiki.server}/w/rest.php/oauth2`,
    async createConsumer(o) {
      const spec = { ...o, iss: wiki.server, verifiedUrl: `${wiki.server}/wiki/Special:OAuth/verified` };
      return JSON.parse(await tool(['create', JSON.stringify(spec)])) as OAuthConsumer;
    },
    async revoke(userId, clientId) {
      await tool(['revoke', String(userId), clientId]);
    },
    async tokens(clientId) {
      return JSON.parse(await tool(['tokens', clientId]));
    },
    configure(o) {
      config = { ...config, ...o };
      write();
    },
  };
  return Object.assign(wiki, {
    oauth,
    async stop() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

// ---------------------------------------------------------------------------------------------
// A minimal browser: cookies (tough-cookie), manual redirects, the wiki's login form, the consent form.

export interface BrowserStep {
  status: number;
  url: string;
  location?: string;
  body: string;
}

/** Hidden and submit inputs of the first form whose markup matches `formMatch`. */
export function formFields(html: string, formMatch: RegExp = /<form/): { action: string; fields: Record<string, string> } {
  const forms = html.split(/(?=<form[\s>])/i).filter((f) => f.startsWith('<form') && formMatch.test(f));
  const form = forms[0];
  if (!form) throw new Error('no matching form on the page');
  const action = /<form[^>]*\saction="([^"]*)"/i.exec(form)?.[1]?.replace(/&amp;/g, '&') ?? '';
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b[^>]*>/gi)) {
    const attr = (n: string) => new RegExp(`\\s${n}="([^"]*)"`, 'i').exec(m[0])?.[1];
    const type = (attr('type') ?? 'text').toLowerCase();
    const name = attr('name');
    if (!name || type === 'submit' || type === 'checkbox') continue;
    fields[name] = decodeEntities(attr('value') ?? '');
  }
  return { action, fields };
}

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export class TestBrowser {
  readonly jar = new CookieJar();
  readonly history: BrowserStep[] = [];
  constructor(readonly origin: string) {}

  async request(url: string, init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {}): Promise<BrowserStep> {
    const headers: Record<string, string> = {};
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers['cookie'] = cookie;
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) await this.jar.setCookie(c, url, { ignoreError: true });
    const location = res.headers.get('location') ?? undefined;
    const step: BrowserStep = { status: res.status, url, location: location ? new URL(location, url).toString() : undefined, body: await res.text() };
    this.history.push(step);
    return step;
  }

  /**
   * GET `url` and follow redirects while they stay on the wiki. Returns the last answer: a page, or
   * the redirect that leaves the wiki (e.g. to the client's redirect URI, which is not fetched).
   */
  async go(url: string, init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {}): Promise<BrowserStep> {
    let step = await this.request(url, init);
    for (let i = 0; i < 10 && step.location && new URL(step.location).origin === this.origin; i++) {
      step = await this.request(step.location);
    }
    return step;
  }

  /** Logs in through Special:UserLogin (the form a person fills in), following its returnto. */
  async logIn(loginPage: BrowserStep, name: string, password: string): Promise<BrowserStep> {
    const { action, fields } = formFields(loginPage.body, /name="wpLoginToken"|userlogin/i);
    return this.go(new URL(action, loginPage.url).toString(), {
      form: { ...fields, wpName: name, wpPassword: password, wploginattempt: 'Log in' },
    });
  }

  /** Clicks Allow or Cancel on the consent page. */
  async consent(page: BrowserStep, button: 'accept' | 'cancel'): Promise<BrowserStep> {
    const { action, fields } = formFields(page.body, /mw-mwoauth-authorize-form/);
    return this.go(new URL(action, page.url).toString(), { form: { ...fields, [button]: button === 'accept' ? 'Allow' : 'Cancel' } });
  }
}
