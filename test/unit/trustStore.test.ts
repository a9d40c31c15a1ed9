// How the log line names the system's trust store (src/mediawiki/trustStore.ts), for platforms and
// Node versions this machine is not: which sources are read, or why none can be and what to do.
import * as assert from 'node:assert/strict';
import { describeStore, type SystemStoreFacts } from '../../src/mediawiki';

describe('the system trust store, as the network log line names it', () => {
  const TABLE: [SystemStoreFacts, RegExp][] = [
    [{ platform: 'linux', nodeVersion: 'v24.22.3', nodeStore: true, bundle: '/etc/ssl/certs/ca-certificates.crt' }, /^Node's system store and \/etc\/ssl\/certs\/ca-certificates\.crt$/],
    [{ platform: 'linux', nodeVersion: 'v20.20.2', nodeStore: false, bundle: '/etc/pki/tls/certs/ca-bundle.crt' }, /^\/etc\/pki\/tls\/certs\/ca-bundle\.crt$/],
    [{ platform: 'linux', nodeVersion: 'v20.20.2', nodeStore: false }, /^none found$/],
    [{ platform: 'darwin', nodeVersion: 'v22.15.0', nodeStore: true, bundle: '/etc/ssl/cert.pem' }, /^Node's system store and \/etc\/ssl\/cert\.pem$/],
    [{ platform: 'win32', nodeVersion: 'v22.19.0', nodeStore: true }, /^Node's system store$/],
    [{ platform: 'darwin', nodeVersion: 'v20.18.2', nodeStore: false }, /^none; not the macOS keychains: Node v20\.18\.2 cannot read them \(Node 22\.15 or later can;.*\); name your organisation's CA file in NODE_EXTRA_CA_CERTS$/],
    [{ platform: 'darwin', nodeVersion: 'v20.18.2', nodeStore: false, bundle: '/etc/ssl/cert.pem' }, /^\/etc\/ssl\/cert\.pem; not the macOS keychains: Node v20\.18\.2 cannot read them .*NODE_EXTRA_CA_CERTS$/],
    [{ platform: 'win32', nodeVersion: 'v20.18.2', nodeStore: false }, /^none; not Windows' certificate store: Node v20\.18\.2 cannot read them \(Node 22\.15 or later can;.*NODE_EXTRA_CA_CERTS$/],
  ];
  for (const [facts, expected] of TABLE) {
    it(`${facts.platform}, Node ${facts.nodeVersion}${facts.nodeStore ? ' (system store API)' : ''}${facts.bundle ? `, ${facts.bundle}` : ''}`, () => {
      assert.match(describeStore(facts), expected);
    });
  }
});
