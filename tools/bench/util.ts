// Small helpers for the benchmark: statistics, formatting, alternation.

export { repoRoot } from '../../test/repo';

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Values that occurred, e.g. request counts per login: "2" or "2-4". */
export function range(values: readonly number[]): string {
  if (values.length === 0) return 'n/a';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

export function ms(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;
}

export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return `${(a / b).toFixed(2)}x`;
}

export function perSecond(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')}/s` : 'n/a';
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export const sleep = (msecs: number): Promise<void> => new Promise((r) => setTimeout(r, msecs));

/**
 * Runs the contenders in alternation for `rounds` rounds, collecting each contender's samples.
 * Orders: the rotations (A B C, B C A, C A B), then the same reversed (C B A, A C B, B A C), so that
 * over 2n rounds every contender follows every other equally often. Rotations alone are not
 * balanced that way: with three contenders, A runs right after C in two rounds of three and B in
 * one, so whatever C leaves behind (garbage, sockets, timers: mwn is C in the overhead bench) lands
 * on A twice as often.
 */
export async function alternate<K extends string, T>(
  rounds: number,
  contenders: Record<K, (round: number) => Promise<T>>,
  between?: (round: number) => Promise<void>,
): Promise<Record<K, T[]>> {
  const names = Object.keys(contenders) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as T[]])) as Record<K, T[]>;
  for (let r = 0; r < rounds; r++) {
    for (const name of roundOrder(names, r)) {
      await between?.(r);
      out[name].push(await contenders[name](r));
    }
  }
  return out;
}

/** Round r's order: rotation r mod n, reversed in every other block of n rounds. */
export function roundOrder<K>(names: readonly K[], r: number): K[] {
  const n = names.length;
  const rotated = names.map((_, i) => names[(r + i) % n]!);
  return Math.floor(r / n) % 2 === 1 ? rotated.reverse() : rotated;
}

/**
 * Between two contenders' turns: collect the garbage the last one left (with node --expose-gc, as
 * `npm run bench` runs), so that it is not charged to the next. Without it mwn's garbage, collected
 * during ours' turn, made ours look 1.2-1.4x slower than raw undici per call where a side-by-side run
 * of the two alone measured 1.09x.
 */
export async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setImmediate(r));
}

/** `a[i] / b[i]` per round, as median and range: rounds next to each other in time share the load. */
export function pairedRatio(a: readonly number[], b: readonly number[]): { median: number; min: number; max: number } {
  const r = a.map((x, i) => x / b[i]!).filter((x) => Number.isFinite(x));
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
