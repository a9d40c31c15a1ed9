// The workbench driver: Debian's Chromium (playwright-core) on a code-server, optionally as an
// extension-development / extension-test window, with the workbench's log and exit reported back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumBin } from '../prerequisites';
import { onCleanup } from './cleanup';
import { verbose, type CodeServer } from './codeServer';

export interface OpenWorkbenchOptions {
  /** Load this folder as the extension under development (payload extensionDevelopmentPath). */
  extensionDevelopmentPath?: string;
  /** Compiled test runner module (exports run()); makes this an extension-test window. */
  extensionTestsPath?: string;
  /** Folder to open; defaults to server.workspace. */
  folder?: string;
  /** Called for every codeAutomationLog message (workbench log, incl. extension host output). */
  onLog?: (level: string, message: string) => void;
  /** Called when the workbench reports the end of an extension test run. */
  onExit?: (code: number) => void;
  /** Called for every browser console message (the workbench's, and extension errors it reports). */
  onBrowserConsole?: (type: string, text: string) => void;
  /** Forward browser console messages to stderr ($VSCODE_TEST_VERBOSE also enables this). */
  browserConsole?: boolean;
  /** Wait until the workbench is visible (default true). */
  waitForWorkbench?: boolean;
  viewport?: { width: number; height: number };
  /**
   * Origins VS Code opens without asking "Do you want code-server to open the external website?"
   * (patterns as in "Manage Trusted Domains", e.g. `http://127.0.0.2:*`), stored before the workbench
   * starts, as if the user had chosen "Configure Trusted Domains". Extension-test windows refuse
   * every dialog, so env.openExternal of any other origin fails there.
   */
  trustedDomains?: string[];
}

export interface Workbench {
  page: Page;
  context: BrowserContext;
  url: string;
  close(): Promise<void>;
}

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--password-store=basic',
  '--use-mock-keychain',
];

/** vscode-remote URI for a local absolute path on this server. */
function remoteUri(server: CodeServer, absPath: string): string {
  const p = path.resolve(absPath).split(path.sep).map(encodeURIComponent).join('/');
  return `vscode-remote://${server.host}:${server.port}${p}`;
}

function workbenchUrl(server: CodeServer, options: OpenWorkbenchOptions = {}): string {
  const payload: [string, string][] = [];
  if (options.extensionDevelopmentPath) {
    payload.push(['extensionDevelopmentPath', remoteUri(server, options.extensionDevelopmentPath)]);
  }
  if (options.extensionTestsPath) {
    payload.push(['extensionTestsPath', remoteUri(server, options.extensionTestsPath)]);
  }
  const query = new URLSearchParams({ folder: path.resolve(options.folder ?? server.workspace) });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

let browserCount = 0;

export async function openWorkbench(server: CodeServer, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  // Resolved from the project's node_modules (devDependency playwright-core).
  const { chromium } = await import('playwright-core');
  const profile = path.join(server.runDir, `chromium-${++browserCount}`);
  fs.mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumBin(),
    headless: true,
    args: chromiumArgs,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    env: server.env as Record<string, string>,
    // Our own handlers (cleanupAll) close browsers *and* servers; Playwright's would exit at once.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      unregister();
      await context.close().catch(() => undefined);
    })();
    return closed;
  };
  const unregister = onCleanup(close);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.exposeFunction('codeAutomationLog', (level: unknown, args: unknown) => {
      const message = formatLogArgs(args);
      options.onLog?.(String(level), message);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      options.onExit?.(typeof code === 'number' ? code : 1);
    });
    if (options.onBrowserConsole) {
      const cb = options.onBrowserConsole;
      page.on('console', (msg) => cb(msg.type(), msg.text()));
      page.on('pageerror', (err) => cb('pageerror', err.message));
    }
    if (options.browserConsole || verbose()) {
      page.on('console', (msg) => process.stderr.write(`[browser ${msg.type()}] ${msg.text()}\n`));
      page.on('pageerror', (err) => process.stderr.write(`[browser pageerror] ${err.message}\n`));
    }
    const url = workbenchUrl(server, options);
    if (options.trustedDomains?.length) await seedTrustedDomains(page, server, options.trustedDomains);
    await page.goto(url);
    if (options.waitForWorkbench ?? true) {
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      // The status bar is among the last parts to render.
      await page.locator('#workbench\\.parts\\.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    }
    return { page, context, url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Writes the trusted-domain list where the web workbench keeps it: application storage, i.e. the
 * IndexedDB database vscode-web-state-db-global, store ItemTable, key http.linkProtectionTrustedDomains
 * (VS Code 1.99). Done on a same-origin page before the workbench loads and reads its storage.
 */
/** The little of IndexedDB that seedTrustedDomains uses. */
interface IdbRequest {
  result: {
    createObjectStore(name: string): unknown;
    transaction(store: string, mode: 'readwrite'): {
      objectStore(name: string): { put(value: unknown, key: string): unknown };
      oncomplete: (() => void) | null;
      onerror: (() => void) | null;
      error: unknown;
    };
    close(): void;
  };
  error: unknown;
  onupgradeneeded: (() => void) | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

async function seedTrustedDomains(page: Page, server: CodeServer, domains: string[]): Promise<void> {
  await page.goto(`${server.url}/healthz`);
  await page.evaluate(
    (value) =>
      new Promise<void>((resolve, reject) => {
        // (runs in the browser; this project compiles without the DOM typings)
        const idb = (globalThis as unknown as { indexedDB: { open(name: string): IdbRequest } }).indexedDB;
        const open = idb.open('vscode-web-state-db-global');
        open.onupgradeneeded = () => open.result.createObjectStore('ItemTable');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('ItemTable', 'readwrite');
          tx.objectStore('ItemTable').put(value, 'http.linkProtectionTrustedDomains');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    JSON.stringify(domains),
  );
}

function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return list.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' ');
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
