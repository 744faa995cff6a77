/**
 * Where queued messages wait: the contract a queue backend fulfils (in memory here, BullMQ in
 * `@mailover/redis`, pg-boss in `@mailover/postgres`). The engine decides everything about a job
 * (when to retry, when it is dead, its status); a backend only keeps jobs durably, hands each due
 * one to a worker, and runs it again at the time asked. See docs/queue.md.
 */

/** A job as a worker receives it. */
export interface QueuedJob {
  /** The message id: one job per id, adding it again is a no-op. */
  readonly id: string;
  /** The message and its options, as the engine serialised them. */
  readonly payload: string;
  /** Higher runs first among jobs due at the same time (0–100). */
  readonly priority: number;
}

/** What the worker tells the backend once it has run a job. */
export type JobOutcome =
  /** Finished (sent, dead or cancelled): remove it. */
  | { readonly type: 'done' }
  /** Run it again, not before `at` (ms since the epoch). */
  | { readonly type: 'retry'; readonly at: number };

/** A job to add. */
export interface NewJob extends QueuedJob {
  /** Not before this time, ms since the epoch. */
  readonly runAt: number;
}

export interface QueueAddOptions {
  /**
   * A database client inside the caller's transaction, for backends that can insert through it (the
   * transactional outbox of `@mailover/postgres`); others refuse it with a ConfigurationError.
   */
  readonly db?: unknown;
}

export interface WorkOptions {
  /** Jobs this instance runs at once. */
  readonly concurrency: number;
}

export interface Queue {
  /** A short name for messages (`'memory'`, `'bullmq'`, `'pg-boss'`). */
  readonly name: string;
  /** Whether a job survives the process that added it. The memory queue does not. */
  readonly durable: boolean;
  /** Store a job; resolves once it is stored (durably, where the backend is). */
  add(job: NewJob, options?: QueueAddOptions): Promise<void>;
  /** Start handing due jobs to `run` on this instance. Called once, unless the mailer has `worker: false`. */
  work(run: (job: QueuedJob) => Promise<JobOutcome>, options: WorkOptions): void;
  /** Remove a job that has not started; a job already running is not affected. */
  remove(id: string): Promise<void>;
  /** Resolves when no job is running or due now (later ones do not count). */
  idle(): Promise<void>;
  /** Stop taking jobs, let the running ones finish, release connections. */
  close(): Promise<void>;
  /**
   * How many jobs are in each state, and since when the oldest due one waits: one cheap query,
   * for the queue gauges of docs/observability.md. Optional: a backend without it reports nothing.
   */
  stats?(): Promise<QueueStats>;
}

/** A queue's depth, as `Queue.stats()` and `mailer.queueStats()` report it. */
export interface QueueStats {
  /** Jobs due now that no worker has taken yet. */
  readonly queued: number;
  /** Jobs waiting for their time (`sendAt`, or the next retry). */
  readonly scheduled: number;
  /** Jobs a worker is running. */
  readonly sending: number;
  /**
   * When the longest-waiting due job became due (ms since the epoch), or undefined when none is
   * due: its age is the queue's lag.
   */
  readonly oldestDueAt?: number;
}
