// Site discovery: from any URL of a wiki to its api.php and its name. The page's EditURI/RSD link
// is tried first (it names api.php exactly), then the usual places. One siteinfo GET then proves it
// is MediaWiki and gives the name, wiki id and article path.

import * as l10n from '@vscode/l10n';
import { ApiClient, type ApiResponse } from './client';
import { ApiError, InputError, InsecureRedirectError, NetworkError, NotAWikiError, WikiError } from './errors';
import { Transport, type TransportOptions } from './http';
import { neutralise } from './neutralise';

export interface SiteInfo {
  apiUrl: string;
  /** `$wgSitename`, e.g. "Wikipedia". */
  name: string;
  /** e.g. "MediaWiki 1.39.17". */
  generator: string;
  /** e.g. "enwiki" (also the default cookie prefix). */
  wikiId: string;
  /** Absolute article path with $1, e.g. "https://en.wikipedia.org/wiki/$1". */
  articlePath: string;
  server: string;
  lang: string;
  mainPage: string;
  /** The wiki refuses anonymous reads (readapidenied): name and paths are guesses until login. */
  requiresLogin: boolean;
}

export interface DiscoverOptions {
  transport?: Transport | TransportOptions;
  signal?: AbortSignal;
  /**
   * The page (its EditURI, or a redirect) points to an api.php on another host than the one pasted.
   * Return true to use it. Without this hook such addresses are never contacted for the API.
   */
  confirmOtherHost?(pastedHost: string, otherHost: string): Promise<boolean>;
}

/** Turns what a user typed into a URL, or says what is wrong with it. */
export function parseWikiUrl(input: string): URL {
  const text = input.trim();
  if (!text) throw new InputError('bad-url', l10n.t('No address was given.'));
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError('bad-url', l10n.t('"{0}" is not a valid address.', text));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError('bad-url', l10n.t('"{0}" is not an http(s) address.', text));
  }
  if (!url.hostname || /\s/.test(text)) throw new InputError('bad-url', l10n.t('"{0}" is not a valid address.', text));
  url.hash = '';
  url.username = '';
  url.password = '';
  return url;
}

export async function discoverSite(input: string, options: DiscoverOptions = {}): Promise<SiteInfo> {
  const url = parseWikiUrl(input);
  // Discovery talks to a site we do not trust yet: no cookies kept from it.
  const transport = options.transport instanceof Transport ? options.transport : new Transport(options.transport);
  const tried: string[] = [];
  const candidates: string[] = [];
  const add = (u: string) => {
    if (!candidates.includes(u)) candidates.push(u);
  };

  if (/api\.php$/.test(url.pathname)) add(stripQuery(url));
  let lastError: WikiError | undefined;
  if (!/api\.php$/.test(url.pathname)) {
    try {
      const page = await transport.send({ method: 'GET', url: url.toString(), redirects: 'any', cookies: false, signal: options.signal });
      const editUri = findEditUri(page.body, page.url);
      if (editUri) add(editUri);
      // The page may have redirected (http -> https, short URL -> article); guess from there too.
      for (const u of commonPaths(new URL(page.url))) add(u);
    } catch (e) {
      if (e instanceof NetworkError && !['ETIMEDOUT', 'ECONNRESET'].includes(e.code)) throw e;
      if (e instanceof InsecureRedirectError) throw e;
      if (e instanceof WikiError) lastError = e;
    }
  }
  for (const u of commonPaths(url)) add(u);

  const hostAnswers = new Map<string, boolean>();
  for (const apiUrl of candidates) {
    // Never from https down to http (an EditURI or a page that says so): the password would follow.
    if (url.protocol === 'https:' && apiUrl.startsWith('http:')) continue;
    // Never register a host other than the one pasted unless the user said so, naming both.
    const host = new URL(apiUrl).host;
    if (host !== url.host) {
      if (!hostAnswers.has(host)) hostAnswers.set(host, (await options.confirmOtherHost?.(url.host, host)) === true);
      if (!hostAnswers.get(host)) continue;
    }
    tried.push(apiUrl);
    try {
      return await siteInfo(apiUrl, transport, options.signal);
    } catch (e) {
      if (e instanceof NetworkError && e.code !== 'ETIMEDOUT' && e.code !== 'ECONNRESET' && candidates.indexOf(apiUrl) === 0 && tried.length === 1 && /api\.php$/.test(url.pathname)) {
        throw e;
      }
      if (e instanceof WikiError) lastError = e;
    }
  }
  throw new NotAWikiError(url.toString(), tried, lastError && `${lastError.code}`);
}

/** One siteinfo GET. Throws unless the answer is MediaWiki's. */
export async function siteInfo(apiUrl: string, transport: Transport, signal?: AbortSignal): Promise<SiteInfo> {
  const client = new ApiClient({ apiUrl, transport, retry: { maxAttempts: 2 } });
  let res: ApiResponse;
  try {
    res = await client.request('GET', { action: 'query', meta: 'siteinfo', siprop: 'general' }, { signal, login: true });
  } catch (e) {
    if (e instanceof ApiError && e.code === 'readapidenied') {
      // A private wiki: the API refuses siteinfo (and userinfo) to anonymous users, but
      // ResourceLoader still serves the site's public config (name, paths, wiki id, version).
      const u = new URL(client.apiUrl);
      const config = await publicConfig(client.apiUrl, transport, signal);
      const server = absolutise(config['wgServer'] ?? '', client.apiUrl);
      return {
        apiUrl: client.apiUrl,
        name: neutralise(config['wgSiteName'] ?? u.host),
        generator: config['wgVersion'] ? `MediaWiki ${config['wgVersion']}` : 'MediaWiki',
        wikiId: config['wgWikiID'] ?? config['wgDBname'] ?? '',
        articlePath: config['wgArticlePath']
          ? server.replace(/\/$/, '') + config['wgArticlePath']
          : `${u.origin}${u.pathname.replace(/api\.php$/, 'index.php')}?title=$1`,
        server,
        lang: config['wgContentLanguage'] ?? '',
        mainPage: '',
        requiresLogin: true,
      };
    }
    throw e;
  }
  const g = (res.query as { general?: Record<string, unknown> } | undefined)?.general;
  const generator = String(g?.['generator'] ?? '');
  if (!g || !generator.startsWith('MediaWiki')) throw new ApiError('not-a-wiki', l10n.t('{0} did not answer like MediaWiki.', apiUrl));
  const server = absolutise(String(g['server'] ?? ''), apiUrl);
  return {
    apiUrl: client.apiUrl,
    name: neutralise(String(g['sitename'] ?? new URL(apiUrl).host)),
    generator,
    wikiId: String(g['wikiid'] ?? ''),
    articlePath: server.replace(/\/$/, '') + String(g['articlepath'] ?? '/index.php?title=$1'),
    server,
    lang: String(g['lang'] ?? ''),
    mainPage: String(g['mainpage'] ?? ''),
    requiresLogin: false,
  };
}

const PUBLIC_CONFIG_KEYS = ['wgSiteName', 'wgServer', 'wgArticlePath', 'wgWikiID', 'wgDBname', 'wgVersion', 'wgContentLanguage'];

/**
 * The site config ResourceLoader gives every visitor (load.php, module mediawiki.base), also on a
 * private wiki. Best effort: an empty object when it is not there.
 */
async function publicConfig(apiUrl: string, transport: Transport, signal?: AbortSignal): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  try {
    const url = apiUrl.replace(/api\.php$/, 'load.php');
    const res = await transport.send({
      method: 'GET',
      url,
      params: new URLSearchParams({ modules: 'mediawiki.base', only: 'scripts' }),
      cookies: false,
      signal,
    });
    if (res.status !== 200) return out;
    for (const key of PUBLIC_CONFIG_KEYS) {
      const m = new RegExp(`"${key}":("(?:[^"\\\\]|\\\\.)*")`).exec(res.body);
      if (!m) continue;
      try {
        const v: unknown = JSON.parse(m[1]);
        if (typeof v === 'string' && v) out[key] = v;
      } catch {
        // not JSON: leave it out
      }
    }
  } catch {
    // best effort
  }
  return out;
}

/** `<link rel="EditURI" href="//host/w/api.php?action=rsd">` -> the api.php URL. */
export function findEditUri(html: string, base: string): string | undefined {
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/rel\s*=\s*["']?EditURI["']?/i.test(tag)) continue;
    const href = /href\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1];
    if (!href) continue;
    try {
      return stripQuery(new URL(href.replace(/&amp;/g, '&'), base));
    } catch {
      continue;
    }
  }
  return undefined;
}

function commonPaths(url: URL): string[] {
  const origin = url.origin;
  const out: string[] = [];
  // /w/index.php?title=X and /wiki/X both point near api.php
  const dir = url.pathname.replace(/[^/]*$/, '');
  if (/index\.php$/.test(url.pathname)) out.push(`${origin}${dir}api.php`);
  out.push(`${origin}/w/api.php`, `${origin}/api.php`);
  const first = url.pathname.split('/').filter(Boolean)[0];
  if (first && first !== 'wiki' && first !== 'w' && !first.includes('.')) out.push(`${origin}/${first}/api.php`);
  out.push(`${origin}/wiki/api.php`, `${origin}/mediawiki/api.php`);
  return out;
}

function stripQuery(url: URL): string {
  const u = new URL(url.toString());
  u.search = '';
  u.hash = '';
  return u.toString();
}

function absolutise(server: string, apiUrl: string): string {
  if (server.startsWith('//')) return `${new URL(apiUrl).protocol}${server}`;
  return server || new URL(apiUrl).origin;
}
