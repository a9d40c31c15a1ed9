// One answer awaited from the browser (a REDIRECT return, an OAuth redirect) with a deadline and a
// cancellation token: the listeners deliver into it, a login waits on it. At most one waiter.
import type * as vscode from 'vscode';

export class AwaitedAnswer<T> {
  private pending: { resolve: (value: T) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;

  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Waits for `deliver`. After `timeoutMs` it fails with `onTimeout()`, on cancellation with
   * `onCancel()` (either may also close the listener before it returns its error).
   */
  wait(timeoutMs: number, token: vscode.CancellationToken | undefined, onTimeout: () => Error, onCancel: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.timer === timer) this.pending = undefined;
        reject(onTimeout());
      }, timeoutMs);
      this.pending = { resolve, reject, timer };
      token?.onCancellationRequested(() => {
        if (this.pending?.timer !== timer) return;
        clearTimeout(timer);
        this.pending = undefined;
        reject(onCancel());
      });
    });
  }

  /** Hands the answer to the waiter; false when nothing waits. */
  deliver(value: T): boolean {
    const p = this.pending;
    if (!p) return false;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(value);
    return true;
  }

  /** Fails the waiter, if there is one. */
  fail(e: Error): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.reject(e);
  }
}
