/**
 * A worker process for queue-processes.test.ts: `node --import tsx --conditions=mailover-source
 * worker.ts`, configured by MAILOVER_OTEL_WORKER (JSON, see WorkerConfig). It works the durable
 * queue with an instrumented mailer whose spans go to the SDK's in-memory exporter, and prints
 * each finished `mailover.send` span as one line `send {json}`; after `sends` of them it exits.
 * Prints `ready` once the mailer is built.
 */
import { instrument } from '@mailover/otel';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { buildMailer, type WorkerConfig } from './backend.js';

const config = JSON.parse(process.env.MAILOVER_OTEL_WORKER ?? '{}') as WorkerConfig & {
  readonly sends: number;
};
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const mailer = buildMailer(config, true);
instrument(mailer, { tracerProvider });
let reported = 0;
const report = () => {
  // The instrumentation's listener ran first (it subscribed first): the span is exported.
  for (const span of exporter.getFinishedSpans()) {
    if (span.name !== 'mailover.send') continue;
    process.stdout.write(
      `send ${JSON.stringify({
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
        links: span.links.map((link) => ({
          traceId: link.context.traceId,
          spanId: link.context.spanId,
          attributes: link.attributes,
        })),
      })}\n`,
    );
    reported++;
  }
  exporter.reset();
  if (reported >= config.sends) {
    mailer.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
};
mailer.on('sent', report);
mailer.on('failed', report);
process.on('SIGTERM', () => process.exit(0));
process.stdout.write('ready\n');
