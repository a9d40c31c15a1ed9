/**
 * What the Node-side runner (host.ts, run.ts) and the extension-host side (suite/) share.
 * Keep this module free of imports: it is loaded on both sides.
 */

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
