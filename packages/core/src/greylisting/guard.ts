import type { DeliveryEvent } from '../delivery-event.js';
import type { MailerEmitter } from '../engine/events.js';
import type { Deliver } from '../engine/deliver.js';
import { fromStoredMessage, providerMessageKey, type Tracker } from '../engine/tracking.js';
import type { Provider } from '../provider.js';
import type { Scheduler } from '../store/scheduler.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { type DeferralEvidence, detectGreylistLoop, type ResolvedGreylistPolicy } from './detector.js';

const FAILOVER_JOB = 'greylist-failover';
const RECHECK_JOB = 'greylist-recheck';
const TERMINAL = new Set(['delivered', 'bounced', 'dropped', 'complained']);

interface JobPayload {
  readonly id: string;
  readonly recipient: string;
  readonly detail?: string;
}

export interface GreylistGuardDependencies {
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly tracker: Tracker;
  readonly deliver: Deliver;
  readonly emitter: MailerEmitter;
  readonly clock: Clock;
  readonly policy: ResolvedGreylistPolicy;
  readonly providers: ReadonlyMap<string, Provider>;
  /** The `ip: 'fixed'` providers, in priority order. */
  readonly fixed: readonly Provider[];
  readonly retentionMs: number;
}

/**
 * The greylisting-loop policy (DESIGN.md §5): collects greylisting deferrals from rotating-IP
 * providers, decides when they are a loop, claims the (message, recipient) once — across duplicate
 * webhooks, concurrent handlers and instances — re-sends to that recipient only through a fixed-IP
 * provider with the same Message-ID, and remembers the domain.
 */
export class GreylistGuard {
  constructor(private readonly deps: GreylistGuardDependencies) {
    deps.scheduler.handle(FAILOVER_JOB, (payload) => this.failover(JSON.parse(payload) as JobPayload));
    deps.scheduler.handle(RECHECK_JOB, (payload) => this.recheck(JSON.parse(payload) as JobPayload));
  }

  /** Is this deferral evidence of a greylisting loop worth recording? */
  isEvidence(event: DeliveryEvent): boolean {
    return (
      event.type === 'deferred' &&
      event.smtp?.classification.category === 'greylisting' &&
      this.deps.providers.get(event.provider)?.ip === 'rotating' &&
      this.deps.fixed.length > 0
    );
  }

  /** Record one greylisting deferral of message `id` and act if it completes a loop. */
  async onDeferred(id: string, event: DeliveryEvent): Promise<void> {
    const { store, clock, policy, retentionMs } = this.deps;
    const evidence: DeferralEvidence = {
      time: event.time,
      provider: event.provider,
      ...(event.sendingIp ? { sendingIp: event.sendingIp } : {}),
      ...(event.attempt === undefined ? {} : { attempt: event.attempt }),
    };
    const key = evidenceKey(id, event.recipient);
    const count = await store.append(key, JSON.stringify(evidence), retentionMs);
    const payload = JSON.stringify({ id, recipient: event.recipient } satisfies JobPayload);
    if (count === 1) {
      // The window rule must fire even if no further event ever arrives.
      const delay = Math.max(0, event.time + policy.windowMs - clock.now());
      await this.deps.scheduler.schedule(RECHECK_JOB, payload, delay, `recheck:${id}:${event.recipient}`);
    }
    await this.evaluate(id, event.recipient);
  }

  private async recheck(payload: JobPayload): Promise<void> {
    await this.evaluate(payload.id, payload.recipient);
  }

  private async evaluate(id: string, recipient: string): Promise<void> {
    const { store, clock, policy, emitter, tracker } = this.deps;
    const evidence = (await store.list(evidenceKey(id, recipient))).map(
      (line) => JSON.parse(line) as DeferralEvidence,
    );
    const verdict = detectGreylistLoop(evidence, policy, clock.now());
    if (!verdict.loop) return;
    const status = await tracker.status(id);
    const state = status?.recipients[recipient]?.state;
    if (state && TERMINAL.has(state)) return; // delivered meanwhile: nothing to do
    // At most one failover per (message, recipient), whoever sees the loop first.
    const claimed = await store.claim(
      `claim:greylist:${id}:${recipient.toLowerCase()}`,
      '1',
      this.deps.retentionMs,
    );
    if (!claimed) return;
    const domain = domainOf(recipient);
    const fixed = this.deps.fixed[0]!;
    const until = clock.now() + policy.domainMemoryMs;
    const remember = policy.domainMemoryMs > 0;
    if (remember) {
      await store.set(
        `domain:${domain}`,
        JSON.stringify({ provider: fixed.id, until }),
        policy.domainMemoryMs,
      );
    }
    await tracker.appendHistory(id, {
      time: clock.now(),
      type: 'greylist-loop',
      provider: evidence.at(-1)?.provider ?? '',
      recipient,
      detail: `${verdict.detail}; re-sending through ${fixed.id} (fixed IP)${remember ? `; ${domain} now goes to ${fixed.id} first` : ''}`,
    });
    emitter.emit('greylist-loop', { id, recipient, rule: verdict.rule!, detail: verdict.detail, evidence });
    if (remember) emitter.emit('domain-learned', { domain, provider: fixed.id, until });
    await this.deps.scheduler.schedule(
      FAILOVER_JOB,
      JSON.stringify({ id, recipient, detail: verdict.detail } satisfies JobPayload),
      0,
      `failover:${id}:${recipient}`,
    );
  }

  /** Re-send message `id` to `recipient` only, through the fixed-IP providers, same Message-ID. */
  private async failover({ id, recipient }: JobPayload): Promise<void> {
    const { tracker, clock, emitter, store, retentionMs } = this.deps;
    // Jobs run at least once (a worker that died mid-job is re-run elsewhere): skip a re-send that
    // already happened. Only a crash between the provider's acceptance and this record duplicates.
    const done = await store.get(`failover-done:${id}:${recipient.toLowerCase()}`);
    if (done) return;
    const record = await tracker.record(id);
    if (!record?.content) {
      await tracker.appendHistory(id, {
        time: clock.now(),
        type: 'failover-failed',
        provider: '',
        recipient,
        detail: 'the message content is no longer stored (retention passed); cannot re-send',
      });
      return;
    }
    const message = fromStoredMessage(record.content);
    try {
      const result = await this.deps.deliver(message, this.deps.fixed, {}, [recipient]);
      // The re-send went out: failing to record that must not report it as failed.
      await store
        .set(`failover-done:${id}:${recipient.toLowerCase()}`, result.provider, retentionMs)
        .catch((error: unknown) =>
          process.emitWarning(
            `mailover: re-sent ${id} to ${recipient} but could not mark it done: ${String(error)}`,
          ),
        );

      await store.set(providerMessageKey(result.provider, result.providerMessageId), id, retentionMs);
      await tracker.appendHistory(id, {
        time: clock.now(),
        type: 'failover-sent',
        provider: result.provider,
        recipient,
        detail: `re-sent through ${result.provider} (${result.providerMessageId}) with the same Message-ID`,
      });
      emitter.emit('greylist-failover', {
        id,
        recipient,
        provider: result.provider,
        providerMessageId: result.providerMessageId,
      });
    } catch (error) {
      await tracker.appendHistory(id, {
        time: clock.now(),
        type: 'failover-failed',
        provider: this.deps.fixed[0]!.id,
        recipient,
        detail: `re-send failed: ${error instanceof Error ? error.message : String(error)}; the first provider keeps retrying`,
      });
    }
  }

  /** Fixed-IP providers first when a recipient's domain is remembered as greylisting. */
  async route(
    recipients: readonly string[],
    order: readonly Provider[],
  ): Promise<{ order: Provider[]; domain?: string }> {
    if (this.deps.fixed.length === 0) return { order: [...order] };
    const domains = [...new Set(recipients.map(domainOf))];
    // Domain memory only improves routing: a store that cannot answer must not stop sending.
    const remembered = await Promise.all(
      domains.map((domain) => this.deps.store.get(`domain:${domain}`).catch(() => undefined)),
    );
    const index = remembered.findIndex((value) => value !== undefined);
    if (index < 0) return { order: [...order] };
    const fixedIds = new Set(this.deps.fixed.map((provider) => provider.id));
    return {
      order: [
        ...order.filter((provider) => fixedIds.has(provider.id)),
        ...order.filter((provider) => !fixedIds.has(provider.id)),
      ],
      domain: domains[index]!,
    };
  }
}

function evidenceKey(id: string, recipient: string): string {
  return `grey:${id}:${recipient.toLowerCase()}`;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
