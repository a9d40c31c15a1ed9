#!/usr/bin/env node
// The one provisioning step: the Debian packages (test/debian-packages.json) and code-server that a
// command needs, before it runs. `npm start` (prestart), `npm test` (pretest) and .ci/run go through it.
//
//   node test/provision.mjs demo          the demo: the wiki, code-server (no browser)
//   node test/provision.mjs test          the tests: the wiki, code-server, Chromium, openssl
//   node test/provision.mjs code-server   only the packages that build code-server (install-code-server.sh)
//   ... --packages-only                   the Debian packages, not code-server (for `sudo` in .ci/run)
//
// As root it runs `apt-get update` and installs what is missing, non-interactively; not as root it
// prints the one command that would, and exits 1. Nothing to do: one line, well under a second.
// Plain Node, no dependencies: it runs before `npm run compile` and before `npm ci` in .ci/run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const groups = JSON.parse(fs.readFileSync(path.join(here, 'debian-packages.json'), 'utf8'));
const installCodeServer = path.join(here, 'vscode', 'install-code-server.sh');

/** What each command needs; 'code-server' is only asked for while code-server is not installed. */
const commands = {
  demo: { groups: ['wiki'], codeServer: true },
  test: { groups: ['wiki', 'browser', 'tls'], codeServer: true },
  'code-server': { groups: ['code-server'], codeServer: false },
};

const name = process.argv[2];
const packagesOnly = process.argv.includes('--packages-only');
const command = commands[name];
if (!command) {
  console.error(`usage: node test/provision.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}

const codeServerMissing =
  command.codeServer && spawnSync('bash', [installCodeServer, '--installed'], { stdio: 'ignore' }).status !== 0;
const wanted = [...command.groups, ...(codeServerMissing ? ['code-server'] : [])].flatMap((g) => groups[g].packages);

const missing = missingPackages(wanted);
if (missing === undefined) {
  console.warn(`provision: no dpkg here (not Debian?): make sure these are installed: ${wanted.join(' ')}`);
} else if (missing.length === 0) {
  console.log(`provision: Debian packages for \`${name}\` present: ${[...new Set(wanted)].join(' ')}`);
} else {
  const install = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`provision: \`${name}\` needs Debian packages that are missing: ${missing.join(' ')}. Run:\n` +
      `  sudo apt-get update && sudo ${install}`);
    process.exit(1);
  }
  console.log(`provision: installing Debian packages: ${missing.join(' ')}`);
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      console.error(`provision: apt-get ${args[0]} failed (exit ${r.status ?? r.signal}); run it yourself: ${install}`);
      process.exit(1);
    }
  }
  const still = missingPackages(missing) ?? [];
  if (still.length > 0) {
    console.error(`provision: still missing after apt-get: ${still.join(' ')}`);
    process.exit(1);
  }
  console.log(`provision: Debian packages installed (${Math.round((Date.now() - started) / 1000)} s)`);
}

if (command.codeServer && !packagesOnly) {
  const r = spawnSync('bash', [installCodeServer], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Packages not installed according to dpkg, or undefined when there is no dpkg. */
function missingPackages(packages) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...packages], { encoding: 'utf8' });
  if (r.error) return undefined;
  const installed = new Set(
    r.stdout.split('\n').filter((line) => / ii/.test(line)).map((line) => line.split(/[ :]/)[0]),
  );
  return [...new Set(packages)].filter((p) => !installed.has(p));
}
