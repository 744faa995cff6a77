import type { DeliveryEvent } from '../delivery-event.js';
import type { Provider } from '../provider.js';
import { jobIds, storeKeys } from '../store/keys.js';
import type { Scheduler } from '../store/scheduler.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { type DeferralEvidence, detectGreylistLoop, type ResolvedGreylistPolicy } from './detector.js';
import type { MxHosts } from './mx-hosts.js';
import type { GreylistEmit, GreylistRecords, Resend } from './ports.js';

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
  readonly records: GreylistRecords;
  readonly resend: Resend;
  readonly emit: GreylistEmit;
  readonly clock: Clock;
  readonly policy: ResolvedGreylistPolicy;
  readonly providers: ReadonlyMap<string, Provider>;
  /** The `ip: 'fixed'` providers, in priority order. */
  readonly fixed: readonly Provider[];
  readonly retentionMs: number;
  /** Recipient domains' mail exchangers, when MX memory is on (docs/greylisting-mx.md). */
  readonly mxHosts?: MxHosts;
}

/** Why a message went to the fixed-IP provider first. */
export interface RouteReason {
  /** The recipient domain that decided. */
  readonly domain: string;
  /** `domain`: the domain itself looped before; `mx`: another domain behind the same MX host did. */
  readonly rule: 'domain' | 'mx';
  /** For `mx`: the shared exchanger, and the domain whose loop taught it. */
  readonly mxHost?: string;
  readonly learnedFrom?: string;
}

/**
 * The greylisting-loop policy (docs/greylisting.md): collects greylisting deferrals from
 * rotating-IP providers, decides when they are a loop, claims the (message, recipient) once —
 * across duplicate webhooks, concurrent handlers and instances — re-sends to that recipient only
 * through a fixed-IP provider with the same Message-ID, and remembers the domain.
 */
export class GreylistGuard {
  constructor(private readonly deps: GreylistGuardDependencies) {
    deps.scheduler.handle(FAILOVER_JOB, (payload) => this.failover(JSON.parse(payload) as JobPayload));
    deps.scheduler.handle(RECHECK_JOB, (payload) => this.evaluate(JSON.parse(payload) as JobPayload));
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
    const recipient = event.recipient;
    // Once the failover is claimed, or the evidence is full, further deferrals change nothing.
    const [claimed, full] = await Promise.all([
      store.get(storeKeys.greylistClaim(id, recipient)),
      store.get(storeKeys.evidenceFull(id, recipient)),
    ]);
    if (claimed !== undefined || full !== undefined) return;
    const evidence: DeferralEvidence = {
      time: event.time,
      provider: event.provider,
      ...(event.sendingIp ? { sendingIp: event.sendingIp } : {}),
      ...(event.attempt === undefined ? {} : { attempt: event.attempt }),
    };
    const count = await store.append(
      storeKeys.evidence(id, recipient),
      JSON.stringify(evidence),
      retentionMs,
    );
    if (count >= Math.max(policy.deferrals, policy.distinctNetworks) + EVIDENCE_HEADROOM) {
      await store.set(storeKeys.evidenceFull(id, recipient), '1', retentionMs);
    }
    if (count === 1) {
      // The window rule must fire even if no further event ever arrives.
      const delay = Math.max(0, event.time + policy.windowMs - clock.now());
      await this.deps.scheduler.schedule(
        RECHECK_JOB,
        JSON.stringify({ id, recipient } satisfies JobPayload),
        delay,
        jobIds.greylistRecheck(id, recipient),
      );
    }
    await this.evaluate({ id, recipient });
  }

  private async evaluate({ id, recipient }: JobPayload): Promise<void> {
    const { store, clock, policy, records, emit } = this.deps;
    const evidence = (await store.list(storeKeys.evidence(id, recipient))).map(
      (line) => JSON.parse(line) as DeferralEvidence,
    );
    const verdict = detectGreylistLoop(evidence, policy, clock.now());
    if (!verdict.loop) return;
    // Only a stored message whose recipient is still waiting: domain memory is learned from loops
    // on real messages, and a recipient delivered (or re-sent) meanwhile needs nothing.
    const state = await records.recipientState(id, recipient);
    if (!state || !OPEN_STATES.has(state)) return;
    // At most one failover per (message, recipient), whoever sees the loop first.
    if (!(await store.claim(storeKeys.greylistClaim(id, recipient), '1', this.deps.retentionMs))) return;
    const domain = domainOf(recipient);
    const fixed = this.deps.fixed[0]!;
    const until = clock.now() + policy.domainMemoryMs;
    const remember = policy.domainMemoryMs > 0;
    // Greylisting belongs to the receiving server: its exchangers are remembered too, so other
    // domains behind them go to the fixed IP first. DNS that fails only leaves them out.
    const mxHosts = remember && this.deps.mxHosts ? await this.deps.mxHosts.hosts(domain) : [];
    if (remember) {
      const memory = JSON.stringify({ provider: fixed.id, until, domain });
      await Promise.all([
        store.set(storeKeys.domain(domain), memory, policy.domainMemoryMs),
        ...mxHosts.map((host) => store.set(storeKeys.mxHost(host), memory, policy.domainMemoryMs)),
      ]);
    }
    const learnedMx = mxHosts.length > 0 ? ` (and its MX ${mxHosts.join(', ')})` : '';
    await records.appendHistory(id, {
      time: clock.now(),
      type: 'greylist-loop',
      provider: evidence.at(-1)?.provider ?? '',
      recipient,
      detail: `${verdict.detail}; re-sending through ${fixed.id} (fixed IP)${remember ? `; ${domain}${learnedMx} now goes to ${fixed.id} first` : ''}`,
    });
    emit('greylist-loop', { id, recipient, rule: verdict.rule!, detail: verdict.detail, evidence });
    if (remember) emit('domain-learned', { domain, provider: fixed.id, until, mxHosts });
    await this.deps.scheduler.schedule(
      FAILOVER_JOB,
      JSON.stringify({ id, recipient, detail: verdict.detail } satisfies JobPayload),
      0,
      jobIds.greylistFailover(id, recipient),
    );
  }

  /** Re-send message `id` to `recipient` only, through the fixed-IP providers, same Message-ID. */
  private async failover({ id, recipient }: JobPayload): Promise<void> {
    const { records, clock, emit } = this.deps;
    // Jobs run at least once (a worker that died mid-job is re-run elsewhere): skip a re-send that
    // already happened. Only a crash between the provider's acceptance and this record duplicates.
    if (await records.resentBy(id, recipient)) return;
    const stored = await records.resendable(id);
    // The job names the recipient; re-send only to one of the stored message's own.
    const target = stored?.recipients.find((address) => address.toLowerCase() === recipient.toLowerCase());
    if (!stored || !target) {
      process.emitWarning(
        `mailover: greylisting re-send of ${id} skipped: not a recipient of a stored message`,
      );
      return;
    }
    if (!stored.message) {
      await records.appendHistory(id, {
        time: clock.now(),
        type: 'failover-failed',
        provider: '',
        recipient: target,
        detail: 'the message content is no longer stored (retention passed); cannot re-send',
      });
      return;
    }
    try {
      const result = await this.deps.resend(stored.message, this.deps.fixed, [target]);
      // The re-send went out: failing to record that must not report it as failed.
      await records
        .markResent(id, target, result.provider, result.providerMessageId)
        .catch((error: unknown) =>
          process.emitWarning(
            `mailover: re-sent ${id} to ${target} but could not mark it done: ${String(error)}`,
          ),
        );
      await records.appendHistory(id, {
        time: clock.now(),
        type: 'failover-sent',
        provider: result.provider,
        recipient: target,
        detail: `re-sent through ${result.provider} (${result.providerMessageId}) with the same Message-ID`,
      });
      emit('greylist-failover', {
        id,
        recipient: target,
        provider: result.provider,
        providerMessageId: result.providerMessageId,
      });
    } catch (error) {
      await records.appendHistory(id, {
        time: clock.now(),
        type: 'failover-failed',
        provider: this.deps.fixed[0]!.id,
        recipient: target,
        detail: `re-send failed: ${error instanceof Error ? error.message : String(error)}; the first provider keeps retrying`,
      });
    }
  }

  /**
   * Fixed-IP providers first when a recipient's domain is remembered as greylisting, or (MX memory)
   * when its mail exchanger is one a looping domain used. Memory only improves routing: a store or
   * DNS that cannot answer leaves the order as it was.
   */
  async route(
    recipients: readonly string[],
    order: readonly Provider[],
  ): Promise<{ order: Provider[]; reason?: RouteReason }> {
    if (this.deps.fixed.length === 0) return { order: [...order] };
    const reason = await this.remembered([...new Set(recipients.map(domainOf))]);
    if (!reason) return { order: [...order] };
    const fixedIds = new Set(this.deps.fixed.map((provider) => provider.id));
    return {
      order: [
        ...order.filter((provider) => fixedIds.has(provider.id)),
        ...order.filter((provider) => !fixedIds.has(provider.id)),
      ],
      reason,
    };
  }

  private async remembered(domains: readonly string[]): Promise<RouteReason | undefined> {
    const { store, mxHosts } = this.deps;
    const known = await Promise.all(
      domains.map((domain) => store.get(storeKeys.domain(domain)).catch(() => undefined)),
    );
    const index = known.findIndex((value) => value !== undefined);
    if (index >= 0) return { domain: domains[index]!, rule: 'domain' };
    if (!mxHosts) return undefined;
    const exchangers = await Promise.all(domains.map((domain) => mxHosts.hosts(domain)));
    for (const [position, domain] of domains.entries()) {
      for (const host of exchangers[position]!) {
        const memory = await store.get(storeKeys.mxHost(host)).catch(() => undefined);
        if (memory === undefined) continue;
        return { domain, rule: 'mx', mxHost: host, ...learnedFrom(memory) };
      }
    }
    return undefined;
  }
}

/** The domain whose loop taught an MX memory entry, when the stored value says. */
function learnedFrom(memory: string): { learnedFrom?: string } {
  try {
    const domain = (JSON.parse(memory) as { domain?: unknown }).domain;
    return typeof domain === 'string' ? { learnedFrom: domain } : {};
  } catch {
    return {};
  }
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
