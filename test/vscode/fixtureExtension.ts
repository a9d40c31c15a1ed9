// Test-only extensions (test/vscode/sibling, test/vscode/packInstaller) as installable folders:
// their package.json from the source tree and their compiled extension.js from out/, copied into a
// temp folder that startCodeServer({ linkExtension }) links into the extensions folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../repo';
import { onCleanup } from './cleanup';

/** A temp folder holding `extension/` (the installable extension) for the fixture named `name`. */
export function installableExtension(name: 'sibling' | 'packInstaller'): { root: string; dir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `mws-${name}-`));
  onCleanup(async () => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'extension');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(repoRoot, 'test', 'vscode', name, 'package.json'), path.join(dir, 'package.json'));
  fs.copyFileSync(path.join(__dirname, name, 'extension.js'), path.join(dir, 'extension.js'));
  return { root, dir };
}
