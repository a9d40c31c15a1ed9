// The extension-host suite runner: code-server plus an extension-test window whose mocha output
// (marked lines, see protocol.ts) is printed here; resolves with the exit code the suite reported.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onCleanup } from './cleanup';
import { startCodeServer, verbose, type CodeServer } from './codeServer';
import { CONTEXT_ENV, GREP_ENV, SUITE_OUTPUT_MARKER } from './protocol';
import { openWorkbench, type Workbench } from './workbench';

export interface RunExtensionHostSuiteOptions {
  extensionDevelopmentPath: string;
  /** Compiled runner module exporting run(): default out/test/vscode/suite/index.js. */
  extensionTestsPath: string;
  /** Environment for code-server and therefore for the suite inside the extension host. */
  env?: Record<string, string>;
  /**
   * JSON-serialisable data for the suite: written to a file whose path is passed in
   * $MWS_VSCODE_TEST_CONTEXT; read it with testContext() from suite/env.ts.
   */
  context?: unknown;
  /** mocha --grep for the suite. */
  grep?: string;
  settings?: Record<string, unknown>;
  workspace?: string;
  /** Whole run, including start-up. Default 5 minutes. */
  timeoutMs?: number;
  /** Reuse a running server instead of starting (and stopping) one. */
  server?: CodeServer;
  /** See OpenWorkbenchOptions.trustedDomains. */
  trustedDomains?: string[];
  /** Where output goes; default process.stdout. */
  out?: NodeJS.WritableStream;
}

/**
 * Starts code-server, opens a workbench window in extension-test mode and resolves with the exit
 * code the suite reported (0 = all passed). Extension-host output (mocha's reporter) is printed.
 */
export async function runExtensionHostSuite(options: RunExtensionHostSuiteOptions): Promise<number> {
  const out = options.out ?? process.stdout;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const env: Record<string, string> = { ...options.env };
  if (options.grep) env[GREP_ENV] = options.grep;
  let contextDir: string | undefined;
  let removeContextDir: (() => void) | undefined;
  if (options.context !== undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mws-vscode-context-'));
    contextDir = dir;
    removeContextDir = onCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
    env[CONTEXT_ENV] = path.join(contextDir, 'context.json');
    fs.writeFileSync(env[CONTEXT_ENV], JSON.stringify(options.context, null, 2), { mode: 0o600 });
  }
  if (options.server && Object.keys(env).length) {
    throw new Error('runExtensionHostSuite: env/context/grep cannot be applied to an already running server');
  }
  let server: CodeServer;
  try {
    server =
      options.server ?? (await startCodeServer({ env, settings: options.settings, workspace: options.workspace }));
  } catch (error) {
    removeContextDir?.();
    if (contextDir) fs.rmSync(contextDir, { recursive: true, force: true });
    throw error;
  }
  let workbench: Workbench | undefined;
  try {
    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (resolveExit = resolve));
    workbench = await openWorkbench(server, {
      extensionDevelopmentPath: options.extensionDevelopmentPath,
      extensionTestsPath: options.extensionTestsPath,
      waitForWorkbench: false,
      trustedDomains: options.trustedDomains,
      onLog: (level, message) => {
        const line = extensionHostLine(message);
        if (line !== undefined) out.write(line.endsWith('\n') ? line : `${line}\n`);
        else if (verbose() || (level === 'error' && message !== 'Canceled')) {
          process.stderr.write(`[workbench ${level}] ${message}\n`);
        }
      },
      onExit: (code) => resolveExit(code),
      // Activation failures of the extension under test show up only in the browser console.
      onBrowserConsole: verbose()
        ? undefined
        : (type, text) => {
            if ((type === 'error' || type === 'pageerror') && /Activating extension|extension host/i.test(text)) {
              process.stderr.write(`[workbench ${type}] ${text}\n`);
            }
          },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        process.stderr.write(`[vscode-test] extension-host suite timed out after ${timeoutMs} ms\n`);
        resolve(124);
      }, timeoutMs);
    });
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    return code;
  } finally {
    await workbench?.close();
    if (!options.server) await server.stop();
    removeContextDir?.();
    if (contextDir) fs.rmSync(contextDir, { recursive: true, force: true });
  }
}

function extensionHostLine(message: string): string | undefined {
  const at = message.indexOf(SUITE_OUTPUT_MARKER);
  return at === -1 ? undefined : message.slice(at + SUITE_OUTPUT_MARKER.length);
}
