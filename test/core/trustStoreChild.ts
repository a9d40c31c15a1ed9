// Run by systemCertificates.test.ts under another Node (24, whose tls.getCACertificates('system') the
// extension host of current VS Code has): the core's own certificate checking, in a process of its own.
// One JSON line per step on stdout; it waits for "go" on stdin between the first step and the rest,
// while the parent installs the CA into the system store.
import * as readline from 'node:readline';
import * as tls from 'node:tls';
import { ApiClient, NetworkError, Transport, loginWithBotPassword, networkSetup, refreshSystemCertificates } from '../../src/mediawiki';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const apiUrl = env('MWS_CHILD_API');
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const client = (systemCertificates: boolean) =>
  new ApiClient({ apiUrl, transport: new Transport({ dispatcher: networkSetup({ systemCertificates }).dispatcher }) });
const failure = (e: unknown) => (e instanceof NetworkError ? { code: e.code, message: e.message } : { code: 'unexpected', message: String(e) });
const siteinfo = (c: ApiClient) => c.get({ action: 'query', meta: 'siteinfo' }).then(() => ({ ok: true }), (e: unknown) => ({ ok: false, ...failure(e) }));

async function main(): Promise<void> {
  const nodeStore = typeof (tls as { getCACertificates?: unknown }).getCACertificates === 'function';
  say({ step: 'before', node: process.version, nodeStore, description: networkSetup({}).description, ...(await siteinfo(client(true))) });

  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === 'go') break;
  lines.close();

  // Same process, CA installed meanwhile: trusted from the next request, without a restart.
  refreshSystemCertificates();
  const c = client(true);
  try {
    await loginWithBotPassword(c, { username: env('MWS_CHILD_USER'), password: env('MWS_CHILD_PASSWORD') });
    const res = await c.postWithToken('csrf', { action: 'edit', title: env('MWS_CHILD_TITLE'), text: 'edited under Node 24 with a CA from the system store', summary: 'system CA test (Node 24)' });
    say({ step: 'installed', description: networkSetup({}).description, ok: true, edit: (res.edit as { result?: string } | undefined)?.result });
  } catch (e) {
    say({ step: 'installed', description: networkSetup({}).description, ok: false, ...failure(e) });
  }
  say({ step: 'off', description: networkSetup({ systemCertificates: false }).description, ...(await siteinfo(client(false))) });
}

main().then(() => process.exit(0), (e: unknown) => {
  say({ step: 'crashed', message: String(e) });
  process.exit(1);
});
