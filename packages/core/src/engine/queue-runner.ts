/**
 * The queue's engine side, whatever the backend: `enqueue` validates and stores a job, the worker
 * sends it with the same engine as `send()` (through the idempotency claim on its id, so a job run
 * twice calls a provider once), retries on the long schedule, and ends it sent or dead. Job states
 * live in the Store; see docs/queue.md.
 */
import { numberOption } from '../config/check.js';
import { MailoverError, SendError, ValidationError } from '../errors.js';
import { type Fingerprint, fingerprintOf, type Idempotency } from './idempotency.js';
import type { MailerEmitter } from './events.js';
import { fromStoredMessage, toStoredMessage } from './tracking.js';
import type { SendOptions, SendResult } from './types.js';
import type { NormalizedMessage } from '../message/types.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { storeKeys } from '../queue/keys.js';
import type { JobOutcome, Queue, QueuedJob, QueueStats } from '../queue/queue.js';
import {
  type EnqueueTracers,
  readTraceCarrier,
  type TraceCarrier,
  traceCarrierProblem,
} from '../queue/trace-carrier.js';
import type { QueuedStatus, QueueState } from './queue-status.js';

/** Delays between a job's attempts while every provider fails with a retryable code: 1 min, 5 min, 30 min, 2 h, 6 h (about 8.6 h in all), then dead. */
export const DEFAULT_QUEUE_RETRY_DELAYS_MS: readonly number[] = [
  60_000, 300_000, 1_800_000, 7_200_000, 21_600_000,
];

/** Failures worth waiting out: the providers may take the message later. */
const TRANSIENT = new Set<string>([
  'network',
  'timeout',
  'rate_limited',
  'provider_unavailable',
  'quota_exceeded',
  'unknown',
  'no_provider',
  'aborted',
]);

/** Options of `mailer.enqueue`. */
export interface EnqueueOptions {
  /** Send at (not before) this time. Default: now. */
  readonly sendAt?: Date;
  /** 0–100, higher first among messages due at the same time. Default 50. */
  readonly priority?: number;
  /** Give up (dead, reason `deadline`) if not accepted by this Date or this many ms from now. Default: none. */
  readonly deadline?: Date | number;
  /** As the message's `idempotencyKey`: one job, one provider call per key. Default: none. */
  readonly idempotencyKey?: string;
  /** A database client in the caller's transaction (the transactional outbox; `@mailover/postgres` only). */
  readonly db?: unknown;
  /**
   * The trace context to store with the job (W3C `traceparent`/`tracestate` as header names to
   * strings), reported back on the worker's `job` event. Default: what the tracer registered with
   * `mailer.traceEnqueues` (`@mailover/otel`) captures, else none. docs/observability.md.
   */
  readonly trace?: TraceCarrier;
}

/** What `mailer.enqueue` resolves to, once the job is stored. */
export interface EnqueueResult {
  readonly id: string;
  readonly messageId: string;
}

/** Options of the worker every mailer runs unless created with `worker: false`. */
export interface WorkerOptions {
  /** Jobs this instance sends at once. Default 4. */
  readonly concurrency?: number;
  /** Delays between attempts of a job whose providers all fail retryably. Default {@link DEFAULT_QUEUE_RETRY_DELAYS_MS}. */
  readonly retryDelaysMs?: readonly number[];
}

interface Payload {
  readonly message: ReturnType<typeof toStoredMessage>;
  readonly deadlineAt?: number;
  /** When `enqueue()` stored it (the mailer's clock). Absent in jobs stored before it was added. */
  readonly enqueuedAt?: number;
  /** When it was first due. */
  readonly runAt?: number;
  /** The enqueuer's trace context; untrusted when read back (see queue/trace-carrier.ts). */
  readonly trace?: TraceCarrier;
}

const FINAL = new Set<JobState>(['sent', 'dead', 'cancelled']);

/** The job's own states, and `sent` once a provider accepted it. */
export type JobState = QueueState | 'sent';

interface JobEntry {
  readonly state: JobState;
  readonly messageId: string;
  readonly attempts: number;
  readonly priority: number;
  readonly runAt?: number;
  readonly reason?: string;
  readonly updatedAt: number;
  /** Kept once dead, so that the message can be read back and re-enqueued. */
  readonly payload?: string;
  /** For a job with an idempotency key: what a second enqueue with the key must match. */
  readonly fingerprint?: Fingerprint;
}

export interface QueueRunnerDependencies {
  readonly queue: Queue;
  readonly store: Store;
  readonly clock: Clock;
  readonly emitter: MailerEmitter;
  readonly idempotency: Idempotency;
  readonly retentionMs: number;
  readonly onAmbiguous: 'failover' | 'stop';
  /** Order providers, deliver, record: what `send()` does after validation. */
  readonly dispatch: (message: NormalizedMessage, options: SendOptions) => Promise<SendResult>;
  /** Told about every enqueue; what they capture is stored with the job. */
  readonly tracers: EnqueueTracers;
}

export function createQueueRunner(dependencies: QueueRunnerDependencies, worker: WorkerOptions | false) {
  const { queue, store, clock, emitter, idempotency, retentionMs, onAmbiguous, dispatch, tracers } =
    dependencies;
  const concurrency =
    worker === false
      ? 0
      : numberOption('createMailer', 'worker.concurrency', worker.concurrency, 4, { integer: true, min: 1 });
  const retryDelaysMs =
    worker === false
      ? []
      : (worker.retryDelaysMs ?? DEFAULT_QUEUE_RETRY_DELAYS_MS).map((delay, index) =>
          numberOption('createMailer', `worker.retryDelaysMs[${index}]`, delay, 0, { min: 0, unit: 'ms' }),
        );

  const writeState = async (id: string, entry: JobEntry, origin?: JobOrigin) => {
    await store.set(storeKeys.job(id), JSON.stringify(entry), retentionMs);
    if (!emitter.has('job')) return;
    emitter.emit('job', {
      id,
      messageId: entry.messageId,
      state: entry.state,
      attempts: entry.attempts,
      ...(entry.runAt === undefined ? {} : { runAt: entry.runAt }),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      ...origin,
    });
  };
  const readState = async (id: string): Promise<JobEntry | undefined> => {
    const raw = await store.get(storeKeys.job(id));
    return raw === undefined ? undefined : (JSON.parse(raw) as JobEntry);
  };

  async function enqueue(message: NormalizedMessage, options: EnqueueOptions): Promise<EnqueueResult> {
    checkEnqueueOptions(options);
    const now = clock.now();
    const runAt = options.sendAt === undefined ? now : options.sendAt.getTime();
    const priority = options.priority ?? 50;
    const deadlineAt =
      options.deadline === undefined
        ? undefined
        : options.deadline instanceof Date
          ? options.deadline.getTime()
          : now + options.deadline;
    const traced = tracers.start(
      { id: message.id, messageId: message.messageId, runAt, priority, queue: queue.name, startedAt: now },
      // The checked copy, never the caller's object itself (it could read differently when stored).
      readTraceCarrier(options.trace),
    );
    const payload: Payload = {
      message: toStoredMessage(message),
      ...(deadlineAt === undefined ? {} : { deadlineAt }),
      enqueuedAt: now,
      runAt,
      ...(traced.carrier === undefined ? {} : { trace: traced.carrier }),
    };
    const result = { id: message.id, messageId: message.messageId };
    if (!traced.end) {
      await storeJob(message, payload, runAt, priority, now, options);
      return result;
    }
    try {
      const duplicate = await storeJob(message, payload, runAt, priority, now, options);
      traced.end({ duplicate, endedAt: clock.now() });
      return result;
    } catch (error) {
      traced.end({ error, endedAt: clock.now() });
      throw error;
    }
  }

  /** Store the job and its first state, once per id: true when a job with this id was already there. */
  async function storeJob(
    message: NormalizedMessage,
    payload: Payload,
    runAt: number,
    priority: number,
    now: number,
    options: EnqueueOptions,
  ): Promise<boolean> {
    const entry: JobEntry = {
      state: runAt > now ? 'scheduled' : 'queued',
      messageId: message.messageId,
      attempts: 0,
      priority,
      runAt,
      updatedAt: now,
      ...(message.idempotencyKey === undefined ? {} : { fingerprint: fingerprintOf(message) }),
    };
    const known = await readState(message.id);
    // The same key for a different message is refused here, not left to fail as a dead job.
    if (message.idempotencyKey !== undefined) await idempotency.verify(message, known?.fingerprint);
    // A job already stored under this id (the same idempotency key): one job, not two.
    if (known) return true;
    // Inside the caller's transaction the job may still be rolled back: its state is written by the
    // worker that picks it up, never before the commit.
    if (options.db === undefined) await writeState(message.id, entry);
    try {
      await queue.add(
        { id: message.id, payload: JSON.stringify(payload), priority, runAt },
        options.db === undefined ? {} : { db: options.db },
      );
    } catch (error) {
      if (options.db === undefined) await store.delete(storeKeys.job(message.id)).catch(() => {});
      throw error;
    }
    return false;
  }

  async function run(job: QueuedJob): Promise<JobOutcome> {
    const parsed = JSON.parse(job.payload) as Payload;
    const { message: stored, deadlineAt } = parsed;
    const message = fromStoredMessage(stored);
    const previous = await readState(job.id);
    if (previous && FINAL.has(previous.state)) return { type: 'done' };
    // The send starts only if cancel() has not claimed it first (one atomic claim decides).
    const startKey = storeKeys.jobStart(job.id);
    if (!(await store.claim(startKey, 'started', retentionMs)) && (await store.get(startKey)) === 'cancelled')
      return { type: 'done' };
    const attempts = (previous?.attempts ?? 0) + 1;
    const base = { messageId: message.messageId, priority: job.priority };
    const dead = async (reason: string): Promise<JobOutcome> => {
      await writeState(job.id, {
        ...base,
        state: 'dead',
        attempts,
        reason,
        updatedAt: clock.now(),
        payload: job.payload,
      });
      return { type: 'done' };
    };
    if (deadlineAt !== undefined && clock.now() >= deadlineAt)
      return dead('deadline: the deadline passed before the message could be sent');
    await writeState(
      job.id,
      { ...base, state: 'sending', attempts, updatedAt: clock.now() },
      emitter.has('job') ? originOf(parsed, previous?.runAt) : undefined,
    );
    try {
      await idempotency.run(message, deadlineAt ?? Number.POSITIVE_INFINITY, () =>
        dispatch(message, deadlineAt === undefined ? {} : { deadline: new Date(deadlineAt) }),
      );
      // The tracker's record answers status() from now on; this entry tells a second run of the
      // job (a redelivery) that there is nothing left to do.
      await writeState(job.id, { ...base, state: 'sent', attempts, updatedAt: clock.now() }).catch(() => {});
      return { type: 'done' };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const code = SendError.isInstance(error) ? error.code : undefined;
      if (ValidationError.isInstance(error)) return dead(reason);
      if (SendError.isInstance(error) && error.possiblyDelivered && onAmbiguous === 'stop')
        return dead(
          `${reason} (the provider may have accepted it; not retried because onAmbiguous is 'stop')`,
        );
      // A store outage (not a SendError) is waited out like a provider outage.
      const transient =
        code === undefined ? !MailoverError.isInstance(error) || isUnavailable(error) : TRANSIENT.has(code);
      if (!transient) return dead(reason);
      const delay = code === 'aborted' ? 0 : retryDelaysMs[attempts - 1];
      if (delay === undefined) return dead(`gave up after ${attempts} attempts: ${reason}`);
      const at = clock.now() + delay;
      if (deadlineAt !== undefined && at >= deadlineAt)
        return dead(`deadline: no attempt left before the deadline; last: ${reason}`);
      await writeState(job.id, {
        ...base,
        state: 'scheduled',
        attempts,
        runAt: at,
        reason,
        updatedAt: clock.now(),
      });
      return { type: 'retry', at };
    }
  }

  if (worker !== false) queue.work(run, { concurrency });

  return {
    enqueue,
    /** The backend's depth (undefined when it cannot count); a failed query rejects. */
    async stats(): Promise<(QueueStats & { readonly queue: string; readonly durable: boolean }) | undefined> {
      if (!queue.stats) return undefined;
      return { ...(await queue.stats()), queue: queue.name, durable: queue.durable };
    },
    /** The job's state, for a message no provider has accepted yet. */
    async status(id: string): Promise<QueuedStatus | undefined> {
      const entry = await readState(id);
      if (!entry || entry.state === 'sent') return undefined;
      return {
        id,
        messageId: entry.messageId,
        state: entry.state,
        attempts: entry.attempts,
        priority: entry.priority,
        ...(entry.runAt === undefined ? {} : { runAt: entry.runAt }),
        ...(entry.reason === undefined ? {} : { reason: entry.reason }),
        updatedAt: entry.updatedAt,
        recipients: {},
        history: [],
      };
    },
    /** Cancel a job whose send has not started: true when cancelled, false when too late or unknown. */
    async cancel(id: string): Promise<boolean> {
      const entry = await readState(id);
      if (!entry || FINAL.has(entry.state)) return false;
      if (!(await store.claim(storeKeys.jobStart(id), 'cancelled', retentionMs))) return false;
      await queue.remove(id);
      await writeState(id, { ...entry, state: 'cancelled', updatedAt: clock.now() });
      return true;
    },
  };
}

/** Where a job came from, on the `job` event of its `sending` state (docs/observability.md). */
interface JobOrigin {
  readonly enqueuedAt?: number;
  readonly dueAt?: number;
  readonly trace?: TraceCarrier;
}

/**
 * The stored job's origin, from a payload that anyone with access to the queue's storage could
 * have written: a value that does not fit is left out, never thrown on.
 */
function originOf(payload: Payload, retryAt: number | undefined): JobOrigin {
  const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const enqueuedAt = time(payload.enqueuedAt);
  const dueAt = time(retryAt) ?? time(payload.runAt) ?? enqueuedAt;
  const trace = readTraceCarrier(payload.trace);
  return {
    ...(enqueuedAt === undefined ? {} : { enqueuedAt }),
    ...(dueAt === undefined ? {} : { dueAt }),
    ...(trace === undefined ? {} : { trace }),
  };
}

/** Refuse options that would make a job that can never run as meant, naming the option. */
function checkEnqueueOptions(options: EnqueueOptions): void {
  const issues: { path: string; message: string }[] = [];
  if (
    options.sendAt !== undefined &&
    !(options.sendAt instanceof Date && Number.isFinite(options.sendAt.getTime()))
  )
    issues.push({ path: 'sendAt', message: 'must be a valid Date (the time to send at)' });
  if (
    options.priority !== undefined &&
    !(Number.isInteger(options.priority) && options.priority >= 0 && options.priority <= 100)
  )
    issues.push({
      path: 'priority',
      message: `must be a whole number from 0 to 100, higher first (got ${String(options.priority)})`,
    });
  const deadline = options.deadline;
  if (
    deadline !== undefined &&
    !(deadline instanceof Date
      ? Number.isFinite(deadline.getTime())
      : Number.isFinite(deadline) && deadline > 0)
  )
    issues.push({ path: 'deadline', message: 'must be a valid Date or a positive number of ms from now' });
  const traceProblem = options.trace === undefined ? undefined : traceCarrierProblem(options.trace);
  if (traceProblem !== undefined) issues.push({ path: 'trace', message: traceProblem });
  if (issues.length > 0) throw new ValidationError(issues);
}

function isUnavailable(error: unknown): boolean {
  return (error as { unavailable?: unknown }).unavailable === true;
}

export type QueueRunner = ReturnType<typeof createQueueRunner>;
