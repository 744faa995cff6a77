/**
 * Overhead of `@mailover/otel`: client CPU per message of `mailer.send()` not instrumented ("off")
 * and instrumented ("on": the OpenTelemetry SDK with a BatchSpanProcessor and a metric reader, both
 * exporting to a no-op exporter, as a service exporting elsewhere would), against the SDK called
 * directly, in the method of bench/overhead/run.ts: sides in turn in short blocks, medians, a
 * bootstrap interval for the ratios.
 */
import { createMailer, type Mailer } from '@mailover/core';
import type { SandboxProviderKind } from '@mailover/sandbox';
import type { SandboxProcess } from '../throughput/sandbox-process.js';
import { adapterFor, benchMessage, rawSenderFor } from './fixtures.js';
import { bootstrapMedianInterval, median, round, writeResults } from './results.js';
import { BLOCK, everyProvider, ROUNDS, type Send, sampleInTurns } from './sampling.js';

type Side = 'sdk' | 'off' | 'on';
const SIDES: Side[] = ['sdk', 'off', 'on'];

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
  const shutdown = await instrumented(on);
  const direct: Send = await rawSenderFor(kind, sandbox);
  const sends: Record<Side, Send> = {
    sdk: direct,
    off: () => off.send(benchMessage()),
    on: () => on.send(benchMessage()),
  };
  const samples = await sampleInTurns(SIDES, sends);
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
    onOverOff: ratio('on', 'off'),
    onOverSdk: ratio('on', 'sdk'),
    instrumentationMicrosPerMessage: round(micros.on! - micros.off!, 1),
  };
}

const { rows, pinned } = await everyProvider(compare);
const path = writeResults('overhead-otel', {
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
