/**
 * One send after validation, whoever asks (`send()`, the idempotency claim, the queue's worker):
 * order the providers (routing.ts), deliver (deliver.ts), record the acceptance (tracking.ts) and
 * any recipient refused at send time (rejected.ts, through `ingest`).
 */
import type { GreylistGuard, RouteReason } from '../greylisting/guard.js';
import type { NormalizedMessage } from '../message/types.js';
import type { MailerBase } from './base.js';
import type { Deliver } from './deliver.js';
import type { createIngest } from './ingest.js';
import { rejectionEvents } from './rejected.js';
import { type OrderFor, routedLine } from './routing.js';
import type { Tracker } from './tracking.js';
import type { SendOptions, SendResult } from './types.js';

export type Dispatch = (message: NormalizedMessage, sendOptions: SendOptions) => Promise<SendResult>;

export function createDispatch(
  { resolved, clock }: MailerBase,
  parts: {
    readonly orderFor: OrderFor;
    readonly deliver: Deliver;
    readonly tracker: Tracker;
    readonly guard: GreylistGuard | undefined;
    /** Records events as webhooks do: recipients refused at send time go through it. */
    readonly ingest: ReturnType<typeof createIngest>;
  },
): Dispatch {
  const { orderFor, deliver, tracker, guard, ingest } = parts;
  const byId = resolved.providers;
  return async function dispatch(message, sendOptions) {
    const route: { reason?: RouteReason } = {};
    const ordered = orderFor(message, sendOptions, route);
    const order = Array.isArray(ordered) ? ordered : await ordered;
    const result = await deliver(message, order, sendOptions);
    const accepting = byId.get(result.provider);
    // Keep the content only where a greylisting failover may need to re-send it.
    const keepContent = guard !== undefined && accepting?.ip === 'rotating';
    try {
      const recorded = tracker.recordAccepted(
        result.suppressed ? withoutSuppressed(message, result.suppressed) : message,
        result.provider,
        result.providerMessageId,
        keepContent,
        accepting?.eventsCarryMailoverId !== true,
      );
      if (recorded) await recorded;
      if (route.reason)
        await tracker.appendHistory(message.id, routedLine(route.reason, result.provider, clock.now()));
      // Recipients the provider refused while it took the others, recorded as its events would be.
      if (result.rejected) await ingest(rejectionEvents(result, clock.now()));
    } catch (error) {
      // The provider accepted the message: a store outage must not turn that into a failure.
      process.emitWarning(`mailover: accepted ${message.id} but could not record it: ${String(error)}`);
    }
    return result;
  };
}

/** The message as sent: the recipients left out are not its recipients in the record (nor in `status`). */
function withoutSuppressed(
  message: NormalizedMessage,
  suppressed: NonNullable<SendResult['suppressed']>,
): NormalizedMessage {
  const left = new Set(suppressed.map((entry) => entry.address));
  const keep = (list: NormalizedMessage['to']) => list.filter((entry) => !left.has(entry.address));
  return { ...message, to: keep(message.to), cc: keep(message.cc), bcc: keep(message.bcc) };
}
