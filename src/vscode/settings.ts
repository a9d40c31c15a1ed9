// Settings under `mediawiki.*`. Nothing secret is ever read from or written to settings.
import * as vscode from 'vscode';
import type { Dispatcher } from 'undici';
import { networkSetup, undici, userAgent, type NetworkOptions, type NetworkSetup, type TransportOptions } from '../mediawiki';

export interface Settings {
  defaultLoginMethod: 'ask' | 'botpassword' | 'interactive';
  userAgentContact: string;
  requestTimeoutSeconds: number;
  warnOnInsecureHttp: boolean;
  rememberMe: boolean;
  redirectTimeoutMinutes: number;
  /** Wikis listed in settings (e.g. a team's wiki in workspace settings), offered before they are added. */
  sites: string[];
  /** OAuth 2: the fixed loopback port and path of the redirect URI registered on the wiki. */
  oauthRedirectPort: number;
  oauthRedirectPath: string;
}

export function settings(): Settings {
  const c = vscode.workspace.getConfiguration('mediawiki');
  const { warnOnInsecureHttp, userAgentContact } = securitySettings();
  // mediawiki.sites is a restricted setting (package.json capabilities.untrustedWorkspaces): an
  // untrusted workspace's list is not used, only the user's own.
  const sites = vscode.workspace.isTrusted ? c.get<unknown>('sites', []) : c.inspect<unknown>('sites')?.globalValue;
  return {
    defaultLoginMethod: c.get<Settings['defaultLoginMethod']>('defaultLoginMethod', 'ask'),
    userAgentContact,
    requestTimeoutSeconds: Math.max(1, c.get<number>('requestTimeoutSeconds', 30)),
    warnOnInsecureHttp,
    rememberMe: c.get<boolean>('rememberMe', true),
    redirectTimeoutMinutes: Math.max(1, c.get<number>('redirectTimeoutMinutes', 5)),
    oauthRedirectPort: validPort(c.get<number>('oauth.redirectPort', 47819)),
    oauthRedirectPath: validPath(c.get<string>('oauth.redirectPath', '/mediawiki-sessions/oauth')),
    sites: (Array.isArray(sites) ? sites : []).filter((x): x is string => typeof x === 'string' && x.trim() !== ''),
  };
}

function validPort(n: unknown): number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : 47819;
}

function validPath(p: unknown): string {
  return typeof p === 'string' && /^\/[A-Za-z0-9._~\/-]*$/.test(p) ? p : '/mediawiki-sessions/oauth';
}

/**
 * Settings a workspace must not change (application scope in package.json): only the user's own
 * value or the default counts, whatever a workspace or folder settings file says.
 */
export function securitySettings(): Pick<Settings, 'warnOnInsecureHttp' | 'userAgentContact'> {
  const c = vscode.workspace.getConfiguration('mediawiki');
  const user = <T>(key: string, fallback: T): T => {
    const i = c.inspect<T>(key);
    const v = i?.globalValue ?? i?.defaultValue;
    return typeof v === typeof fallback ? (v as T) : fallback;
  };
  return { warnOnInsecureHttp: user('warnOnInsecureHttp', true), userAgentContact: user('userAgentContact', '') };
}

export function transportOptions(trace: (line: string) => void): TransportOptions {
  const s = settings();
  return {
    userAgent: userAgent(s.userAgentContact || undefined, `VS Code ${vscode.version}`),
    timeoutMs: s.requestTimeoutSeconds * 1000,
    trace,
    dispatcher: followSettings(),
  };
}

/**
 * VS Code's network settings: `http.proxy`, `http.noProxy`, `http.proxyStrictSSL`,
 * `http.systemCertificates`, `http.proxySupport`, `http.proxyAuthorization`. With no `http.proxy`, the HTTPS_PROXY / HTTP_PROXY / NO_PROXY
 * environment variables apply. `http.proxyStrictSSL: false` is the only thing that turns
 * certificate checking off.
 */
function networkOptions(): NetworkOptions {
  const h = vscode.workspace.getConfiguration('http');
  return {
    proxy: h.get<string>('proxy', '') || undefined,
    noProxy: h.get<string[]>('noProxy', []).filter((x) => typeof x === 'string'),
    strictSSL: h.get<boolean>('proxyStrictSSL', true) !== false,
    systemCertificates: h.get<boolean>('systemCertificates', true) !== false,
    proxySupport: h.get<NetworkOptions['proxySupport']>('proxySupport', 'override'),
    // Secret (a credential for the proxy): only handed to the proxy agent, never logged.
    proxyAuthorization: h.get<string | null>('proxyAuthorization', null) ?? undefined,
  };
}

function currentNetwork(): NetworkSetup {
  return networkSetup(networkOptions());
}

/**
 * One dispatcher for every client that reads the settings on each request, so a changed proxy
 * setting applies at once, also to sessions restored before the change.
 */
let followSettingsDispatcher: Dispatcher | undefined;
function followSettings(): Dispatcher {
  if (!followSettingsDispatcher) {
    // Defined on first use: `extends` needs undici's class, which activation must not load.
    class SettingsDispatcher extends undici().Dispatcher {
      override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
        return currentNetwork().dispatcher.dispatch(options, handler);
      }
      override async close(): Promise<void> {}
      override async destroy(): Promise<void> {}
    }
    followSettingsDispatcher = new SettingsDispatcher();
  }
  return followSettingsDispatcher;
}

/** Logs the network setup now and whenever the http.* settings change (a warning when certificate checks are off). */
export function watchNetworkSettings(log: { info(l: string): void; warn(l: string): void; error(l: string): void }): vscode.Disposable {
  let last = '';
  const report = () => {
    try {
      const n = currentNetwork();
      if (n.description === last) return;
      last = n.description;
      if (n.strictSSL) log.info(`network: ${n.description}`);
      else log.warn(`network: ${n.description}. Certificates of wikis and proxies are NOT checked; set http.proxyStrictSSL back to true when you no longer need this.`);
    } catch (e) {
      log.error(`network: ${(e as Error).message}`);
    }
  };
  report();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('http')) report();
  });
}
