// The one prerequisite check of the tests and tools: what is missing, and the command that installs
// it. `npm start` and `npm test` install everything first (test/provision.mjs, from
// test/debian-packages.json); these checks are for the other ways in (a subset, a tool).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import debianPackages from './debian-packages.json';
import { repoRoot } from './repo';
import { MW_DIR, PHP } from './wiki/constants';

type Group = Exclude<keyof typeof debianPackages, '//'>;

function missingPackages(group: Group, missing: string[]): Error {
  const all = (debianPackages[group] as { packages: string[] }).packages.join(' ');
  return new Error(
    `Missing Debian packages: ${missing.join(' ')}.\n` +
      `Install them with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${all}\n` +
      '(or run `node test/provision.mjs test`, which installs everything the tests need)',
  );
}

/** The test wiki needs MediaWiki 1.39, PHP and SQLite (group "wiki"). */
export function checkPrerequisites(): void {
  const missing: string[] = [];
  if (!fs.existsSync(path.join(MW_DIR, 'maintenance', 'install.php'))) missing.push('mediawiki');
  const php = spawnSync(PHP, ['-m'], { encoding: 'utf8' });
  if (php.status !== 0) missing.push('php-cli', 'php-sqlite3');
  else if (!/pdo_sqlite/i.test(php.stdout)) missing.push('php-sqlite3');
  if (missing.length > 0) throw missingPackages('wiki', missing);
}

/** code-server binary: $CODE_SERVER_BIN, else the project-local install. */
export function codeServerBin(): string {
  const bin = process.env.CODE_SERVER_BIN ?? path.join(repoRoot, '.cache', 'code-server', 'bin', 'code-server');
  if (!fs.existsSync(bin)) {
    throw new Error(`code-server not found at ${bin}: run test/vscode/install-code-server.sh (or node test/provision.mjs test) first`);
  }
  return bin;
}

/** Chromium binary: $CHROMIUM_BIN, else Debian's. */
export function chromiumBin(): string {
  const bin = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
  if (!fs.existsSync(bin)) throw missingPackages('browser', ['chromium']);
  return bin;
}

/** Node 24 (the trust store test runs the core under it): .cache/node24, installed by test/provision.mjs. */
export function node24Bin(): string {
  const bin = path.join(repoRoot, '.cache', 'node24', 'bin', 'node');
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!/^v24\./.test(version)) {
    throw new Error(`Node 24 not found at ${bin}: run \`node test/provision.mjs test\` (it unpacks npm's node-${process.platform}-${process.arch}@24 there)`);
  }
  return bin;
}
