import { OUTAGE_CODES, type FailureCode } from '../failures.js';
import type { Provider } from '../provider.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import type { MailerEmitter } from './events.js';
import type { ResolvedBreaker } from './options.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface BreakerListener {
  open(code: FailureCode, until: number): void;
  close(): void;
}

/** Where instances share an open circuit: one instance seeing an outage spares the others. */
export interface SharedCircuit {
  /** Epoch ms until which another instance opened the circuit, if it did. */
  openUntil(): Promise<number | undefined>;
  /** Tell the other instances the circuit is open until `until`. */
  open(until: number): Promise<void>;
  /** Tell them it closed again. */
  close(): Promise<void>;
}

/**
 * One provider's circuit breaker: closed → open after `failureThreshold` consecutive outage
 * failures (or at once when the action table says `failover_and_open`) → half-open after `cooldownMs`, letting one probe
 * call through → closed on its success, open again on its failure.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openUntil = 0;
  private probeInFlight = false;

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
    private readonly clock: Clock,
    private readonly listener: BreakerListener,
    private readonly shared?: SharedCircuit,
  ) {}

  /** The state now (an open circuit past its cooldown reads as half-open). */
  current(): CircuitState {
    if (this.state === 'open' && this.clock.now() >= this.openUntil) return 'half-open';
    return this.state;
  }

  /**
   * May a call go through now? In half-open, only one probe at a time (per instance). Answers at
   * once unless a shared circuit has to be asked (so the common send awaits nothing here).
   */
  tryAcquire(): boolean | Promise<boolean> {
    const state = this.current();
    if (state === 'closed') {
      if (!this.shared) return true;
      // Another instance may have seen the outage already. A store that cannot answer must not
      // stop sending: treat it as closed.
      return this.shared.openUntil().then(
        (until) => until === undefined || until <= this.clock.now(),
        () => true,
      );
    }
    if (state === 'open' || this.probeInFlight) return false;
    this.state = 'half-open';
    this.probeInFlight = true;
    return true;
  }

  onSuccess(): void {
    this.probeInFlight = false;
    this.consecutiveFailures = 0;
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.shared?.close().catch(() => undefined);
      this.listener.close();
    }
  }

  /**
   * A call failed with `code`. `openNow` comes from the action table (`failover_and_open`): the
   * breaker keeps no list of its own, so an action overridden to `retry` really is retried.
   * Outage codes (failures.ts) count towards the threshold; any other answer proves the provider
   * reachable.
   */
  onFailure(code: FailureCode, openNow: boolean): void {
    const wasProbe = this.probeInFlight;
    this.probeInFlight = false;
    if (openNow) {
      this.open(code);
      return;
    }
    if (!OUTAGE_CODES.has(code)) {
      // The provider answered (a 429, a rejected message): it is reachable.
      if (wasProbe) this.onSuccess();
      return;
    }
    this.consecutiveFailures += 1;
    if (wasProbe || this.consecutiveFailures >= this.failureThreshold) this.open(code);
  }

  private open(code: FailureCode): void {
    // Calls already in flight when the circuit opened fail too: that is no news.
    if (this.state === 'open' && this.clock.now() < this.openUntil) return;
    this.state = 'open';
    this.openUntil = this.clock.now() + this.cooldownMs;
    this.consecutiveFailures = 0;
    this.shared?.open(this.openUntil).catch(() => undefined);
    this.listener.open(code, this.openUntil);
  }
}

/**
 * One breaker per provider (none with `breaker: false`), reporting through the mailer's events;
 * open circuits are shared through `sharedStore`, a store the user passed (such as Redis).
 */
export function circuitBreakers(
  providers: readonly Provider[],
  setting: ResolvedBreaker | false,
  clock: Clock,
  emitter: MailerEmitter,
  sharedStore: Store | undefined,
): Map<string, CircuitBreaker> {
  const breakers = new Map<string, CircuitBreaker>();
  if (setting === false) return breakers;
  const { failureThreshold, cooldownMs } = setting;
  for (const provider of providers) {
    breakers.set(
      provider.id,
      new CircuitBreaker(
        failureThreshold,
        cooldownMs,
        clock,
        {
          open: (code, until) => emitter.emit('circuit-open', { provider: provider.id, code, until }),
          close: () => emitter.emit('circuit-close', { provider: provider.id }),
        },
        sharedStore ? sharedCircuit(sharedStore, provider.id, clock) : undefined,
      ),
    );
  }
  return breakers;
}

/** Share open circuits through a store the user passed (a shared one, such as Redis). */
function sharedCircuit(store: Store, provider: string, clock: { now(): number }): SharedCircuit {
  const key = storeKeys.breaker(provider);
  return {
    async openUntil() {
      const value = await store.get(key);
      return value === undefined ? undefined : Number(value);
    },
    open: (until) => store.set(key, String(until), Math.max(1, until - clock.now())),
    close: () => store.delete(key),
  };
}
