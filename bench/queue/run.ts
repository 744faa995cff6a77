/**
 * The queue and idempotent sends, measured on each backend (in memory, BullMQ on Redis, pg-boss on
 * PostgreSQL): enqueue latency and throughput; end-to-end sends per second with 1 and 4 workers
 * against the sandbox (SendGrid's API); and what an idempotencyKey costs a send(). Backends that
 * are not available here are left out, with the reason. Writes bench/results/queue.json.
 */
import { createMailer, type Mailer, type Queue, type Store } from '@mailover/core';
import { postgres } from '@mailover/postgres';
import { redis } from '@mailover/redis';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import pg from 'pg';
import { deleteKeys } from '../../test/multi-instance/redis-admin.js';
import { median, round, writeResults } from '../overhead/results.js';

const QUICK = process.env.BENCH_QUICK === '1';
const LATENCY_COUNT = QUICK ? 100 : 400;
const THROUGHPUT_COUNT = QUICK ? 300 : 1_000;
const END_TO_END_COUNT = QUICK ? 200 : 600;
const SEND_COUNT = QUICK ? 200 : 600;
const DATABASE = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `bench_${process.pid}_${Date.now().toString(36)}`;

interface Backend {
  readonly name: string;
  /** Whether instances share jobs (false: the memory queue, one process). */
  readonly shared: boolean;
  /** The store and queue of one instance (each instance its own connections). */
  make(): { store?: Store; queue?: Queue };
}

async function available(): Promise<{ backends: Backend[]; skipped: Record<string, string> }> {
  const backends: Backend[] = [{ name: 'memory', shared: false, make: () => ({}) }];
  const skipped: Record<string, string> = {};
  const client = new pg.Client({ connectionString: DATABASE, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    backends.push({
      name: 'pg-boss (PostgreSQL)',
      shared: true,
      make: () =>
        postgres({ connectionString: DATABASE, schema: run, queue: { pollingIntervalSeconds: 0.5 } }),
    });
  } catch (error) {
    skipped.postgres = String(error);
  } finally {
    await client.end().catch(() => {});
  }
  try {
    const probe = redis({ url: REDIS, prefix: `${run}:probe:`, queue: false });
    await probe.store.get('probe');
    await probe.store.close?.();
    await probe.scheduler.close();
    backends.push({
      name: 'BullMQ (Redis)',
      shared: true,
      make: () =>
        redis({
          url: REDIS,
          prefix: `${run}:`,
          scheduler: { queue: `${run}-scheduler`, prefix: `${run}:bull` },
          queue: { queue: `${run}-send`, prefix: `${run}:bull` },
        }),
    });
  } catch (error) {
    skipped.redis = String(error);
  }
  return { backends, skipped };
}

const message = (index: number, key?: string) => ({
  from: 'shop@example.test',
  to: `customer${index}@example.org`,
  subject: `Receipt ${index}`,
  text: 'Paid.',
  ...(key ? { idempotencyKey: key } : {}),
});

function mailerOn(sandbox: Sandbox, parts: { store?: Store; queue?: Queue }, worker: boolean): Mailer {
  return createMailer({
    providers: [
      sendgrid({ apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid }),
    ],
    ...parts,
    worker: worker ? { concurrency: 8 } : false,
  });
}

async function pool(count: number, concurrency: number, work: (index: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function measure(sandbox: Sandbox, backend: Backend) {
  // Enqueue latency (one at a time) and throughput (32 at a time), with no worker running.
  const producer = mailerOn(sandbox, backend.make(), false);
  await producer.enqueue(message(-1)); // connect, migrate
  const latencies: number[] = [];
  for (let index = 0; index < LATENCY_COUNT; index++) {
    const started = performance.now();
    await producer.enqueue(message(index));
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  let started = performance.now();
  await pool(THROUGHPUT_COUNT, 32, (index) => producer.enqueue(message(LATENCY_COUNT + index)));
  const enqueuePerSecond = Math.round(THROUGHPUT_COUNT / ((performance.now() - started) / 1000));

  // End to end: what is queued now, drained by 1, then 4 workers (mailer instances, concurrency 8
  // each). The memory queue is not shared: its one worker drains what its own mailer enqueues.
  const endToEnd: Record<string, number> = {};
  let queued = 1 + LATENCY_COUNT + THROUGHPUT_COUNT;
  for (const workers of backend.shared ? [1, 4] : [1]) {
    sandbox.reset();
    if (workers === 4) {
      await pool(END_TO_END_COUNT, 32, (index) => producer.enqueue(message(100_000 + index)));
      queued = END_TO_END_COUNT;
    }
    started = performance.now();
    let instances: Mailer[];
    if (backend.shared) {
      instances = Array.from({ length: workers }, () => mailerOn(sandbox, backend.make(), true));
    } else {
      instances = [mailerOn(sandbox, backend.make(), true)];
      queued = END_TO_END_COUNT;
      await pool(END_TO_END_COUNT, 32, (index) => instances[0]!.enqueue(message(200_000 + index)));
    }
    const deadline = Date.now() + 300_000;
    while (sandbox.messages.length < queued) {
      if (Date.now() > deadline)
        throw new Error(`${backend.name}: ${sandbox.messages.length} of ${queued} sent in 5 min`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    endToEnd[`${workers}`] = Math.round(queued / ((performance.now() - started) / 1000));
    await Promise.all(instances.map((instance) => instance.close()));
  }
  await producer.close();

  // send() with and without an idempotencyKey, one at a time, through this backend's Store.
  const { store } = backend.make();
  const sender = mailerOn(sandbox, store ? { store } : {}, false);
  const perSend = async (keyed: boolean) => {
    await sender.send(message(0, keyed ? `${run}-warm-${keyed}` : undefined));
    const begin = performance.now();
    for (let index = 0; index < SEND_COUNT; index++)
      await sender.send(message(index, keyed ? `${run}-${index}` : undefined));
    return ((performance.now() - begin) * 1000) / SEND_COUNT;
  };
  const plain = await perSend(false);
  const keyed = await perSend(true);
  await sender.close();

  return {
    backend: backend.name,
    enqueueLatencyMs: {
      median: round(median(latencies), 3),
      p95: round(latencies[Math.floor(latencies.length * 0.95)]!, 3),
    },
    enqueuePerSecond,
    sendsPerSecond: endToEnd,
    sendMicros: { plain: Math.round(plain), idempotent: Math.round(keyed), extra: Math.round(keyed - plain) },
  };
}

const sandbox = await startSandbox();
const { backends, skipped } = await available();
const rows = [];
for (const backend of backends) {
  console.log(`queue bench: ${backend.name}`);
  rows.push(await measure(sandbox, backend));
}
await sandbox.close();
if (backends.some((backend) => backend.name.startsWith('BullMQ'))) await deleteKeys(REDIS, run);
if (backends.some((backend) => backend.name.startsWith('pg-boss'))) {
  const admin = new pg.Client({ connectionString: DATABASE });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${run}" CASCADE`);
  await admin.query(`DROP SCHEMA IF EXISTS "${run}_queue" CASCADE`);
  await admin.end();
}
console.table(
  rows.map((row) => ({
    backend: row.backend,
    'enqueue p50 ms': row.enqueueLatencyMs.median,
    'enqueue p95 ms': row.enqueueLatencyMs.p95,
    'enqueue/s': row.enqueuePerSecond,
    'sends/s 1 worker': row.sendsPerSecond['1'],
    'sends/s 4 workers': row.sendsPerSecond['4'],
    'send µs': row.sendMicros.plain,
    'idempotent send µs': row.sendMicros.idempotent,
  })),
);
console.log(
  `wrote ${writeResults('queue', { quick: QUICK, counts: { LATENCY_COUNT, THROUGHPUT_COUNT, END_TO_END_COUNT, SEND_COUNT }, skipped, rows })}`,
);
process.exit(0);
