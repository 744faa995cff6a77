/**
 * The OpenTelemetry SDK with its in-memory exporters, as a user's test would set it up, and readers
 * that turn what was exported into plain values to compare exactly.
 */
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface Telemetry {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** Every finished span, in the order they ended. */
  spans(): ReadableSpan[];
  /** Every metric data point now, as `name{attr=value,…}` → value (sum, gauge, or histogram {count, sum}). */
  metrics(): Promise<Record<string, number | { count: number; sum: number }>>;
  shutdown(): Promise<void>;
}

export function telemetry(): Telemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exported on demand (forceFlush), never on a timer: what a test reads does not depend on time.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    async metrics() {
      metricExporter.reset();
      await reader.forceFlush();
      const points: Record<string, number | { count: number; sum: number }> = {};
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            for (const point of metric.dataPoints) {
              const key = seriesKey(metric.descriptor.name, point.attributes);
              points[key] =
                metric.dataPointType === DataPointType.HISTOGRAM
                  ? {
                      count: (point.value as { count: number }).count,
                      sum: (point.value as { sum: number }).sum,
                    }
                  : (point.value as number);
            }
          }
        }
      }
      return points;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** `name{a=1,b=x}` with the attributes sorted, as a Prometheus series reads. */
function seriesKey(name: string, attributes: Record<string, unknown>): string {
  const labels = Object.keys(attributes)
    .sort()
    .map((key) => `${key}=${String(attributes[key])}`);
  return `${name}{${labels.join(',')}}`;
}

/** A span as plain values: name, parent, times relative to `origin`, attributes, events, links, status. */
export function describeSpan(span: ReadableSpan, origin = 0) {
  return {
    name: span.name,
    kind: span.kind,
    start: hrTimeToMilliseconds(span.startTime) - origin,
    end: hrTimeToMilliseconds(span.endTime) - origin,
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      at: hrTimeToMilliseconds(event.time) - origin,
      attributes: event.attributes,
    })),
    links: span.links.map((link) => link.context.spanId),
    status: span.status,
  };
}

/** The span with `name` (and, if given, the attribute values) — exactly one, or the test fails. */
export function only(spans: readonly ReadableSpan[], name: string, attributes: Record<string, unknown> = {}) {
  const found = spans.filter(
    (span) =>
      span.name === name &&
      Object.entries(attributes).every(([key, value]) => span.attributes[key] === value),
  );
  if (found.length !== 1)
    throw new Error(`expected one ${name} span ${JSON.stringify(attributes)}, found ${found.length}`);
  return found[0]!;
}

/** The parent span id of `span` (SDK 2.x names it parentSpanContext). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
