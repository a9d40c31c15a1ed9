/**
 * What the Node-side runner (host.ts, run.ts) and the extension-host side (suite/) share.
 * Loaded on both sides: Node built-ins only (no vscode, no playwright).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The suite runner prints every line of mocha's report through console.log with this prefix.
 * Extension-host console output reaches the test runner through the workbench's
 * codeAutomationLog, mixed with the workbench's own log; the marker picks out the report.
 */
export const SUITE_OUTPUT_MARKER = '\u2063mws-suite\u2063';

/** Env var holding the path of a JSON file with the `context` given to runExtensionHostSuite(). */
export const CONTEXT_ENV = 'MWS_VSCODE_TEST_CONTEXT';

/** Env var: mocha --grep for the extension-host suite. */
export const GREP_ENV = 'MWS_VSCODE_TEST_GREP';

/**
 * Compiled test files under `dir` ending in `suffix`, sorted, minus stale ones: a .js in out/
 * whose .ts source was deleted (tsc never removes outputs) is skipped with a warning.
 */
export function listTestFiles(dir: string, suffix: string, warn: (message: string) => void): string[] {
  const marker = `${path.sep}out${path.sep}`;
  const files: string[] = [];
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!rel.endsWith(suffix)) continue;
    const file = path.join(dir, rel);
    const at = file.lastIndexOf(marker);
    if (at !== -1) {
      const source = `${file.slice(0, at)}${path.sep}${file.slice(at + marker.length)}`.replace(/\.js$/, '.ts');
      if (fs.existsSync(path.dirname(source)) && !fs.existsSync(source)) {
        warn(`skipping stale ${file}: ${source} no longer exists`);
        continue;
      }
    }
    files.push(file);
  }
  return files;
}
