/**
 * Queued sends across two real processes on each durable queue (BullMQ on Redis, pg-boss on
 * PostgreSQL): this process enqueues under a span (`worker: false`), a worker process
 * (processes/worker.ts) sends, and its `mailover.send` span, read from its own in-memory exporter,
 * links to this process's `mailover.enqueue` span by trace id and span id. A carrier that does not
 * parse reaches the worker too, and is no link there. Also: the queue gauges read from each backend.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Mailer } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Queue as BullQueue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrument } from '../src/index.js';
import { only, telemetry } from './harness.js';
import { buildMailer, type WorkerConfig } from './processes/backend.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCRIPT = fileURLToPath(new URL('./processes/worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = `otel_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

interface ReportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes: Record<string, unknown>;
  readonly links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
}

/** Start processes/worker.ts; resolves once it printed `ready`; `sends` resolves with its reported spans. */
async function startWorker(config: WorkerConfig, sends: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=mailover-source', SCRIPT],
    {
      cwd: ROOT,
      env: { ...process.env, MAILOVER_OTEL_WORKER: JSON.stringify({ ...config, sends }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const spans: ReportedSpan[] = [];
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const lines = output.split('\n');
    output = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') ready();
      if (line.startsWith('send ')) spans.push(JSON.parse(line.slice(5)) as ReportedSpan);
    }
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await Promise.race([
    started,
    exited.then((code) => {
      throw new Error(`the worker exited (${code}) before it was ready: ${errors}`);
    }),
  ]);
  return {
    sends: exited.then((code) => {
      if (code !== 0) throw new Error(`the worker exited with ${code}: ${errors}`);
      return spans;
    }),
    kill: () => child.kill('SIGKILL'),
  };
}

let sandbox: Sandbox;
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(async () => {
  sandbox = await startSandbox();
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  await sandbox.close();
  context.disable();
  // This run's Redis keys and PostgreSQL schemas.
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${run}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
    [run],
  );
  for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
  await client.end();
});

const message = (subject: string) => ({
  from: 'shop@example.com',
  to: 'ada@example.org',
  subject,
  text: 'Thanks for your order.',
});

describe.each([
  ['bullmq', REDIS_URL],
  ['pg-boss', DATABASE_URL],
] as const)('queued sends on %s, across two processes', (backend, url) => {
  it('link the worker’s mailover.send to the enqueue span of the other process; a bad carrier is no link', async () => {
    const config: WorkerConfig = {
      backend,
      url,
      namespace: `${run}_${backend.replace('-', '')}_link`,
      sendgrid: { apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid },
    };
    const otel = telemetry();
    const producer = buildMailer(config, false);
    const stop = instrument(producer, {
      tracerProvider: otel.tracerProvider,
      meterProvider: otel.meterProvider,
    });
    const worker = await startWorker(config, 2);
    try {
      const caller = otel.tracerProvider.getTracer('app').startSpan('POST /orders');
      const linked = await context.with(trace.setSpan(context.active(), caller), () =>
        producer.enqueue(message('linked')),
      );
      caller.end();
      const unlinked = await producer.enqueue(message('bad carrier'), {
        trace: { traceparent: '00-not-a-trace-context-01', tracestate: '=' },
      });
      const enqueue = only(otel.spans(), 'mailover.enqueue', { 'mailover.id': linked.id });
      expect(enqueue.spanContext().traceId).toBe(caller.spanContext().traceId);
      expect(enqueue.attributes['mailover.queue.name']).toBe(backend);

      const sends = await worker.sends;
      const byId = new Map(sends.map((span) => [span.attributes['mailover.id'], span]));
      const send = byId.get(linked.id)!;
      expect(send.attributes['mailover.outcome']).toBe('sent');
      expect(send.parentSpanId).toBeUndefined();
      expect(send.links).toEqual([
        {
          traceId: enqueue.spanContext().traceId,
          spanId: enqueue.spanContext().spanId,
          attributes: { 'mailover.link.type': 'enqueue' },
        },
      ]);
      expect(send.attributes['mailover.queue.attempt']).toBe(1);
      expect(send.attributes['mailover.queue.wait']).toBeTypeOf('number');
      const bad = byId.get(unlinked.id)!;
      expect(bad.attributes['mailover.outcome']).toBe('sent');
      expect(bad.links).toEqual([]);
    } finally {
      worker.kill();
      stop();
      await producer.close();
      await otel.shutdown();
    }
  });

  it('report queue depth by state and the oldest due job’s age from the backend', async () => {
    const config: WorkerConfig = {
      backend,
      url,
      namespace: `${run}_${backend.replace('-', '')}_depth`,
      sendgrid: { apiKey: sandbox.credentials.sendgrid.apiKey, endpoint: sandbox.endpoints.sendgrid },
    };
    const otel = telemetry();
    const producer: Mailer = buildMailer(config, false);
    const stop = instrument(producer, {
      tracerProvider: otel.tracerProvider,
      meterProvider: otel.meterProvider,
    });
    try {
      const before = Date.now();
      await producer.enqueue(message('one'));
      await producer.enqueue(message('two'), { priority: 90 });
      await producer.enqueue(message('three'), { priority: 10 });
      await producer.enqueue(message('later'), { sendAt: new Date(Date.now() + 3_600_000) });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const points = await otel.metrics();
      const series = (state: string) =>
        points[`mailover.queue.depth{mailover.queue.name=${backend},mailover.queue.state=${state}}`];
      expect([series('queued'), series('scheduled'), series('sending')]).toEqual([3, 1, 0]);
      const age = points[`mailover.queue.age{mailover.queue.name=${backend}}`] as number;
      // The oldest due job is the first one: it has waited since `before` at most.
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThanOrEqual((Date.now() - before) / 1000 + 1);
    } finally {
      stop();
      await producer.close();
      await otel.shutdown();
      if (backend === 'bullmq') {
        const bull = new BullQueue(`${config.namespace}-send`, {
          connection: { url },
          prefix: `${config.namespace}:bull`,
        });
        await bull.obliterate({ force: true });
        await bull.close();
      }
    }
  });
});
