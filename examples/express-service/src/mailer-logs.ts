/**
 * Engine events → log lines. Each listener picks its fields by name rather than spreading the
 * event, so a field added to an event later (a raw webhook body, say) never reaches the logs.
 */
import type { Mailer } from '@mailover/core';
import type { Logger } from './logger.js';

/** Log every send decision and delivery event of `mailer`. Returns a function that stops logging. */
export function logMailerEvents(mailer: Mailer, logger: Logger): () => void {
  const stops = [
    mailer.on('attempt', (event) =>
      logger({
        level: event.code === 'ok' ? 'info' : 'warn',
        event: 'attempt',
        id: event.id,
        provider: event.provider,
        attempt: event.attempt,
        code: event.code,
        outcome: event.outcome,
        status: event.status,
        providerCode: event.providerCode,
        // Adapters scrub their credentials out of this text before the engine sees it.
        error: event.message,
        durationMs: event.durationMs,
      }),
    ),
    mailer.on('retry', (event) =>
      logger({
        level: 'warn',
        event: 'retry',
        id: event.id,
        provider: event.provider,
        attempt: event.attempt,
        code: event.code,
        delayMs: event.delayMs,
        reason: event.reason,
      }),
    ),
    mailer.on('failover', (event) =>
      logger({
        level: 'warn',
        event: 'failover',
        id: event.id,
        from: event.from,
        to: event.to,
        code: event.code,
      }),
    ),
    mailer.on('skip', (event) =>
      logger({ level: 'info', event: 'skip', id: event.id, provider: event.provider, reason: event.reason }),
    ),
    mailer.on('circuit-open', (event) =>
      logger({
        level: 'error',
        event: 'circuit-open',
        provider: event.provider,
        code: event.code,
        until: new Date(event.until).toISOString(),
      }),
    ),
    mailer.on('circuit-close', (event) =>
      logger({ level: 'info', event: 'circuit-close', provider: event.provider }),
    ),
    mailer.on('sent', (event) =>
      logger({
        level: 'info',
        event: 'sent',
        id: event.id,
        provider: event.provider,
        providerMessageId: event.providerMessageId,
        attempts: event.attempts.length,
        possibleDuplicate: event.possibleDuplicate,
      }),
    ),
    mailer.on('failed', (event) =>
      logger({
        level: 'error',
        event: 'failed',
        id: event.id || undefined,
        code: event.code,
        attempts: event.attempts.length,
        error: event.message,
      }),
    ),
    mailer.on('delivery', (event) =>
      logger({
        level: event.type === 'bounced' || event.type === 'complained' ? 'warn' : 'info',
        event: 'delivery',
        id: event.id,
        provider: event.provider,
        type: event.type,
        recipient: event.recipient,
        smtp: event.smtp
          ? {
              basic: event.smtp.basic,
              enhanced: event.smtp.enhanced,
              category: event.smtp.classification.category,
            }
          : undefined,
        attempt: event.attempt,
        sendingIp: event.sendingIp,
      }),
    ),
    mailer.on('greylist-loop', (event) =>
      logger({
        level: 'warn',
        event: 'greylist-loop',
        id: event.id,
        recipient: event.recipient,
        rule: event.rule,
        detail: event.detail,
      }),
    ),
    mailer.on('greylist-failover', (event) =>
      logger({
        level: 'info',
        event: 'greylist-failover',
        id: event.id,
        recipient: event.recipient,
        provider: event.provider,
        providerMessageId: event.providerMessageId,
      }),
    ),
    mailer.on('domain-learned', (event) =>
      logger({
        level: 'info',
        event: 'domain-learned',
        domain: event.domain,
        provider: event.provider,
        until: new Date(event.until).toISOString(),
      }),
    ),
    mailer.on('domain-route', (event) =>
      logger({
        level: 'info',
        event: 'domain-route',
        id: event.id,
        domain: event.domain,
        provider: event.provider,
      }),
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
