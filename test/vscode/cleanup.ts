// The cleanup registry of the VS Code test runs: everything started (code-server, browsers, a test
// wiki from a setup hook) is stopped on exit, SIGINT, SIGTERM and SIGHUP, newest first.

const cleanups = new Set<() => Promise<void>>();
let signalHandlersInstalled = false;

/**
 * Registers work to do when the run ends or is interrupted (SIGINT/SIGTERM): e.g. stopping a test
 * wiki started by a setup hook. Returns a function that unregisters it.
 */
export function onCleanup(fn: () => Promise<void>): () => void {
  installSignalHandlers();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every pending cleanup (stop servers, close browsers). Safe to call more than once. */
export async function cleanupAll(): Promise<void> {
  // Newest first, one at a time: browsers close before the server whose run folder holds their profile.
  const fns = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of fns) await fn().catch(() => undefined);
}

function installSignalHandlers(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[vscode-test] ${signal}: stopping code-server and Chromium ...\n`);
      const hardExit = setTimeout(() => process.exit(130), 10_000);
      hardExit.unref();
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  // Last resort on a synchronous exit: kill process groups we know about.
  process.once('exit', () => {
    for (const pgid of livePgids) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Process groups of running code-servers, killed on a synchronous exit. */
export const livePgids = new Set<number>();
