/**
 * The mailer's webhook endpoint: HTTP in (webhooks/handler.ts: verify, parse, replay tokens in the
 * Store), then `ingest` (ingest.ts: attribute, record, greylisting evidence, suppression learning),
 * the same one `dispatch` records refused recipients through.
 */
import { storeKeys } from '../store/keys.js';
import { createWebhookEndpoint, type WebhookEndpoint } from '../webhooks/handler.js';
import type { MailerBase } from './base.js';
import type { createIngest } from './ingest.js';

export function webhookEndpoint(
  { resolved, clock, store, emitter }: MailerBase,
  ingest: ReturnType<typeof createIngest>,
): WebhookEndpoint {
  return createWebhookEndpoint({
    providers: resolved.providers,
    maxBodyBytes: resolved.maxWebhookBytes,
    observe: (report) => emitter.emit('webhook', report),
    now: () => clock.now(),
    claimOnce: (key, ttlMs) => store.claim(storeKeys.replayToken(key), '1', ttlMs),
    releaseOnce: (key) => store.delete(storeKeys.replayToken(key)),
    ingest,
  });
}
