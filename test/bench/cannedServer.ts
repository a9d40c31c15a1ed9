// A loopback "wiki" that answers every request with the same canned action=query JSON. Runs in
// its own process (node out/test/bench/cannedServer.js), so on a 2-core machine the server and
// the client under test do not share a core; prints {"port": N} when listening.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': body.length,
        'cache-control': 'private, must-revalidate, max-age=0',
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  // Ends with the parent.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}
