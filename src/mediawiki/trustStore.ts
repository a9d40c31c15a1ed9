// The operating system's trust store, added to Node's own list of authorities when certificates are
// checked (VS Code's `http.systemCertificates`), so a wiki with a certificate from a company CA that is
// installed in the system works as it does in VS Code itself. Two sources, each used where it exists:
// - Node's reading of the system store, tls.getCACertificates('system') (Node 22.15+, the extension host
//   of current VS Code): the macOS keychains and the Windows store with their trust settings, OpenSSL's
//   default file and folder on Linux. Node reads it once per process, so a CA installed later is only
//   seen there after a restart.
// - On Linux and BSDs, the bundle file the distribution maintains (update-ca-certificates,
//   update-ca-trust), which VS Code's own network code reads too. It is read again when it changes, so a
//   CA installed while VS Code runs is trusted from the next request; under Node 20 it is the only source.
// Not done: macOS and Windows under a Node without that API. VS Code reaches them with a native module
// (Windows) or `security find-certificate -a`, which lists every certificate in the keychains, distrusted
// ones included: trusting those would be worse than asking for NODE_EXTRA_CA_CERTS (see README).

import * as fs from 'node:fs';
import * as tls from 'node:tls';

const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Arch
  '/etc/ssl/certs/ca-bundle.crt', // older Fedora/RHEL layout
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // Fedora 43+, where the link below is gone
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/ssl/cert.pem', // BSDs; on macOS only the base system's list, not the keychains
];

type GetCa = (type: 'system') => string[];
const nodeSystemCa = (tls as unknown as { getCACertificates?: GetCa }).getCACertificates;

function systemBundle(): { file: string; mtimeMs: number } | undefined {
  if (process.platform === 'win32') return undefined;
  for (const file of SYSTEM_BUNDLES) {
    try {
      return { file, mtimeMs: fs.statSync(file).mtimeMs };
    } catch {
      // next
    }
  }
  return undefined;
}

/** What is known about the system store here; a plain value so its description can be tested on any OS. */
export interface SystemStoreFacts {
  platform: NodeJS.Platform;
  nodeVersion: string;
  /** Node has tls.getCACertificates('system'). */
  nodeStore: boolean;
  /** The distribution's bundle file, if there is one. */
  bundle?: string;
}

/** For the log line that describes the network set-up. */
export function describeStore(f: SystemStoreFacts): string {
  const sources = [...(f.nodeStore ? ["Node's system store"] : []), ...(f.bundle ? [f.bundle] : [])];
  const read = sources.length ? sources.join(' and ') : undefined;
  const osStore = f.platform === 'darwin' ? 'the macOS keychains' : f.platform === 'win32' ? "Windows' certificate store" : undefined;
  // On macOS /etc/ssl/cert.pem is only the base system's list: a company CA is in the keychains.
  if (osStore && !f.nodeStore) {
    return `${read ?? 'none'}; not ${osStore}: Node ${f.nodeVersion} cannot read them (Node 22.15 or later can; ` +
      "VS Code's Help > About shows its Node); name your organisation's CA file in NODE_EXTRA_CA_CERTS";
  }
  return read ?? 'none found';
}

export function describeSystemStore(): string {
  return describeStore({ platform: process.platform, nodeVersion: process.version, nodeStore: !!nodeSystemCa, bundle: systemBundle()?.file });
}

let versionCache: { at: number; version: string } | undefined;

/** Which sources, and when the bundle last changed; looked at no more than every 5 s (this runs per request). */
export function systemStoreVersion(): string {
  const now = Date.now();
  if (versionCache && now - versionCache.at < 5_000) return versionCache.version;
  const b = systemBundle();
  versionCache = { at: now, version: `${nodeSystemCa ? 'node' : ''}|${b ? `${b.file}@${b.mtimeMs}` : ''}` };
  return versionCache.version;
}

/** Look at the system's trust store again on the next request (e.g. after a CA was installed). */
export function refreshSystemCertificates(): void {
  versionCache = undefined;
}

let contextCache: { version: string; context: tls.SecureContext } | undefined;

/**
 * One TLS context with Node's authorities, NODE_EXTRA_CA_CERTS and the system's (giving `ca` replaces
 * Node's defaults, so all are listed), each certificate once: Node's system list repeats the ones the
 * bundle file also holds. Built once per version of the store: parsing a few hundred certificates
 * for every connection would cost milliseconds each.
 */
export function systemSecureContext(): tls.SecureContext {
  const version = systemStoreVersion();
  if (contextCache?.version === version) return contextCache.context;
  const ca = new Map<string, string>();
  const add = (pems: readonly string[]) => {
    for (const pem of pems) {
      const body = pem.replace(/-----[A-Z ]+-----|\s/g, '');
      if (!ca.has(body)) ca.set(body, pem);
    }
  };
  add(tls.rootCertificates);
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra) add(readPem(extra));
  if (nodeSystemCa) add(nodeSystemCa('system'));
  const b = systemBundle();
  if (b) add(readPem(b.file));
  contextCache = { version, context: tls.createSecureContext({ ca: [...ca.values()] }) };
  return contextCache.context;
}

function readPem(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  } catch {
    return [];
  }
}
