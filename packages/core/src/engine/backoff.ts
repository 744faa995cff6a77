/**
 * Exponential backoff with full jitter: the n-th retry waits a random time in
 * [0, min(maxDelayMs, minDelayMs × factor^(n-1))], floored at minDelayMs / 2 so retries never spin.
 */
export function backoffDelay(
  retry: number,
  options: { readonly minDelayMs: number; readonly maxDelayMs: number; readonly factor: number },
  random: () => number,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * options.factor ** (retry - 1));
  const floor = Math.min(ceiling, options.minDelayMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}
