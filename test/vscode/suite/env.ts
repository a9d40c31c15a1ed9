/**
 * Values the Node-side test runner passes to the extension-host suite.
 *
 * - Plain env vars: whatever is in runExtensionHostSuite({ env }) / the setup hook's `env` is in
 *   process.env here (the extension host inherits code-server's environment).
 * - Structured data: runExtensionHostSuite({ context }) is written to a JSON file whose path is in
 *   $MWS_VSCODE_TEST_CONTEXT; read it with testContext().
 */
import * as fs from 'node:fs';
import { CONTEXT_ENV } from '../protocol';

/** The JSON `context` given to the runner, or undefined when none was given. */
export function testContext<T = Record<string, unknown>>(): T | undefined {
  const file = process.env[CONTEXT_ENV];
  if (!file) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}
