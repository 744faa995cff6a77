/**
 * Per-message metric records without the SDK's per-record cost. Every `counter.add(1, attributes)`
 * makes the OpenTelemetry SDK hash the attribute set (sort its keys, JSON-encode it) to find the
 * series; on a send that is most of what a counter costs. The attribute sets a send records are
 * few and bounded (configured providers × codes × outcomes × strategies), so they are made once
 * each (`Series`), and the two counters of every send (`mailover.sends`, `mailover.provider.calls`)
 * are kept here as plain numbers on those series, reported by an ObservableCounter when a reader
 * collects: the same monotonic sum on the wire, one increment on the hot path.
 */
import type { Attributes, ObservableCounter, ObservableResult } from '@opentelemetry/api';

/** One attribute set, made once, with the count kept for it. */
export interface Series {
  readonly attributes: Attributes;
  count: number;
}

/** The series of one pre-aggregated counter, observed at each collection. */
export class Tally {
  private readonly all: Series[] = [];
  private readonly callback = (result: ObservableResult) => {
    for (const series of this.all) if (series.count > 0) result.observe(series.count, series.attributes);
  };

  constructor(private readonly counter: ObservableCounter) {
    counter.addCallback(this.callback);
  }

  /** A new series of this counter (call once per attribute set: see `cache2`). */
  series(attributes: Attributes): Series {
    const made = { attributes, count: 0 };
    this.all.push(made);
    return made;
  }

  stop(): void {
    this.counter.removeCallback(this.callback);
  }
}

/** `make(a, b)`, made once per pair: nested Maps, no key string built per call. */
export function cache2<Value>(make: (a: string, b: string) => Value): (a: string, b: string) => Value {
  const made = new Map<string, Map<string, Value>>();
  return (a, b) => {
    let inner = made.get(a);
    if (!inner) {
      inner = new Map();
      made.set(a, inner);
    }
    let value = inner.get(b);
    if (value === undefined) {
      value = make(a, b);
      inner.set(b, value);
    }
    return value;
  };
}
