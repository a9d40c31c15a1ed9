/**
 * Real-VS-Code test host: code-server driven in Debian's Chromium through playwright-core. See
 * test/vscode/README.md. One import for the UI tests and tools; each part is its own file:
 * codeServer.ts (start-up), workbench.ts (the browser driver), suiteRunner.ts (the extension-host
 * suite), quickInput.ts and workbenchParts.ts (UI helpers), cleanup.ts (the cleanup registry).
 *
 * Runs in plain Node (the test runner side), never inside the extension host.
 */
export { repoRoot } from '../repo';
export { freePort } from '../net/ports';
export { chromiumBin, codeServerBin } from '../prerequisites';
export { cleanupAll, onCleanup } from './cleanup';
export { CODE_SERVER_VERSION, sleep, startCodeServer, type CodeServer, type StartCodeServerOptions } from './codeServer';
export { openWorkbench, type OpenWorkbenchOptions, type Workbench } from './workbench';
export { runExtensionHostSuite, type RunExtensionHostSuiteOptions } from './suiteRunner';
export { openCommandPalette, pickQuickPickItem, quickPickLabels, runCommand, typeInInputBox } from './quickInput';
export { notifications, screenshot, screenshotsDir, statusBarText } from './workbenchParts';
