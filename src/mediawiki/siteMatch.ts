// Which registered wiki a URL belongs to. By parsed origin and path, never by string prefix: a
// wiki reports its own `server` and `articlepath`, and a hostile one could claim another wiki's
// addresses (`server: "https:"`, `articlepath: "//$1"` makes "https://$1"), which would send that
// wiki's logins, cookies and sessions to it. Only the api.php's own origin is trusted.

export interface MatchableSite {
  apiUrl: string;
  /** As the wiki reported it, e.g. "https://en.wikipedia.org/wiki/$1". */
  articlePath: string;
}

/** The article path's URL prefix if it is on the api.php's origin (else it is not used for matching). */
export function trustedArticlePath(site: MatchableSite): URL | undefined {
  try {
    const api = new URL(site.apiUrl);
    const article = new URL(site.articlePath.replace('$1', ''));
    return article.origin === api.origin ? article : undefined;
  } catch {
    return undefined;
  }
}

/** The host the wiki claims for its pages when that is not the api.php's (for telling the user). */
export function untrustedArticleHost(site: MatchableSite): string | undefined {
  if (trustedArticlePath(site)) return undefined;
  try {
    return new URL(site.articlePath.replace('$1', '')).origin;
  } catch {
    return site.articlePath;
  }
}

/** Parses what a user or caller gave (with or without https://) into a URL, or undefined. */
function parse(url: string): URL | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`);
  } catch {
    return undefined;
  }
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`) || (prefix.endsWith('/') && path === prefix.slice(0, -1));
}

/**
 * The registered site a URL belongs to: api.php itself, index.php or anything under the
 * script directory, an article URL under a trusted article path, or else any site on the
 * same origin. Among several sites on one origin, the longest matching path wins.
 */
export function matchSite<T extends MatchableSite>(sites: readonly T[], url: string): T | undefined {
  const u = parse(url);
  if (!u) return undefined;
  let best: { site: T; score: number } | undefined;
  for (const site of sites) {
    let api: URL;
    try {
      api = new URL(site.apiUrl);
    } catch {
      continue;
    }
    if (api.origin !== u.origin) continue;
    let score = 0;
    if (u.pathname === api.pathname) score = 10_000;
    else {
      const scriptDir = api.pathname.replace(/[^/]*$/, '');
      if (scriptDir !== '/' && under(u.pathname, scriptDir)) score = scriptDir.length;
      const article = trustedArticlePath(site);
      if (article) {
        // "/wiki/$1" -> "/wiki/"; "/w/index.php?title=$1" -> "/w/index.php"
        const prefix = article.pathname;
        if (prefix !== '/' && (prefix.endsWith('/') ? u.pathname.startsWith(prefix) : u.pathname === prefix)) score = Math.max(score, prefix.length);
      }
    }
    if (!best || score > best.score) best = { site, score };
  }
  return best?.site;
}
