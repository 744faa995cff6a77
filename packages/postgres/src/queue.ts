/**
 * The mailover Queue on pg-boss: jobs are rows in PostgreSQL, so a job survives any process, every
 * instance on the database works the same queue, and a job can be inserted through the caller's
 * own client inside their transaction (the transactional outbox). See docs/queue.md.
 */
import { createHash } from 'node:crypto';
import { ConfigurationError, type JobOutcome, lazy, type Queue, type QueuedJob } from '@mailover/core';
import type PgBoss from 'pg-boss';
import type { Connection } from './connection.js';

export interface PostgresQueueOptions {
  /** pg-boss queue name; every instance that shares jobs uses the same one. Default `'mailover'`. */
  readonly name?: string;
  /** The schema pg-boss keeps its tables in (created and migrated by pg-boss). Default: mailover's schema + `_queue`. */
  readonly schema?: string;
  /** How often an idle worker looks for due jobs, seconds (pg-boss's minimum: 0.5). Default 2. */
  readonly pollingIntervalSeconds?: number;
  /**
   * How long a job may stay with one worker, seconds: past it (its process died) pg-boss hands the
   * job to another worker. Longer than your slowest send. Default 300.
   */
  readonly expireInSeconds?: number;
  /** How often pg-boss's maintenance looks for such jobs, seconds. Default 60. */
  readonly maintenanceIntervalSeconds?: number;
}

interface JobData {
  readonly id: string;
  readonly payload: string;
  readonly priority: number;
}

/** What a transactional client must offer: `pg`'s `Client` and `PoolClient` both do. */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

const loadPgBoss = lazy(async () => (await import('pg-boss')).default);

/** pg-boss ids are UUIDs; mailover ids need not be. A digest keeps one job per id (RFC 9562 v8 layout). */
export function jobUuid(key: string): string {
  const hex = createHash('sha256').update(`mailover:${key}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The pg-boss queue on a connection shared with the store (see `postgres()`). */
export function queueOn(
  connection: Connection,
  storeSchema: string,
  options: PostgresQueueOptions = {},
): Queue {
  const name = options.name ?? 'mailover';
  if (!/^[\w-]+$/.test(name))
    throw new ConfigurationError(
      `postgres: queue.name ${JSON.stringify(name)} must be letters, digits, _ or -`,
    );
  const schema = options.schema ?? `${storeSchema}_queue`;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,50}$/.test(schema))
    throw new ConfigurationError(
      `postgres: queue.schema ${JSON.stringify(schema)} is not a plain identifier`,
    );
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
  const expireInSeconds = options.expireInSeconds ?? 300;
  const running = new Set<Promise<unknown>>();
  let boss: Promise<PgBoss> | undefined;
  let workers: string[] = [];
  let closed = false;
  let warnedAt = 0;

  const start = (): Promise<PgBoss> => {
    boss ??= (async () => {
      const [PgBossClass, pool] = await Promise.all([loadPgBoss(), connection.pool()]);
      const create = () => {
        const made = new PgBossClass({
          // Through mailover's pool: one set of connections, and the same failure reporting.
          db: { executeSql: (text, values) => settleQuietly(text, pool.query(text, values), name) },
          schema,
          supervise: true,
          schedule: false,
          maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
        });
        // Workers keep polling through an outage; say so at most once a minute, not every poll.
        made.on('error', (error) => {
          if (Date.now() - warnedAt < 60_000) return;
          warnedAt = Date.now();
          process.emitWarning(connection.failure(error, `pg-boss queue '${name}'`).message);
        });
        return made;
      };
      // Instances starting together race to create pg-boss's schema; the loser finds it made on a
      // second try (with a new instance: a pg-boss whose start() failed stays half-started).
      let made = create();
      for (let attempt = 1; ; attempt++) {
        try {
          await made.start();
          break;
        } catch (error) {
          if ((error as { code?: unknown }).code !== '23505' || attempt === 3) throw error;
          made = create();
        }
      }
      // Instances starting together also race to create the queue: pg-boss's create_queue checks,
      // then inserts and makes a partition, so two at once can deadlock (40P01) or collide (23505).
      // The loser waits a moment and looks again: by then the winner has committed.
      for (let attempt = 1; !(await made.getQueue(name)); attempt++) {
        try {
          await made.createQueue(name, {
            name,
            policy: 'standard',
            // Only crashes and expiries are retried by pg-boss: mailover schedules its own retries.
            retryLimit: 1_000,
            retryDelay: 1,
            expireInSeconds,
          });
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if ((code !== '40P01' && code !== '23505') || attempt === 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
        }
      }
      return made;
    })().catch((error: unknown) => {
      boss = undefined;
      throw connection.failure(error, `start the pg-boss queue '${name}'`);
    });
    return boss;
  };

  const send = async (made: PgBoss, data: JobData, jobId: string, runAt: number, db?: PgBoss.Db) => {
    await made.send(name, data as unknown as object, {
      id: jobId,
      priority: data.priority,
      startAfter: new Date(runAt),
      ...(db ? { db } : {}),
    });
  };

  return {
    name: 'pg-boss',
    durable: true,
    async add(job, addOptions) {
      const db = addOptions?.db;
      if (db !== undefined && typeof (db as Partial<Queryable>)?.query !== 'function') {
        throw new ConfigurationError(
          'enqueue: `db` must be a pg Client or PoolClient inside your transaction (it has no query method)',
        );
      }
      const made = await start();
      const data: JobData = { id: job.id, payload: job.payload, priority: job.priority };
      const executor = db
        ? { executeSql: (text: string, values: unknown[]) => (db as Queryable).query(text, values) }
        : undefined;
      try {
        // The job's pg-boss id is derived from the message id: adding it twice inserts it once.
        await send(made, data, jobUuid(job.id), job.runAt, executor as PgBoss.Db | undefined);
      } catch (error) {
        throw connection.failure(error, `enqueue ${job.id}`);
      }
    },
    work(run, workOptions) {
      const handle = async ([job]: PgBoss.Job<JobData>[]) => {
        if (!job) return;
        const task = run(job.data as QueuedJob);
        running.add(task);
        let outcome: JobOutcome;
        try {
          outcome = await task;
        } finally {
          running.delete(task);
        }
        if (outcome.type === 'retry') {
          // A new job for the next attempt, then this one completes. If the process dies between
          // the two, both run: the idempotency claim on the message id makes the second a replay.
          await send(await start(), job.data, jobUuid(`${job.data.id}@${outcome.at}`), outcome.at);
        }
      };
      const begin = async () => {
        while (!closed) {
          try {
            const made = await start();
            for (let index = 0; index < workOptions.concurrency; index++) {
              let id = '';
              id = await made.work<JobData>(name, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
                await handle(jobs);
                // pg-boss waits a polling interval after every fetch; after a job, look for the
                // next one at once (only an empty fetch waits).
                made.notifyWorker(id);
              });
              workers.push(id);
            }
            return;
          } catch {
            // start() failed (the database is down): try again shortly, until closed
            await new Promise((resolve) => setTimeout(resolve, 2_000).unref());
          }
        }
      };
      begin().catch(() => {});
    },
    async remove(id) {
      const made = await start();
      await made.cancel(name, jobUuid(id)).catch(() => {}); // already started or gone: nothing to do
    },
    async idle() {
      const pool = await connection.pool();
      for (;;) {
        if (running.size > 0) {
          await Promise.all([...running].map((task) => task.catch(() => {})));
          continue;
        }
        const { rows } = await pool.query<{ due: string }>(
          `SELECT count(*) AS due FROM "${schema}".job WHERE name = $1 AND state IN ('created', 'retry', 'active') AND start_after <= now()`,
          [name],
        );
        if (Number(rows[0]?.due ?? 0) === 0 || workers.length === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stats() {
      const pool = await connection.pool();
      // One scan of this queue's live jobs (pg-boss keeps finished ones in the same table: they are
      // filtered by state, through its (name, state) index).
      const { rows } = await pool.query<{
        queued: string;
        scheduled: string;
        sending: string;
        oldest: string | null;
      }>(
        `SELECT count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()) AS queued,
                count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after > now()) AS scheduled,
                count(*) FILTER (WHERE state = 'active') AS sending,
                (extract(epoch FROM min(start_after) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())) * 1000)::bigint AS oldest
           FROM "${schema}".job WHERE name = $1 AND state IN ('created', 'retry', 'active')`,
        [name],
      );
      const row = rows[0];
      const queued = Number(row?.queued ?? 0);
      return {
        queued,
        scheduled: Number(row?.scheduled ?? 0),
        sending: Number(row?.sending ?? 0),
        ...(queued > 0 && row?.oldest != null ? { oldestDueAt: Number(row.oldest) } : {}),
      };
    },
    async close() {
      closed = true;
      const made = await boss?.catch(() => undefined);
      workers = [];
      // Graceful: running jobs finish (up to 30 s); what is still running then is failed back to
      // the queue, where pg-boss retries it on another worker.
      await made?.stop({ graceful: true, wait: true, close: false, timeout: 30_000 });
    },
  };
}

/**
 * pg-boss 10 completes or fails a job after its handler without awaiting the statement
 * (manager.js, `onFetch`): with the database down, that rejection is unhandled and would end a
 * Node process. Those two statements therefore never reject here: the failure is a warning, the
 * job stays active, pg-boss's expiry hands it out again, and the idempotency claim on the message
 * id makes the second run a replay (docs/queue.md: at-least-once).
 */
function settleQuietly<Result>(text: string, query: Promise<Result>, queue: string): Promise<Result> {
  const finishesJob =
    text.includes('completed_on = now()') ||
    (text.includes('UNNEST($2::uuid[])') && text.includes('DELETE FROM'));
  if (!finishesJob) return query;
  return query.catch((error: unknown) => {
    process.emitWarning(
      `mailover: pg-boss queue '${queue}' could not record a finished job (it will run again, as a replay): ${error instanceof Error ? error.message : String(error)}`,
    );
    return { rows: [{ count: '0' }] } as Result;
  });
}
