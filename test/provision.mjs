#!/usr/bin/env node
// The one provisioning step: the Debian packages (test/debian-packages.json) and code-server that a
// command needs, before it runs. `npm start` (prestart), `npm test` (pretest) and .ci/run go through it.
//
//   node test/provision.mjs demo          the demo: the wiki, code-server (no browser)
//   node test/provision.mjs test          the tests: the wiki, code-server, Chromium, openssl, Apache, and a
//                                         Node 24 (.cache/node24, npm's node-linux-<arch>) for the trust
//                                         store test: the Node of current VS Code reads the system store itself
//   node test/provision.mjs code-server   only the packages that build code-server (install-code-server.sh)
//   ... --packages-only                   the Debian packages, not code-server (for `sudo` in .ci/run)
//
// As root it runs `apt-get update` and installs what is missing, non-interactively; not as root it
// prints the one command that would, and exits 1. Nothing to do: two lines, a few seconds (code-server's --version).
// Plain Node, no dependencies: it runs before `npm run compile` and before `npm ci` in .ci/run.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const groups = JSON.parse(fs.readFileSync(path.join(here, 'debian-packages.json'), 'utf8'));
const installCodeServer = path.join(here, 'vscode', 'install-code-server.sh');

/** What each command needs; 'code-server' is only asked for while code-server is not installed. */
const commands = {
  demo: { groups: ['wiki'], codeServer: true, node24: false },
  test: { groups: ['wiki', 'browser', 'tls', 'front'], codeServer: true, node24: true },
  'code-server': { groups: ['code-server'], codeServer: false, node24: false },
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
const buildPackages = codeServerMissing ? groups['code-server'].packages : [];
const wanted = [...new Set([...command.groups.flatMap((g) => groups[g].packages), ...buildPackages])];
const installsCodeServer = command.codeServer && !packagesOnly;

const missing = missingPackages(wanted);
/** The code-server install, when it was started early (alongside apt-get). */
let codeServer;
if (missing === undefined) {
  console.warn(`provision: no dpkg here (not Debian?): make sure these are installed: ${wanted.join(' ')}`);
} else if (missing.length === 0) {
  console.log(`provision: Debian packages for \`${name}\` present: ${wanted.join(' ')}`);
} else {
  const install = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(`provision: \`${name}\` needs Debian packages that are missing: ${missing.join(' ')}. Run:\n` +
      `  sudo apt-get update && sudo ${install}`);
    process.exit(1);
  }
  const started = Date.now();
  apt(['update', '-qq'], install);
  // What builds code-server first; then code-server builds (CPU) while apt-get installs the rest (disk).
  const first = missing.filter((p) => buildPackages.includes(p));
  const rest = missing.filter((p) => !first.includes(p));
  if (installsCodeServer && first.length > 0 && rest.length > 0) {
    console.log(`provision: installing Debian packages: ${first.join(' ')} (to build code-server)`);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...first], install);
    codeServer = runCodeServerInstall();
    console.log(`provision: installing Debian packages: ${rest.join(' ')} (while code-server builds)`);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...rest], install);
  } else {
    console.log(`provision: installing Debian packages: ${missing.join(' ')}`);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...missing], install);
  }
  const still = missingPackages(missing) ?? [];
  if (still.length > 0) {
    console.error(`provision: still missing after apt-get: ${still.join(' ')}`);
    process.exit(1);
  }
  console.log(`provision: Debian packages installed (${Math.round((Date.now() - started) / 1000)} s)`);
}

if (installsCodeServer && codeServerMissing) {
  const status = await (codeServer ?? runCodeServerInstall());
  if (status !== 0) process.exit(status);
} else if (installsCodeServer) {
  console.log('provision: code-server is installed (.cache/code-server)');
}

if (command.node24 && !packagesOnly) installNode24();

/**
 * Node 24 from the npm registry (the node-linux-<arch> package holds the official binary), into
 * .cache/node24. Only the trust store test runs it; everything else runs on the machine's Node.
 */
function installNode24() {
  const dest = path.join(here, '..', '.cache', 'node24');
  const bin = path.join(dest, 'bin', 'node');
  const version = () => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (fs.existsSync(bin) && /^v24\./.test(version() ?? '')) {
    console.log(`provision: Node ${version()} is installed (.cache/node24)`);
    return;
  }
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(path.dirname(dest), 'node24-'));
  try {
    const pkg = `node-${process.platform}-${process.arch}@24`;
    const pack = spawnSync('npm', ['pack', pkg, '--silent', '--pack-destination', tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const tgz = pack.stdout?.trim().split('\n').pop();
    if (pack.status !== 0 || !tgz) {
      console.error(`provision: \`npm pack ${pkg}\` failed (exit ${pack.status}); the trust store test needs Node 24 in .cache/node24`);
      process.exit(1);
    }
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(dest, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', path.join(tmp, tgz), '-C', dest, '--strip-components=1'], { stdio: 'inherit' });
    if (untar.status !== 0 || !/^v24\./.test(version() ?? '')) {
      console.error(`provision: unpacking ${tgz} into .cache/node24 failed`);
      process.exit(1);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`provision: Node ${version()} installed into .cache/node24 (${Math.round((Date.now() - started) / 1000)} s)`);
}

/** Runs install-code-server.sh (idempotent); resolves with its exit status. */
function runCodeServerInstall() {
  return new Promise((resolve) => {
    const child = spawn('bash', [installCodeServer], { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
}

/** apt-get, non-interactive; exits with the command to run by hand when it fails. */
function apt(args, install) {
  const r = spawnSync('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error(`provision: apt-get ${args[0]} failed (exit ${r.status ?? r.signal}); run it yourself: ${install}`);
    process.exit(1);
  }
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
