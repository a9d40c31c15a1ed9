// Figures for the reliability section of CONTRIBUTING.md, recorded by the tests themselves (never by hand).
// Each producer (core mocha run, extension-host suite, secret scan) writes its own file
// test-output/reliability-<part>.json when its process exits; tools/reliability/figures.ts merges them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../repo';

export interface FaultRecord {
  fault: string;
  method: 'GET' | 'POST';
  /** Where the fault came from: the real wiki, or a loopback server/proxy written for the test. */
  source: 'real wiki' | 'real wiki + proxy' | 'loopback';
  attempts: number;
  elapsedMs: number;
  /** The error code the caller got (or "ok"). */
  code: string;
}

export interface PartFigures {
  part: string;
  writtenAt: string;
  faults: FaultRecord[];
  badInputs: { input: string; code: string }[];
  /** Largest number of concurrent calls a test held through one session event, by test. */
  concurrent: { test: string; calls: number; relogins: number; failures: number }[];
  secretScan?: { filesScanned: number; secretsChecked: number; hits: number; excluded: string[] };
  extra: Record<string, number | string>;
}

export { repoRoot };
export const outputDir = path.join(repoRoot, 'test-output');

const parts = new Map<string, PartFigures>();

export function figures(part: string): PartFigures {
  let f = parts.get(part);
  if (!f) {
    f = { part, writtenAt: '', faults: [], badInputs: [], concurrent: [], extra: {} };
    parts.set(part, f);
    if (parts.size === 1) process.once('exit', writeAll);
  }
  return f;
}

export function writeAll(): void {
  fs.mkdirSync(outputDir, { recursive: true });
  for (const f of parts.values()) {
    f.writtenAt = new Date().toISOString();
    fs.writeFileSync(path.join(outputDir, `reliability-${f.part}.json`), `${JSON.stringify(f, null, 2)}\n`);
  }
}
