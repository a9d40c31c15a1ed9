// Network setup: proxy, no-proxy list and certificate checking, as one undici dispatcher.
// The proxy is undici's ProxyAgent (CONNECT tunnel); hosts on the no-proxy list go direct through an
// Agent. Certificate checking is on unless `strictSSL: false` is asked for explicitly.
// Trusted authorities: Node's bundled list plus the operating system's trust store, as VS Code's
// own requests do (`http.systemCertificates`), so a company CA installed in the OS is trusted.

import * as l10n from '@vscode/l10n';
import type { Dispatcher } from 'undici';
import { undici } from './lazy';
import { InputError } from './errors';
import { describeSystemStore, systemSecureContext, systemStoreVersion } from './trustStore';

export interface NetworkOptions {
  /** Proxy URL (http://host:port, credentials allowed). Empty: use the environment. */
  proxy?: string;
  /** Hosts that bypass the proxy: `example.org`, `.example.org`, `*.example.org`, `host:port`, `*`. */
  noProxy?: readonly string[] | string;
  /** false turns certificate checking off (wiki and proxy). Default true. */
  strictSSL?: boolean;
  /** Also trust the operating system's certificate authorities (VS Code's `http.systemCertificates`). Default true. */
  systemCertificates?: boolean;
  /**
   * VS Code's `http.proxySupport`. `off`: no proxy at all (neither `proxy` nor the environment), as
   * VS Code then gives extensions none; `on`, `override`, `fallback` (default): `proxy`, else the environment.
   */
  proxySupport?: 'off' | 'on' | 'override' | 'fallback';
  /** The Proxy-Authorization header value for the proxy (VS Code's `http.proxyAuthorization`). Secret: never logged. */
  proxyAuthorization?: string;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY come from when `proxy` is empty. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface NetworkSetup {
  dispatcher: Dispatcher;
  /** One line for the log: proxy (without credentials), bypass list, certificate checking. */
  description: string;
  /** The proxy URL for http:// and https:// wikis (credentials kept; never log these). */
  httpProxy?: string;
  httpsProxy?: string;
  noProxy: string[];
  strictSSL: boolean;
  systemCertificates: boolean;
}

const KEEP_ALIVE = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 16 } as const;
const cache = new Map<string, NetworkSetup>();

/** The dispatcher for these options. The same options give the same dispatcher (shared keep-alive pools). */
export function networkSetup(options: NetworkOptions = {}): NetworkSetup {
  const off = options.proxySupport === 'off';
  const env = off ? {} : (options.env ?? process.env);
  const explicit = off ? undefined : options.proxy?.trim() || undefined;
  const proxyAuthorization = options.proxyAuthorization?.trim() || undefined;
  const envOf = (...names: string[]) => names.map((n) => env[n]?.trim()).find((v) => v) || undefined;
  const httpProxy = explicit ?? envOf('http_proxy', 'HTTP_PROXY');
  const httpsProxy = explicit ?? envOf('https_proxy', 'HTTPS_PROXY') ?? httpProxy;
  const listed = typeof options.noProxy === 'string' ? [options.noProxy] : [...(options.noProxy ?? [])];
  // The environment's NO_PROXY belongs to the environment's proxy.
  if (!explicit) listed.push(envOf('no_proxy', 'NO_PROXY') ?? '');
  const noProxy = listed.flatMap((s) => s.split(/[,\s]+/)).map((s) => s.trim().toLowerCase()).filter(Boolean);
  const strictSSL = options.strictSSL !== false;
  const systemCertificates = options.systemCertificates !== false;
  for (const p of [httpProxy, httpsProxy]) if (p) checkProxyUrl(p);

  // The system store's version is part of the key: a CA installed later is picked up by the next request.
  const key = JSON.stringify([httpProxy, httpsProxy, noProxy, strictSSL, systemCertificates && systemStoreVersion(), proxyAuthorization]);
  const cached = cache.get(key);
  if (cached) return cached;

  // The agents are made on first use (see lazy.ts): describing the set-up must not load undici.
  let built: Dispatcher | undefined;
  const build = (): Dispatcher => {
    const { Agent, ProxyAgent } = undici();
    const tlsOptions = strictSSL ? (systemCertificates ? { secureContext: systemSecureContext() } : {}) : { rejectUnauthorized: false };
    const direct = new Agent({ ...KEEP_ALIVE, connect: tlsOptions });
    const proxyFor = (uri: string | undefined) =>
      uri ? new ProxyAgent({ ...KEEP_ALIVE, uri, token: proxyAuthorization, requestTls: tlsOptions, proxyTls: tlsOptions }) : undefined;
    const viaHttp = proxyFor(httpProxy);
    const viaHttps = httpsProxy === httpProxy ? viaHttp : proxyFor(httpsProxy);
    return viaHttp || viaHttps ? routingDispatcher(direct, viaHttp, viaHttps, noProxy) : direct;
  };

  const parts: string[] = [];
  if (!httpProxy && !httpsProxy) parts.push(off ? 'direct connection (http.proxySupport is off)' : 'direct connection (no proxy)');
  else {
    const source = explicit ? 'http.proxy' : 'environment';
    if (httpProxy === httpsProxy) parts.push(`proxy ${safeProxy(httpProxy)} (${source})`);
    else parts.push(`proxy for http ${httpProxy ? safeProxy(httpProxy) : 'none'}, for https ${httpsProxy ? safeProxy(httpsProxy) : 'none'} (${source})`);
    if (noProxy.length) parts.push(`not for ${noProxy.join(', ')}`);
    if (proxyAuthorization) parts.push('Proxy-Authorization from http.proxyAuthorization');
  }
  parts.push(
    !strictSSL ? 'CERTIFICATE CHECKING OFF (http.proxyStrictSSL: false)'
    : systemCertificates ? `certificates checked (Node's authorities and the system's: ${describeSystemStore()})`
    : "certificates checked (Node's authorities only: http.systemCertificates is false)",
  );
  const setup: NetworkSetup = {
    get dispatcher() {
      return (built ??= build());
    },
    description: parts.join('; '),
    httpProxy,
    httpsProxy,
    noProxy,
    strictSSL,
    systemCertificates,
  };
  cache.set(key, setup);
  return setup;
}

/** Whether a host (and port) is on a no-proxy list. */
export function bypassesProxy(hostname: string, port: number, noProxy: readonly string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy) {
    if (raw === '*') return true;
    let entry = raw;
    let entryPort: number | undefined;
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && !entry.includes('::')) {
      entry = m[1];
      entryPort = Number(m[2]);
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    entry = entry.replace(/^\*?\./, '.').replace(/^\[|\]$/g, '');
    if (entry.startsWith('.') ? host.endsWith(entry) || host === entry.slice(1) : host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

function checkProxyUrl(p: string): void {
  let u: URL;
  try {
    u = new URL(p);
  } catch {
    throw new InputError('bad-proxy', l10n.t('The proxy "{0}" is not a valid address; use http://host:port.', safeProxy(p)));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InputError('bad-proxy', l10n.t('The proxy "{0}" uses {1}; only http:// and https:// proxies are supported.', safeProxy(p), u.protocol.replace(':', '')));
  }
}

/** The proxy URL without user name and password. */
export function safeProxy(p: string | undefined): string {
  if (!p) return '';
  try {
    const u = new URL(p);
    const cred = u.username || u.password ? '***@' : '';
    return `${u.protocol}//${cred}${u.host}`;
  } catch {
    return '<unreadable proxy address>';
  }
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Sends each request through the proxy for its scheme, or direct when the host is on the no-proxy list.
 * Not undici's EnvHttpProxyAgent (6.x), which does the same routing: it emits an "experimental"
 * process warning on first use (into the extension host's log), reads a plain `example.org` entry
 * as that host only (curl, and this list, also bypass its subdomains), and takes `*` only as the
 * whole list. Swapping it in would change which hosts bypass the proxy for existing users.
 */
function routingDispatcher(direct: Dispatcher, viaHttp: Dispatcher | undefined, viaHttps: Dispatcher | undefined, noProxy: readonly string[]): Dispatcher {
  const pick = (origin: string | URL | undefined): Dispatcher => {
    if (!origin) return direct;
    const u = new URL(String(origin));
    const port = Number(u.port) || DEFAULT_PORTS[u.protocol] || 0;
    if (bypassesProxy(u.hostname, port, noProxy)) return direct;
    return (u.protocol === 'https:' ? viaHttps : viaHttp) ?? direct;
  };
  const all = () => [...new Set([direct, viaHttp, viaHttps])].filter((d): d is Dispatcher => d !== undefined);
  // Defined here because `extends` needs undici's class, which is only loaded on first use.
  class RoutingDispatcher extends undici().Dispatcher {
    override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
      return pick(options.origin).dispatch(options, handler);
    }
    override async close(): Promise<void> {
      await Promise.all(all().map((d) => d.close()));
    }
    override async destroy(): Promise<void> {
      await Promise.all(all().map((d) => d.destroy()));
    }
  }
  return new RoutingDispatcher();
}
