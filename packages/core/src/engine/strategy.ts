import type { Provider } from '../provider.js';
import type { Strategy } from './types.js';

/** Order the providers for one message according to the strategy. */
export function orderProviders(
  providers: readonly Provider[],
  strategy: Strategy,
  state: { roundRobin: number },
  random: () => number,
): readonly Provider[] {
  // Nobody changes the order they get: the configured array itself will do.
  if (strategy === 'priority') return providers;
  if (strategy === 'round-robin') {
    const start = state.roundRobin++ % providers.length;
    return [...providers.slice(start), ...providers.slice(0, start)];
  }
  // Weighted random order without replacement (Efraimidis–Spirakis): key = u^(1/w), highest first.
  return providers
    .map((provider) => {
      const weight = strategy.weights[provider.id] ?? 1;
      const key = weight > 0 ? random() ** (1 / weight) : -1;
      return { provider, key };
    })
    .sort((a, b) => b.key - a.key)
    .map((entry) => entry.provider);
}
