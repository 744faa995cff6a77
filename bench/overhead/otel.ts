/**
 * Overhead of `@mailover/otel`: client CPU per message of `mailer.send()` not instrumented ("off")
 * and instrumented ("on": the OpenTelemetry SDK with a BatchSpanProcessor and a metric reader, both
 * exporting to a no-op exporter, as a service exporting elsewhere would), against the SDK called
 * directly, in the method of bench/overhead/run.ts: sides in turn in short blocks, medians, a
 * bootstrap interval for the ratios. `OTEL_BENCH_SIDES=sdk,off` measures only those sides (to run
 * the same script on a checkout without @mailover/otel).
 */
import { createMailer, type Mailer } from '@mailover/core';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { pinThisProcess, type SandboxProcess, startSandboxProcess } from '../throughput/sandbox-process.js';
import { adapterFor, benchMessage, PROVIDER_KINDS, rawSenderFor } from './fixtures.js';
import { bootstrapMedianInterval, cpuMicros, median, round, writeResults } from './results.js';

const QUICK = process.env.BENCH_QUICK === '1';
const WARMUP = QUICK ? 300 : 2_000;
const ROUNDS = QUICK ? 30 : 240;
const BLOCK = 10;
const ALL_SIDES = ['sdk', 'off', 'on'] as const;
type Side = (typeof ALL_SIDES)[number];
const SIDES = (process.env.OTEL_BENCH_SIDES?.split(',') as Side[] | undefined) ?? [...ALL_SIDES];

type Send = () => Promise<unknown>;

async function cpuPerMessage(send: Send, count: number): Promise<number> {
  const start = cpuMicros();
  for (let index = 0; index < count; index++) await send();
  return (cpuMicros() - start) / count;
}

/** The SDK set up as in production, exporting nowhere: what instrumentation costs the sending process. */
async function instrumented(mailer: Mailer): Promise<() => Promise<void>> {
  const [
    { instrument },
    { BasicTracerProvider, BatchSpanProcessor },
    { MeterProvider, PeriodicExportingMetricReader },
  ] = await Promise.all([
    import('@mailover/otel'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  const done = { code: 0 };
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({ export: (_spans, callback) => callback(done), shutdown: async () => {} }),
    ],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: {
          export: (_metrics, callback) => callback(done),
          forceFlush: async () => {},
          shutdown: async () => {},
        },
        exportIntervalMillis: 10_000,
      }),
    ],
  });
  const stop = instrument(mailer, { tracerProvider, meterProvider });
  return async () => {
    stop();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  };
}

async function compare(kind: SandboxProviderKind, sandbox: SandboxProcess) {
  const off = createMailer({ providers: [adapterFor(kind, sandbox)] });
  const on = createMailer({ providers: [adapterFor(kind, sandbox)] });
  const shutdown = SIDES.includes('on') ? await instrumented(on) : async () => {};
  const direct: Send = await rawSenderFor(kind, sandbox);
  const sends: Record<Side, Send> = {
    sdk: direct,
    off: () => off.send(benchMessage()),
    on: () => on.send(benchMessage()),
  };
  for (const side of SIDES) await cpuPerMessage(sends[side], WARMUP);
  global.gc?.();
  const samples = Object.fromEntries(SIDES.map((side) => [side, [] as number[]])) as Record<Side, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      samples[side].push(await cpuPerMessage(sends[side], BLOCK));
    }
  }
  await shutdown();
  await off.close();
  await on.close();
  const micros = Object.fromEntries(SIDES.map((side) => [side, round(median(samples[side]), 1)]));
  const ratio = (side: Side, base: Side) => {
    const ratios = samples[side].map((value, index) => value / samples[base][index]!);
    const [low, high] = bootstrapMedianInterval(ratios);
    return { ratio: round(median(ratios), 3), interval95: [round(low, 3), round(high, 3)] };
  };
  return {
    provider: kind,
    messagesPerSide: ROUNDS * BLOCK,
    microsPerMessage: micros,
    offOverSdk: ratio('off', 'sdk'),
    ...(SIDES.includes('on')
      ? {
          onOverOff: ratio('on', 'off'),
          onOverSdk: ratio('on', 'sdk'),
          instrumentationMicrosPerMessage: round(micros.on! - micros.off!, 1),
        }
      : {}),
  };
}

const pinned = pinThisProcess(0);
const sandbox = await startSandboxProcess(pinned ? { pinTo: 1 } : {});
const rows = [];
for (const kind of PROVIDER_KINDS) {
  const row = await compare(kind, sandbox);
  console.log(JSON.stringify(row));
  rows.push(row);
}
await sandbox.close();
const path = writeResults(SIDES.includes('on') ? 'overhead-otel' : 'overhead-otel-off-only', {
  method:
    'as bench/overhead (process.cpuUsage() of the client per message, sequential sends, warmed up; ' +
    `${ROUNDS} rounds of ${BLOCK} messages per side, sides in turn; medians; ratios are medians of per-round ` +
    'ratios with a 95 % bootstrap interval). off: a mailer nobody instrumented; on: instrument() with ' +
    'the OpenTelemetry SDK (BasicTracerProvider + BatchSpanProcessor, MeterProvider + PeriodicExportingMetricReader) ' +
    'exporting to no-op exporters.' +
    (pinned ? ' Client pinned to CPU 0, sandbox to CPU 1.' : ''),
  packages: process.env.MAILOVER_BENCH_PACKAGES ?? 'as resolved by this process',
  sides: SIDES,
  rows,
});
console.log(`wrote ${path}`);
