import { type Clock, systemClock } from '../time.js';

/**
 * Delayed work the engine hands off: a greylisting failover, a re-check when a deferral window
 * ends. In one process a timer runs it; `@mailover/redis` runs it on BullMQ so that any live
 * instance picks it up, even after the one that scheduled it died.
 */
export interface Scheduler {
  /** Register the function that runs jobs called `name`. */
  handle(name: string, run: (payload: string) => Promise<void>): void;
  /** Run job `name` with `payload` after `delayMs`. `jobId` makes scheduling idempotent. */
  schedule(name: string, payload: string, delayMs: number, jobId?: string): Promise<void>;
  /** Resolves when no job is running or due now (later timers do not count). */
  idle(): Promise<void>;
  /** Stop taking jobs, wait for running ones, and release resources. */
  close(): Promise<void>;
}

/** In-process scheduler: unref'd timers (or the injected clock), errors reported as warnings. */
export function timerScheduler(clock: Clock = systemClock): Scheduler {
  const handlers = new Map<string, (payload: string) => Promise<void>>();
  const running = new Set<Promise<void>>();
  const scheduled = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const run = (name: string, payload: string, jobId?: string) => {
    if (jobId) scheduled.delete(jobId);
    const handler = handlers.get(name);
    if (!handler || closed) return;
    const job = handler(payload)
      .catch((error: unknown) => process.emitWarning(`mailover: job '${name}' failed: ${String(error)}`))
      .finally(() => running.delete(job));
    running.add(job);
  };

  return {
    handle(name, handler) {
      handlers.set(name, handler);
    },
    async schedule(name, payload, delayMs, jobId) {
      if (closed) return;
      if (jobId) {
        if (scheduled.has(jobId)) return;
        scheduled.add(jobId);
      }
      if (delayMs <= 0) {
        run(name, payload, jobId);
        return;
      }
      if (clock === systemClock) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          run(name, payload, jobId);
        }, delayMs);
        timer.unref();
        timers.add(timer);
      } else {
        clock.sleep(delayMs).then(() => run(name, payload, jobId));
      }
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...running]);
    },
  };
}
