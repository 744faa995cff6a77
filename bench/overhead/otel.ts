/**
 * Overhead of `@mailover/otel`: client CPU per message of `mailer.send()` not instrumented ("off")
 * and instrumented ("on": the OpenTelemetry SDK with a BatchSpanProcessor and a metric reader, both
 * exporting to a no-op exporter, as a service exporting elsewhere would), against the SDK called
 * directly, in the method of bench/overhead/run.ts: sides in turn in short blocks, medians, a
 * bootstrap interval for the ratios. With `OTEL_BENCH_BASELINE=<checkout>` (another worktree, its
 * core and adapters built to dist) a fourth side, "baseline", sends through that checkout's mailer:
 * "off" against "baseline" is what the events added for instrumentation cost a mailer nobody
 * instruments, measured in one process.
 */
import { createMailer, type Mailer } from '@mailover/core';
import type { SandboxProviderKind } from '@mailover/sandbox';
import type { SandboxProcess } from '../throughput/sandbox-process.js';
import { type AdapterFactories, adapterFor, benchMessage, rawSenderFor } from './fixtures.js';
import { bootstrapMedianInterval, median, round, writeResults } from './results.js';
import { BLOCK, everyProvider, ROUNDS, type Send, sampleInTurns } from './sampling.js';

const BASELINE = process.env.OTEL_BENCH_BASELINE;
type Side = 'sdk' | 'baseline' | 'off' | 'on';
const SIDES: Side[] = BASELINE ? ['sdk', 'baseline', 'off', 'on'] : ['sdk', 'off', 'on'];

/** The baseline checkout's createMailer and adapters, from its dist (so its own core). */
async function baselineBuild(directory: string) {
  const load = (name: string) => import(`${directory}/packages/${name}/dist/index.js`);
  const [core, sendgridModule, sesModule, mailgunModule, postmarkModule] = await Promise.all(
    ['core', 'sendgrid', 'ses', 'mailgun', 'postmark'].map(load),
  );
  return {
    createMailer: core.createMailer as typeof createMailer,
    factories: {
      sendgrid: sendgridModule.sendgrid,
      ses: sesModule.ses,
      mailgun: mailgunModule.mailgun,
      postmark: postmarkModule.postmark,
    } as AdapterFactories,
  };
}
const baseline = BASELINE ? await baselineBuild(BASELINE) : undefined;

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
  const before = baseline?.createMailer({ providers: [adapterFor(kind, sandbox, baseline.factories)] });
  const shutdown = await instrumented(on);
  const direct: Send = await rawSenderFor(kind, sandbox);
  const sends: Record<Side, Send> = {
    sdk: direct,
    baseline: () => before!.send(benchMessage()),
    off: () => off.send(benchMessage()),
    on: () => on.send(benchMessage()),
  };
  const samples = await sampleInTurns(SIDES, sends);
  await shutdown();
  await off.close();
  await on.close();
  await before?.close();
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
    ...(baseline ? { offOverBaseline: ratio('off', 'baseline') } : {}),
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
    (BASELINE
      ? ` baseline: the same send through ${process.env.OTEL_BENCH_BASELINE_LABEL ?? BASELINE}'s own core and adapters (dist).`
      : '') +
    (pinned ? ' Client pinned to CPU 0, sandbox to CPU 1.' : ''),
  packages: process.env.MAILOVER_BENCH_PACKAGES ?? 'as resolved by this process',
  sides: SIDES,
  rows,
});
console.log(`wrote ${path}`);
