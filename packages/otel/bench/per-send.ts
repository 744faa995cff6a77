/**
 * What `instrument()` costs one `mailer.send()` in CPU work, for a load-independent figure:
 * `sends` sends after `warm` warm-up sends, through an in-process provider (no HTTP: what is left
 * is the engine, plus the instrumentation and the OpenTelemetry SDK when `on`), with the SDK set up
 * as bench/overhead/otel.ts sets it (BatchSpanProcessor and a metric reader, no-op exporters).
 *
 *   node --import tsx --conditions=mailover-source packages/otel/bench/per-send.ts on 20000 20000
 *
 * Under `valgrind --tool=callgrind`, the instructions of one send are (Ir(warm + n) − Ir(warm)) / n:
 * run it twice, with n and with 0 (packages/otel/bench/README.md). Without valgrind it prints the
 * CPU µs per send of the measured part (noisy on a shared machine).
 */
import { createMailer, type Provider } from '@mailover/core';
import { instrument } from '@mailover/otel';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [mode = 'on', warmArgument = '20000', sendsArgument = '20000'] = process.argv.slice(2);
const warm = Number(warmArgument);
const sends = Number(sendsArgument);

let accepted = 0;
/** A provider that accepts at once: the cost measured is mailover's and the SDK's, not a network's. */
const provider: Provider = {
  specificationVersion: 'v1',
  id: 'esp',
  kind: 'sendgrid',
  ip: 'rotating',
  limits: {},
  async send() {
    return { providerMessageId: `esp-${accepted++}` };
  },
  classifyError: () => ({ code: 'unknown', outcome: 'unknown', message: 'unexpected' }),
} as Provider;

const mailer = createMailer({ providers: [provider] });
if (mode === 'on') {
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
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  instrument(mailer, { tracerProvider, meterProvider });
}

let next = 0;
const message = () => ({
  from: 'Shop <shop@example.com>',
  to: `customer${next++}@example.org`,
  subject: 'Your receipt',
  text: 'Thanks for your order.',
});
for (let index = 0; index < warm; index++) await mailer.send(message());
const start = process.cpuUsage();
for (let index = 0; index < sends; index++) await mailer.send(message());
const used = process.cpuUsage(start);
if (sends > 0)
  console.log(JSON.stringify({ mode, warm, sends, cpuMicrosPerSend: (used.user + used.system) / sends }));
process.exit(0);
