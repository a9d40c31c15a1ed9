/**
 * Root hooks for the UI tests (plain mocha in Node, driving the workbench with Playwright):
 * one code-server and one workbench window for the whole UI run, with the extension under
 * development loaded (or a .vsix installed, when $VSCODE_TEST_VSIX is set).
 *
 * run.ts passes these as rootHooks; `mocha --require out/test/vscode/ui/hooks.js` works too.
 * Tests get the window with workbench(), the server with codeServer().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Mocha from 'mocha';
import {
  type CodeServer,
  type Workbench,
  openWorkbench,
  repoRoot,
  screenshot,
  startCodeServer,
} from '../host';
import { installableExtension } from '../fixtureExtension';

let server: CodeServer | undefined;
let current: Workbench | undefined;

/** The workbench window the UI tests share. */
export function workbench(): Workbench {
  if (!current) throw new Error('workbench not started: run UI tests through run.ts or with --require out/test/vscode/ui/hooks.js');
  return current;
}

/** The code-server the UI tests share. */
export function codeServer(): CodeServer {
  if (!server) throw new Error('code-server not started');
  return server;
}

/**
 * The test sibling extension (test/vscode/sibling) as an installable folder, plus the folder it
 * exchanges requests and results through.
 */
function installableSibling(): { dir: string; io: string } {
  const { root, dir } = installableExtension('sibling');
  const io = path.join(root, 'io');
  fs.mkdirSync(io);
  return { dir, io };
}

export const mochaHooks: Mocha.RootHookObject = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    const vsix = process.env.VSCODE_TEST_VSIX;
    // A second, separate extension that uses ours as any other extension would (sibling.ui.ts).
    const sibling = installableSibling();
    process.env.MWS_SIBLING_DIR = sibling.io;
    server = await startCodeServer({ vsix: vsix || undefined, linkExtension: sibling.dir });
    current = await openWorkbench(server, { extensionDevelopmentPath: vsix ? undefined : repoRoot });
  },
  async afterEach(this: Mocha.Context) {
    const test = this.currentTest;
    if (current && test?.state === 'failed') {
      const file = await screenshot(current.page, `FAILED ${test.fullTitle()}`).catch(() => undefined);
      if (file) process.stderr.write(`  screenshot: ${file}\n`);
    }
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await current?.close();
    await server?.stop();
    current = undefined;
    server = undefined;
  },
};
