/**
 * The trace context a queued job carries from its `enqueue()` to the worker that sends it, in
 * another process, later (docs/observability.md, "Queued sends"). Core never imports
 * OpenTelemetry: the carrier is an opaque map of header-like strings (W3C `traceparent` and
 * `tracestate`), filled by whoever registered an {@link EnqueueTracer} (`@mailover/otel`) or passed
 * by the caller as `enqueue(message, { trace })`, stored in the job's payload, and handed back on
 * the worker's `job` event. Its size is bounded, and a carrier read back from a queue (which anyone
 * with access to Redis or the database could have written) is checked again and dropped when it
 * does not fit, never thrown on.
 */

/** Header-like names and string values, as `propagation.inject` writes them to a plain object. */
export type TraceCarrier = Readonly<Record<string, string>>;

/** At most this many entries (traceparent, tracestate, baggage, a vendor's header or two). */
export const TRACE_CARRIER_MAX_ENTRIES = 8;
/** At most this many characters in one value (W3C tracestate's own limit is 512; baggage 8 192). */
export const TRACE_CARRIER_MAX_VALUE = 8_192;
/** At most this many characters in all names and values together. */
export const TRACE_CARRIER_MAX_TOTAL = 16_384;
/** An HTTP header name (RFC 9110 token), as propagators use, up to 256 characters. */
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** Visible ASCII and spaces only: what a header value may hold, nothing that breaks a log line. */
const VALUE = /^[\x20-\x7e]*$/;

/**
 * Why `value` is not a trace carrier, or undefined when it is one: a plain object of at most
 * {@link TRACE_CARRIER_MAX_ENTRIES} header names to printable-ASCII strings within the size limits.
 */
export function traceCarrierProblem(value: unknown): string | undefined {
  const read = readEntries(value);
  return typeof read === 'string' ? read : undefined;
}

/**
 * A copy of `value` when it is a valid carrier with at least one entry, else undefined (never
 * throws). The copy is made from the same single read of `value` that was checked (a getter or a
 * proxy cannot hand over one thing to the check and another to the copy), as a frozen object
 * without a prototype.
 */
export function readTraceCarrier(value: unknown): TraceCarrier | undefined {
  if (value === undefined) return undefined;
  const read = readEntries(value);
  if (typeof read === 'string' || read.length === 0) return undefined;
  const carrier: Record<string, string> = Object.create(null);
  for (const [name, entry] of read) carrier[name] = entry;
  return Object.freeze(carrier);
}

/** The entries of `value`, read once, or why they do not make a carrier. */
function readEntries(value: unknown): [string, string][] | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'must be an object of header names to strings, such as { traceparent: "00-…" }';
  let entries: [string, unknown][];
  try {
    entries = Object.entries(value);
  } catch {
    return 'could not be read (a getter or proxy threw)';
  }
  if (entries.length > TRACE_CARRIER_MAX_ENTRIES)
    return `has ${entries.length} entries; at most ${TRACE_CARRIER_MAX_ENTRIES} are kept with a job`;
  let total = 0;
  for (const [name, entry] of entries) {
    if (!NAME.test(name))
      return `has the name ${JSON.stringify(name.slice(0, 40))}, which is not a header name`;
    if (typeof entry !== 'string') return `.${name} must be a string (got ${typeof entry})`;
    if (entry.length > TRACE_CARRIER_MAX_VALUE)
      return `.${name} is ${entry.length} characters long; at most ${TRACE_CARRIER_MAX_VALUE}`;
    if (!VALUE.test(entry)) return `.${name} holds characters a header value cannot (printable ASCII only)`;
    total += name.length + entry.length;
  }
  if (total > TRACE_CARRIER_MAX_TOTAL)
    return `is ${total} characters in all; at most ${TRACE_CARRIER_MAX_TOTAL} are kept with a job`;
  return entries as [string, string][];
}

/** The job an {@link EnqueueTracer} is told about, before it is stored. */
export interface EnqueueStart {
  readonly id: string;
  readonly messageId: string;
  /** Due at (ms since the epoch, the mailer's clock). */
  readonly runAt: number;
  readonly priority: number;
  /** The queue backend's name (`memory`, `bullmq`, `pg-boss`). */
  readonly queue: string;
  /** When `enqueue()` began (the mailer's clock). */
  readonly startedAt: number;
}

/** How `enqueue()` ended, for the tracer's span. */
export interface EnqueueEnd {
  /** The enqueue failed with this (the job was not stored). */
  readonly error?: unknown;
  /** A job with this id (the same idempotency key) was already stored: nothing new was added. */
  readonly duplicate?: boolean;
  /** When it ended (the mailer's clock). */
  readonly endedAt: number;
}

/**
 * Registered with `mailer.traceEnqueues(tracer)` (by `@mailover/otel`): called synchronously at
 * every `enqueue()`, in the caller's async context, so it can read the active trace. What it
 * returns is stored with the job (`carrier`) and told how the enqueue ended (`end`). It must not
 * throw; if it does, the enqueue goes on without a carrier and the error is a process warning.
 */
export interface EnqueueTracer {
  start(job: EnqueueStart): EnqueueTrace | undefined;
}

export interface EnqueueTrace {
  /** The trace context to store with the job (checked: see {@link traceCarrierProblem}). */
  readonly carrier?: TraceCarrier;
  end?(outcome: EnqueueEnd): void;
}

/** The registered tracers of one mailer (usually none or one). */
export class EnqueueTracers {
  private readonly tracers = new Set<EnqueueTracer>();

  add(tracer: EnqueueTracer): () => void {
    this.tracers.add(tracer);
    return () => {
      this.tracers.delete(tracer);
    };
  }

  /**
   * Start every tracer for `job`: the carrier to store (`explicit`, the caller's, wins over the
   * tracers') and one function that ends them all. Nothing is built when none is registered.
   */
  start(
    job: EnqueueStart,
    explicit: TraceCarrier | undefined,
  ): { carrier: TraceCarrier | undefined; end: ((outcome: EnqueueEnd) => void) | undefined } {
    if (this.tracers.size === 0) return { carrier: explicit, end: undefined };
    let carrier = explicit;
    const ends: ((outcome: EnqueueEnd) => void)[] = [];
    for (const tracer of this.tracers) {
      try {
        const started = tracer.start(job);
        if (started?.end) ends.push(started.end.bind(started));
        if (carrier === undefined && started?.carrier !== undefined) {
          carrier = readTraceCarrier(started.carrier);
          if (carrier === undefined && traceCarrierProblem(started.carrier) !== undefined)
            process.emitWarning(
              `mailover: an enqueue tracer returned a carrier that ${traceCarrierProblem(started.carrier)}; the job is stored without it`,
            );
        }
      } catch (error) {
        process.emitWarning(`mailover: an enqueue tracer threw: ${String(error)}`);
      }
    }
    return {
      carrier,
      end:
        ends.length === 0
          ? undefined
          : (outcome) => {
              for (const end of ends) {
                try {
                  end(outcome);
                } catch (error) {
                  process.emitWarning(`mailover: an enqueue tracer threw: ${String(error)}`);
                }
              }
            },
    };
  }
}
