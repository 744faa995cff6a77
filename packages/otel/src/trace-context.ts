/**
 * The W3C Trace Context carrier a queued job keeps (docs/observability.md, "Queued sends"), written
 * and read here rather than through the global propagator: the link from a worker's send to its
 * enqueue then holds whatever propagator the application registered (or none), and a carrier read
 * back from Redis or a database, which anyone with access could have written, is parsed strictly:
 * anything that is not a valid `traceparent` is no link, never an exception.
 */
import { createTraceState, isSpanContextValid, type SpanContext, TraceFlags } from '@opentelemetry/api';

/** version-traceid-parentid-flags, lower-case hex (W3C Trace Context, level 1 and 2). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[\x21-\x7e]*)?$/;
/** W3C's limit on a tracestate header worth parsing. */
const MAX_TRACESTATE = 512;

/** `{ traceparent, tracestate? }` for a span context. */
export function carrierOf(spanContext: SpanContext): Record<string, string> {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  const carrier: Record<string, string> = {
    traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
  };
  const state = spanContext.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}

/** The remote span context a carrier names, or undefined when it names none validly. */
export function spanContextFrom(
  carrier: Readonly<Record<string, string>> | undefined,
): SpanContext | undefined {
  const header = carrier?.traceparent;
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  // Version ff is forbidden; version 00 has exactly four fields; later versions may add more.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  if (!isSpanContextValid(spanContext)) return undefined;
  const state = carrier?.tracestate;
  if (typeof state === 'string' && state.length > 0 && state.length <= MAX_TRACESTATE) {
    try {
      spanContext.traceState = createTraceState(state);
    } catch {
      // an unreadable tracestate is dropped; the link still holds
    }
  }
  return spanContext;
}
