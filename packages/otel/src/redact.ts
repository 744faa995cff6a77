/** The domain of an address, lower case: what spans and logs carry unless addresses are opted in. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The distinct domains of `addresses`, sorted: stable attribute values whatever the order. */
export function domainsOf(addresses: readonly string[]): string[] {
  if (addresses.length === 1) return [domainOf(addresses[0]!)];
  return [...new Set(addresses.map(domainOf))].sort();
}

/**
 * A Map that keeps at most `limit` entries, dropping the oldest: state kept per message (open spans,
 * span contexts for later links) must not grow with traffic.
 */
export class BoundedMap<Key, Value> extends Map<Key, Value> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: Key, value: Value): this {
    if (super.has(key)) super.delete(key); // to the end: the newest
    super.set(key, value);
    if (this.size > this.limit) super.delete(this.keys().next().value as Key);
    return this;
  }
}
