/**
 * A fixed table looked up by outside input (a webhook's event name, a provider's error name, a
 * header or field name someone wrote): frozen and without a prototype, so `table['constructor']`
 * or `table['__proto__']` is undefined rather than something of `Object.prototype`.
 */
export function lookupTable<Value>(
  entries: Readonly<Record<string, Value>>,
): Readonly<Record<string, Value>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, Value>, entries));
}
