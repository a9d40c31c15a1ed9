// Where the repository is, from compiled (out/test/...) and source (test/...) files alike.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The nearest folder above `start` with the extension's package.json and a tsconfig.json (out/
 * holds a copy of package.json, emitted because src imports it).
 */
export function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'tsconfig.json'))) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'mediawiki-sessions') return dir;
      } catch {
        // keep looking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no mediawiki-sessions package.json above ${start}`);
  }
}

export const repoRoot: string = findRepoRoot(__dirname);
