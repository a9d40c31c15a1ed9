/**
 * Extension-host side of the real-VS-Code tests: VS Code loads this module (payload
 * extensionTestsPath) inside the extension host, with the extension under development loaded, and
 * calls run(). run() resolving means exit code 0, rejecting means 1; the code reaches the test
 * runner through the workbench's codeAutomationExit.
 *
 * Runs every compiled out/test/vscode/suite/**\/*.test.js with mocha (BDD: describe/it).
 */
import { format } from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { GREP_ENV, SUITE_OUTPUT_MARKER, listTestFiles } from '../protocol';

export async function run(): Promise<void> {
  // Route mocha's report through console.log, marked, so host.ts can tell it apart from the
  // workbench log; one console.log call per line keeps the order intact.
  // (Only in the browser workbench: desktop VS Code prints extension-host output as it is.)
  const marker = vscode.env.uiKind === vscode.UIKind.Web ? SUITE_OUTPUT_MARKER : '';
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  base.useColors = false;
  base.consoleLog = (...args: unknown[]) => {
    for (const line of format(...args).split('\n')) console.log(`${marker}${line}`);
  };

  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 60_000,
    slow: 5_000,
    color: false,
    grep: process.env[GREP_ENV] || undefined,
  });

  const files = listTestFiles(__dirname, '.test.js', (m) => console.log(`${marker}WARNING: ${m}`));
  for (const file of files) mocha.addFile(file);
  if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);

  await mocha.loadFilesAsync();
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
