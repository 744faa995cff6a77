/**
 * Demo traffic for the dashboard: a steady stream of mail (some recipients deferred, bounced or
 * behind a greylister), and provider trouble in phases — SendGrid down, then SES rate-limiting too,
 * then recovery — plus a few forged webhooks, and a quarter of the mail through the queue.
 * Everything through the service's real endpoints.
 */
import type { ObservableService } from './service.js';

export interface Phase {
  readonly name: string;
  readonly seconds: number;
  /** Faults to set when the phase starts (after clearing the previous ones). */
  readonly apply: (service: ObservableService) => void;
}

export const DEMO_PHASES: readonly Phase[] = [
  { name: 'healthy', seconds: 40, apply: () => {} },
  {
    name: 'SendGrid down (503)',
    seconds: 40,
    apply: ({ sandbox }) => sandbox.faults.set('sendgrid', { kind: 'outage' }),
  },
  {
    name: 'SendGrid down, SES rate-limiting half its calls (429, Retry-After: 1)',
    seconds: 40,
    apply: ({ sandbox }) => {
      sandbox.faults.set('sendgrid', { kind: 'outage' });
      sandbox.faults.set('ses', { kind: 'rate_limited', retryAfterSeconds: 1, rate: 0.5 });
    },
  },
  { name: 'recovered', seconds: 40, apply: () => {} },
];

/** The recipient of the `index`th message: mostly plain, some deferred, bounced or greylisted. */
function recipient(index: number): string {
  if (index % 20 === 7) return `defer${index}@example.org`;
  if (index % 25 === 3) return `bounce${index}@example.org`;
  // A new greylisting domain every 50 messages: each gets one loop before it is remembered.
  if (index % 10 === 5) return `greylist${index}@greylist-${Math.floor(index / 50)}.example`;
  return `customer${index}@example.org`;
}

/**
 * Run `phases`, sending `perSecond` messages a second through `POST /send` (one in four through
 * `POST /enqueue`); resolves at the end.
 */
export async function runTraffic(
  service: ObservableService,
  options: { phases?: readonly Phase[]; perSecond?: number; onPhase?: (phase: Phase) => void } = {},
): Promise<{ sent: number; failed: number }> {
  const perSecond = options.perSecond ?? 8;
  let index = 0;
  let sent = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  for (const phase of options.phases ?? DEMO_PHASES) {
    service.sandbox.faults.clear();
    phase.apply(service);
    options.onPhase?.(phase);
    for (let second = 0; second < phase.seconds; second++) {
      const tick = Date.now();
      for (let count = 0; count < perSecond; count++) {
        const to = recipient(index++);
        // Every fourth message through the queue (POST /enqueue): the worker sends it.
        const request = fetch(`${service.url}/${index % 4 === 0 ? 'enqueue' : 'send'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            from: 'Shop <shop@example.com>',
            to,
            subject: `Order ${index}`,
            text: 'Thanks.',
          }),
        })
          .then((response) => {
            if (response.ok) sent += 1;
            else failed += 1;
            return response.body?.cancel();
          })
          .finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      // Now and then a webhook whose signature does not verify (a forged or misconfigured sender).
      if (second % 5 === 0) {
        void fetch(`${service.url}/webhooks/sendgrid`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-twilio-email-event-webhook-signature': 'MEUCIQDforged',
            'x-twilio-email-event-webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          },
          body: '[]',
        }).then((response) => response.body?.cancel());
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - tick))));
    }
  }
  await Promise.all(inFlight);
  service.sandbox.faults.clear();
  return { sent, failed };
}
