/**
 * Apply coalescing (seed 000: a write is saved, and only "Apply changes" makes it
 * live). Reloading a PBX takes time, so one `pulumi up` must not apply once per
 * resource: every operation of a burst on a site waits for one shared apply.
 *
 * An operation calls `afterWrite()` once its write was acknowledged and resolves
 * when an apply that started after that moment has succeeded. A failed apply fails
 * exactly the operations it carried; writes acknowledged while an apply is running
 * wait for the next one, because the running apply may not include them.
 */
export interface ApplyCoalescerOptions {
  /** Runs the site's apply (POST …/apply). */
  apply: () => Promise<unknown>;
  /** Quiet time after the last write before applying: lets a burst gather. */
  quietMs?: number;
  /** Longest an acknowledged write waits before an apply starts, however busy the burst. */
  maxWaitMs?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class ApplyCoalescer {
  private readonly apply: () => Promise<unknown>;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;
  private pending: Waiter[] = [];
  private firstPendingAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** How many applies this coalescer has run (for tests and the benchmark). */
  applies = 0;

  constructor(opts: ApplyCoalescerOptions) {
    this.apply = opts.apply;
    this.quietMs = opts.quietMs ?? 150;
    this.maxWaitMs = opts.maxWaitMs ?? 3000;
  }

  /** Resolves once an apply that covers a write acknowledged before this call has succeeded. */
  afterWrite(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending.length === 0) this.firstPendingAt = Date.now();
      this.pending.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return; // the running apply reschedules when it ends
    if (this.timer) clearTimeout(this.timer);
    const waited = Date.now() - this.firstPendingAt;
    const delay = Math.max(0, Math.min(this.quietMs, this.maxWaitMs - waited));
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.running = true;
    try {
      this.applies++;
      await this.apply();
      for (const w of batch) w.resolve();
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.running = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}
