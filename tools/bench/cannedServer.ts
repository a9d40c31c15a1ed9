// The benchmark's canned "wiki": test/net/cannedServer.ts answering every request with the same
// action=query JSON. Runs in its own process (node out/tools/bench/cannedServer.js), so on a
// 2-core machine the server and the client under test do not share a core; prints {"port": N}
// when listening, ends with its parent (stdin closed).
import { CannedServer } from '../../test/net/cannedServer';

export const CANNED_BODY = JSON.stringify({
  batchcomplete: true,
  query: {
    general: {
      mainpage: 'Main Page', base: 'http://127.0.0.1/wiki/Main_Page', sitename: 'Canned Wiki', generator: 'MediaWiki 1.39.10',
      phpversion: '8.2.0', phpsapi: 'cli-server', dbtype: 'sqlite', lang: 'en', case: 'first-letter', rights: '', timezone: 'UTC',
      writeapi: true, maxarticlesize: 2097152, servername: '127.0.0.1', wikiid: 'canned', time: '2025-01-01T00:00:00Z',
      articlepath: '/wiki/$1', scriptpath: '/w', script: '/w/index.php', server: 'http://127.0.0.1', maxuploadsize: 104857600,
    },
    userinfo: { id: 0, name: '127.0.0.1', anon: true },
  },
});

if (require.main === module) {
  const body = Buffer.from(CANNED_BODY);
  const server = new CannedServer({ record: false, keepAliveMs: 120_000 }).otherwise({
    raw: body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      'cache-control': 'private, must-revalidate, max-age=0',
    },
  });
  void server.start().then(() => {
    process.stdout.write(`${JSON.stringify({ port: Number(new URL(server.url).port) })}\n`);
  });
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}
