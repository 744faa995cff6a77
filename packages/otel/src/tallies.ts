/**
 * Per-message metric records without the SDK's per-record cost. Every `counter.add(1, attributes)`
 * makes the OpenTelemetry SDK hash the attribute set (sort its keys, JSON-encode it) to find the
 * series; on a send that is most of what a counter costs. The attribute sets a send records are
 * few and bounded (configured providers × codes × outcomes × strategies), so they are made once
 * each (`Series`), and the two counters of every send (`mailover.sends`, `mailover.provider.calls`)
 * are kept here as plain numbers on those series, reported by an ObservableCounter when a reader
 * collects: the same monotonic sum on the wire, one increment on the hot path.
 */
import type { Attributes, Meter, ObservableCounter, ObservableResult } from '@opentelemetry/api';

/** One attribute set, made once, with the count kept for it. */
export interface Series {
  readonly attributes: Attributes;
  count: number;
}

/**
 * The series of one pre-aggregated counter, observed at each collection. One per meter and
 * counter name, shared by every `instrument()` on that meter: two mailers on one MeterProvider add
 * up, as two `counter.add` calls would (two callbacks observing the same series would not: an
 * asynchronous instrument keeps one observation per series).
 */
export class Tally {
  private readonly byKey = new Map<string, Series>();
  private users = 0;
  private readonly callback = (result: ObservableResult) => {
    for (const series of this.byKey.values())
      if (series.count > 0) result.observe(series.count, series.attributes);
  };

  private constructor(private readonly counter: ObservableCounter) {}

  private static readonly byMeter = new WeakMap<Meter, Map<string, Tally>>();

  /** The meter's tally for `name` (observed through `counter`, the first one made), in use until `release()`. */
  static acquire(meter: Meter, name: string, counter: ObservableCounter): Tally {
    let tallies = Tally.byMeter.get(meter);
    if (!tallies) {
      tallies = new Map();
      Tally.byMeter.set(meter, tallies);
    }
    let tally = tallies.get(name);
    if (!tally) {
      tally = new Tally(counter);
      tallies.set(name, tally);
    }
    if (tally.users++ === 0) tally.counter.addCallback(tally.callback);
    return tally;
  }

  /** Stop observing once the last user released it; the counts stay (a counter never goes back). */
  release(): void {
    if (--this.users === 0) this.counter.removeCallback(this.callback);
  }

  /** The series for this attribute set (call once per set and cache it: see `cache2`). */
  series(attributes: Attributes): Series {
    const key = JSON.stringify(Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
    let series = this.byKey.get(key);
    if (!series) {
      series = { attributes, count: 0 };
      this.byKey.set(key, series);
    }
    return series;
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
