/**
 * Which providers a send tries, and in which order: the caller's own list, or the strategy's
 * order (strategy.ts), which the greylisting guard's domain memory may change by putting the
 * fixed-IP provider first (a `domain-route` event, and a history line once it is accepted).
 * docs/greylisting.md, "Domain memory".
 */
import { MailoverError } from '../errors.js';
import { GreylistGuard, type RouteReason } from '../greylisting/guard.js';
import { MxHosts } from '../greylisting/mx-hosts.js';
import { allRecipients, type NormalizedMessage } from '../message/types.js';
import type { Provider } from '../provider.js';
import type { HistoryEntry } from '../history.js';
import type { MailerBase } from './base.js';
import type { Deliver } from './deliver.js';
import type { MailerEvents } from './events.js';
import { orderProviders } from './strategy.js';
import type { Tracker } from './tracking.js';
import type { SendOptions } from './types.js';

/** The providers to try, in order; a promise only when greylisting's domain memory is asked. */
export type OrderFor = (
  message: NormalizedMessage,
  sendOptions: SendOptions,
  /** Filled with why the fixed-IP provider went first, when memory routed the message. */
  route: { reason?: RouteReason },
) => readonly Provider[] | Promise<readonly Provider[]>;

/** The greylisting guard, when detection is on and a fixed-IP provider is configured (docs/greylisting.md). */
export function greylistGuard(
  { options, resolved, clock, store, scheduler, emitter }: MailerBase,
  tracker: Tracker,
  deliver: Deliver,
): GreylistGuard | undefined {
  const fixed = options.providers.filter((provider) => provider.ip === 'fixed');
  if (resolved.greylisting === false || fixed.length === 0) return undefined;
  return new GreylistGuard({
    store,
    scheduler,
    records: tracker,
    resend: (message, providers, recipients) => deliver(message, providers, {}, recipients),
    emit: (name, event) => emitter.emit(name, event as MailerEvents[typeof name]),
    clock,
    policy: resolved.greylisting,
    providers: resolved.providers,
    fixed,
    retentionMs: resolved.retentionMs,
    ...(resolved.greylisting.mx
      ? {
          mxHosts: new MxHosts(
            clock,
            resolved.greylisting.mx.timeoutMs,
            resolved.greylisting.mx.resolver,
            resolved.greylisting.mx.lookup,
          ),
        }
      : {}),
  });
}

export function createRouting(
  { options, resolved, clock, emitter }: MailerBase,
  guard: GreylistGuard | undefined,
): OrderFor {
  const byId = resolved.providers;
  const strategyState = { roundRobin: 0 };
  return (message, sendOptions, route) => {
    if (sendOptions.providers) {
      return sendOptions.providers.map((id) => {
        const provider = byId.get(id);
        if (!provider)
          throw new MailoverError(`send: unknown provider '${id}' (known: ${[...byId.keys()].join(', ')})`);
        return provider;
      });
    }
    const order = orderProviders(options.providers, resolved.strategy, strategyState, () => clock.random());
    if (!guard) return order;
    return guard
      .route(
        allRecipients(message).map((address) => address.address),
        order,
      )
      .then((routed) => {
        if (routed.reason) {
          const { domain, rule, mxHost, learnedFrom } = routed.reason;
          emitter.emit('domain-route', {
            id: message.id,
            domain,
            provider: routed.order[0]!.id,
            rule,
            ...(mxHost ? { mxHost } : {}),
            ...(learnedFrom ? { learnedFrom } : {}),
          });
          route.reason = routed.reason;
        }
        return routed.order;
      });
  };
}

/** The history line of a message that memory routed to the fixed-IP provider first. */
export function routedLine(reason: RouteReason, provider: string, time: number): HistoryEntry {
  const why =
    reason.rule === 'mx'
      ? `${reason.domain}'s MX ${reason.mxHost} greylisted ${reason.learnedFrom ?? 'another domain'} before`
      : `${reason.domain} greylisted before`;
  return { time, type: 'routed', provider, detail: `${why}: fixed-IP provider first (rule: ${reason.rule})` };
}
