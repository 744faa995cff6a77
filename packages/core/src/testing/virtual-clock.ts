import type { Clock } from '../time.js';

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly resolve: () => void;
}

/**
 * A clock whose time moves only when nothing else can: each time the process goes idle (no pending
 * I/O callbacks or microtasks reach the next check phase), time jumps to the earliest sleeper and
 * wakes it. Retries that would take minutes finish in milliseconds, in the right order, without
 * fake timers. Use it only with in-process providers (a real HTTP call would see time jump under it).
 */
export class VirtualClock implements Clock {
  private time: number;
  private readonly timers: Timer[] = [];
  private sequence = 0;
  private scheduled = false;
  private readonly randomSource: () => number;
  private readonly auto: boolean;

  /**
   * @param options.start epoch ms to start at (default 2026-01-01)
   * @param options.random the random source (default Math.random)
   * @param options.auto jump to the next sleeper whenever idle (default true); false: only `advance()` moves time
   */
  constructor(options: { start?: number; random?: () => number; auto?: boolean } = {}) {
    this.time = options.start ?? Date.UTC(2026, 0, 1);
    this.randomSource = options.random ?? Math.random;
    this.auto = options.auto ?? true;
  }

  now(): number {
    return this.time;
  }

  random(): number {
    return this.randomSource();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        order: this.sequence++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.timers.indexOf(timer);
        if (index >= 0) this.timers.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });
  }

  /**
   * Move time forward by `ms`, waking every sleeper due by then in order, and letting each woken
   * task run (and schedule more) before the next. Await it.
   */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (let timer = this.nextDue(until); timer; timer = this.nextDue(until)) {
      this.time = timer.at;
      timer.resolve();
      await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    }
    this.time = until;
  }

  /** How many sleepers are waiting. */
  get pending(): number {
    return this.timers.length;
  }

  private nextDue(until: number): Timer | undefined {
    if (this.timers.length === 0) return undefined;
    this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
    if (this.timers[0]!.at > until) return undefined;
    return this.timers.shift();
  }

  private schedule(): void {
    if (this.scheduled || !this.auto) return;
    this.scheduled = true;
    // Two turns of the event loop let every promise chain that is already runnable run first.
    setImmediate(() =>
      setImmediate(() => {
        this.scheduled = false;
        const timer = this.nextDue(Number.POSITIVE_INFINITY);
        if (!timer) return;
        this.time = Math.max(this.time, timer.at);
        timer.resolve();
        if (this.timers.length > 0) this.schedule();
      }),
    );
  }
}
