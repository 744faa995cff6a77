import { ConfigurationError } from '../adapter-kit.js';
import { MailoverError } from '../errors.js';
import { type Clock, systemClock } from '../time.js';
import type { JobOutcome, NewJob, Queue, QueuedJob, QueueStats } from './queue.js';

/**
 * The zero-configuration queue: jobs in a Map, run by this process. NOT durable: jobs die with the
 * process, and another instance never sees them. For development, tests and one-process services
 * that accept that; use `@mailover/redis` or `@mailover/postgres` for a queue that survives.
 */
export function memoryQueue(clock: Clock = systemClock): Queue {
  const waiting = new Map<string, NewJob>();
  const running = new Set<Promise<void>>();
  let run: ((job: QueuedJob) => Promise<JobOutcome>) | undefined;
  let concurrency = 1;
  let closed = false;
  let wake: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  /** The next due job: earliest time, then highest priority, then first added. */
  const next = (now: number): NewJob | undefined => {
    let best: NewJob | undefined;
    for (const job of waiting.values()) {
      if (job.runAt > now) continue;
      if (!best || job.priority > best.priority) best = job;
    }
    return best;
  };

  const pump = () => {
    if (!run || closed) return;
    while (running.size < concurrency) {
      const job = next(clock.now());
      if (!job) break;
      waiting.delete(job.id);
      const task = run(job)
        .then((outcome) => {
          if (outcome.type === 'retry' && !closed) waiting.set(job.id, { ...job, runAt: outcome.at });
        })
        .catch((error: unknown) => {
          process.emitWarning(`mailover: queued job ${job.id} failed: ${String(error)}`);
          waiting.set(job.id, { ...job, runAt: clock.now() + 1_000 });
        })
        .finally(() => {
          running.delete(task);
          pump();
        });
      running.add(task);
    }
    arm();
  };

  /** Wake up for the earliest job not yet due (an unref'd timer: a waiting job keeps no process up). */
  const arm = () => {
    if (timer) clearTimeout(timer);
    wake?.abort();
    timer = undefined;
    wake = undefined;
    if (closed || !run || waiting.size === 0) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const job of waiting.values()) earliest = Math.min(earliest, job.runAt);
    const delay = Math.max(0, earliest - clock.now());
    if (clock === systemClock) {
      timer = setTimeout(pump, delay);
      timer.unref();
      return;
    }
    const controller = new AbortController();
    wake = controller;
    clock.sleep(delay, controller.signal).then(pump, () => {});
  };

  return {
    name: 'memory',
    durable: false,
    async add(job, options) {
      if (options?.db !== undefined) {
        throw new ConfigurationError(
          'enqueue: the `db` option (a transactional outbox) needs a queue in that database; use the queue of @mailover/postgres',
        );
      }
      if (closed) throw new MailoverError('enqueue: the mailer is closed');
      if (!waiting.has(job.id)) waiting.set(job.id, job);
      pump();
    },
    work(handler, options) {
      run = handler;
      concurrency = Math.max(1, options.concurrency);
      pump();
    },
    async remove(id) {
      waiting.delete(id);
    },
    async idle() {
      for (;;) {
        if (running.size > 0) {
          await Promise.all([...running]);
          continue;
        }
        if (run && next(clock.now())) {
          pump();
          continue;
        }
        return;
      }
    },
    async stats(): Promise<QueueStats> {
      const now = clock.now();
      let queued = 0;
      let oldestDueAt = Number.POSITIVE_INFINITY;
      for (const job of waiting.values()) {
        if (job.runAt > now) continue;
        queued++;
        oldestDueAt = Math.min(oldestDueAt, job.runAt);
      }
      return {
        queued,
        scheduled: waiting.size - queued,
        sending: running.size,
        ...(queued > 0 ? { oldestDueAt } : {}),
      };
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      wake?.abort();
      await Promise.all([...running]);
    },
  };
}
