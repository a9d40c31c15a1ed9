/**
 * The same extension-host suite (out/test/vscode/suite/index.js) in desktop VS Code (Electron),
 * through @vscode/test-electron: `npm run test:electron` = `node out/test/vscode/electron.js`.
 *
 * test-electron downloads VS Code from update.code.visualstudio.com, which is not reachable on the
 * project's build machines: there, use run.ts (code-server) instead. Where it is reachable:
 *   xvfb-run -a node out/test/vscode/electron.js [--grep PATTERN] [--setup MODULE]...
 * or set VSCODE_EXECUTABLE to an installed VS Code 1.99.x binary to skip the download.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './host';
import { CONTEXT_ENV, GREP_ENV } from './protocol';
import { loadSetup, type SetupResult } from './run';

/** Same minor as engines.vscode / @types/vscode and as code-server 4.99.4 (VS Code 1.99.3). */
const VSCODE_VERSION = '1.99.3';

async function main(argv: string[]): Promise<number> {
  let grep: string | undefined;
  const setupModules: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--grep' && argv[i + 1] !== undefined) grep = argv[++i];
    else if (argv[i] === '--setup' && argv[i + 1] !== undefined) setupModules.push(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }

  const cache = path.join(repoRoot, '.cache', 'vscode-test');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-vscode-electron-'));
  const workspace = path.join(runDir, 'workspace');
  fs.mkdirSync(workspace);
  const teardowns: NonNullable<SetupResult['teardown']>[] = [];
  try {
    const env: Record<string, string> = { MWS_VSCODE_TEST_PROBE: 'extension-host-env-ok' };
    let context: Record<string, unknown> = { probe: 'context-file-ok' };
    for (const module of setupModules) {
      const result = (await loadSetup(module)()) ?? {};
      if (result.teardown) teardowns.unshift(result.teardown);
      Object.assign(env, result.env);
      context = { ...context, ...result.context };
    }
    env[CONTEXT_ENV] = path.join(runDir, 'context.json');
    fs.writeFileSync(env[CONTEXT_ENV], JSON.stringify(context, null, 2), { mode: 0o600 });
    if (grep) env[GREP_ENV] = grep;

    return await runTests({
      version: VSCODE_VERSION,
      cachePath: cache,
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      extensionTestsEnv: env,
      launchArgs: [
        workspace,
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        '--no-sandbox', // needed as root (CI containers)
        `--user-data-dir=${path.join(runDir, 'user-data')}`,
        `--extensions-dir=${path.join(runDir, 'extensions')}`,
      ],
    });
  } finally {
    for (const teardown of teardowns) await teardown().catch((e) => console.error('teardown failed:', e));
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[vscode-test:electron] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
