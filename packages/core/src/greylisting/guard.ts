import type { DeliveryEvent } from '../delivery-event.js';
import type { MailerEmitter } from '../engine/events.js';
import type { Deliver } from '../engine/deliver.js';
import { recipientOf } from '../engine/ingest.js';
import { fromStoredMessage, providerMessageKey, type Tracker } from '../engine/tracking.js';
import type { Provider } from '../provider.js';
import type { Scheduler } from '../store/scheduler.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { type DeferralEvidence, detectGreylistLoop, type ResolvedGreylistPolicy } from './detector.js';

const FAILOVER_JOB = 'greylist-failover';
const RECHECK_JOB = 'greylist-recheck';
/** States a greylisting deferral can still move: anything later (re-sent, delivered, bounced…) is final for it. */
const OPEN_STATES: ReadonlySet<string> = new Set(['accepted', 'deferred']);
/**
 * Evidence kept per (message, recipient), beyond what the policy's rules need. Each deferral is an
 * authentic provider retry, but the list is re-read on every one: without a cap a provider retrying
 * for days (or a policy that never fires) made that quadratic.
 */
const EVIDENCE_HEADROOM = 32;

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

  /**
   * Record one greylisting deferral of message `id` and act if it completes a loop. The event is
   * attributed already (engine/ingest.ts): `id` is a stored message, `event.recipient` one of its
   * recipients in the message's spelling, and the event came from the provider that sent it.
   */
  async onDeferred(id: string, event: DeliveryEvent): Promise<void> {
    const { store, clock, policy, retentionMs } = this.deps;
    const key = evidenceKey(id, event.recipient);
    // Once the failover is claimed, or the evidence is full, further deferrals change nothing.
    const [claimed, full] = await Promise.all([
      store.get(claimKey(id, event.recipient)),
      store.get(`${key}:full`),
    ]);
    if (claimed !== undefined || full !== undefined) return;
    const evidence: DeferralEvidence = {
      time: event.time,
      provider: event.provider,
      ...(event.sendingIp ? { sendingIp: event.sendingIp } : {}),
      ...(event.attempt === undefined ? {} : { attempt: event.attempt }),
    };
    const count = await store.append(key, JSON.stringify(evidence), retentionMs);
    if (count >= Math.max(policy.deferrals, policy.distinctNetworks) + EVIDENCE_HEADROOM) {
      await store.set(`${key}:full`, '1', retentionMs);
    }
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
    // Only a stored message whose recipient is still waiting: domain memory is learned from loops
    // on real messages, and a recipient delivered (or re-sent) meanwhile needs nothing.
    const status = await tracker.status(id);
    const state = status?.recipients[recipient]?.state;
    if (!state || !OPEN_STATES.has(state)) return;
    // At most one failover per (message, recipient), whoever sees the loop first.
    const claimed = await store.claim(claimKey(id, recipient), '1', this.deps.retentionMs);
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
    if (await tracker.resentBy(id, recipient)) return;
    const record = await tracker.record(id);
    // The job names the recipient; re-send only to one of the stored message's own.
    const target = record ? recipientOf(record, recipient) : undefined;
    if (!record || !target) {
      process.emitWarning(
        `mailover: greylisting re-send of ${id} skipped: not a recipient of a stored message`,
      );
      return;
    }
    if (!record.content) {
      await tracker.appendHistory(id, {
        time: clock.now(),
        type: 'failover-failed',
        provider: '',
        recipient: target,
        detail: 'the message content is no longer stored (retention passed); cannot re-send',
      });
      return;
    }
    const message = fromStoredMessage(record.content);
    try {
      const result = await this.deps.deliver(message, this.deps.fixed, {}, [target]);
      // The re-send went out: failing to record that must not report it as failed.
      await tracker
        .markResent(id, target, result.provider)
        .catch((error: unknown) =>
          process.emitWarning(
            `mailover: re-sent ${id} to ${target} but could not mark it done: ${String(error)}`,
          ),
        );

      await store.set(providerMessageKey(result.provider, result.providerMessageId), id, retentionMs);
      await tracker.appendHistory(id, {
        time: clock.now(),
        type: 'failover-sent',
        provider: result.provider,
        recipient: target,
        detail: `re-sent through ${result.provider} (${result.providerMessageId}) with the same Message-ID`,
      });
      emitter.emit('greylist-failover', {
        id,
        recipient: target,
        provider: result.provider,
        providerMessageId: result.providerMessageId,
      });
    } catch (error) {
      await tracker.appendHistory(id, {
        time: clock.now(),
        type: 'failover-failed',
        provider: this.deps.fixed[0]!.id,
        recipient: target,
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

function claimKey(id: string, recipient: string): string {
  return `claim:greylist:${id}:${recipient.toLowerCase()}`;
}

function evidenceKey(id: string, recipient: string): string {
  return `grey:${id}:${recipient.toLowerCase()}`;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
