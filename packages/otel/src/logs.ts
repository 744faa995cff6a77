import type { Mailer, MailerEventName, MailerEvents } from '@mailover/core';
import { domainOf, domainsOf } from './redact.js';

/** The levels a log line gets; pino, bunyan and winston child loggers all have these methods. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Any logger taking `(fields, message)`, pino's signature. */
export type StructuredLogger = Record<LogLevel, (fields: Record<string, unknown>, message: string) => void>;

/** One event as a log line: secret-free, and with recipient domains instead of addresses unless opted in. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  /** `event` (the event name) plus that event's fields. */
  readonly fields: Record<string, unknown>;
}

export interface LogOptions {
  /** Log full recipient addresses. Default false: domains only (`recipientDomain`, `recipientDomains`). */
  readonly recordAddresses?: boolean;
  /** Which events to log. Default: every one ({@link MAILER_EVENT_NAMES}); routine ones (a `sending`, an accepted `attempt`) at debug level. */
  readonly events?: readonly MailerEventName[];
}

type Describe<Name extends MailerEventName> = (
  event: MailerEvents[Name],
  recipients: (addresses: readonly string[]) => Record<string, unknown>,
  recipient: (address: string) => Record<string, unknown>,
) => Omit<LogRecord, 'fields'> & { readonly fields: Record<string, unknown> };

/**
 * What each event logs. Written out field by field, never spread: a delivery event's `raw` (the
 * provider's payload, with addresses) and a failure's SDK error never reach a log by accident.
 */
const DESCRIBE: { readonly [Name in MailerEventName]: Describe<Name> } = {
  sending: (e, recipients) => ({
    level: 'debug',
    message: `sending ${e.id} via ${e.providers.join(' > ')}`,
    fields: {
      id: e.id,
      messageId: e.messageId,
      providers: e.providers,
      strategy: e.strategy,
      ...recipients(e.recipients),
    },
  }),
  'rate-limit-wait': (e) => ({
    level: 'debug',
    message: `waited ${e.waitedMs} ms for ${e.provider}'s rate limit`,
    fields: { id: e.id, provider: e.provider, waitedMs: e.waitedMs },
  }),
  attempt: (e) => ({
    level: e.code === 'ok' ? 'debug' : 'warn',
    message: e.code === 'ok' ? `${e.provider} accepted` : `${e.provider} failed: ${e.code}`,
    fields: {
      id: e.id,
      provider: e.provider,
      attempt: e.attempt,
      code: e.code,
      durationMs: e.durationMs,
      ...(e.outcome === undefined ? {} : { outcome: e.outcome }),
      ...(e.status === undefined ? {} : { status: e.status }),
      ...(e.providerCode === undefined ? {} : { providerCode: e.providerCode }),
      ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
      ...(e.message === undefined ? {} : { reason: e.message }),
    },
  }),
  retry: (e) => ({
    level: 'info',
    message: `retrying ${e.provider} in ${e.delayMs} ms (${e.reason})`,
    fields: {
      id: e.id,
      provider: e.provider,
      attempt: e.attempt,
      delayMs: e.delayMs,
      code: e.code,
      reason: e.reason,
    },
  }),
  skip: (e) => ({
    level: 'info',
    message: `skipped ${e.provider}: ${e.reason}`,
    fields: { id: e.id, provider: e.provider, reason: e.reason, detail: e.detail },
  }),
  'circuit-open': (e) => ({
    level: 'warn',
    message: `${e.provider} circuit open (${e.code})`,
    fields: { provider: e.provider, code: e.code, until: new Date(e.until).toISOString() },
  }),
  'circuit-close': (e) => ({
    level: 'info',
    message: `${e.provider} circuit closed`,
    fields: { provider: e.provider },
  }),
  failover: (e) => ({
    level: 'warn',
    message: `failover ${e.from} → ${e.to ?? 'none left'} (${e.code})`,
    fields: { id: e.id, from: e.from, ...(e.to === undefined ? {} : { to: e.to }), code: e.code },
  }),
  sent: (e) => ({
    level: 'info',
    message: `sent ${e.id} via ${e.provider}`,
    fields: {
      id: e.id,
      messageId: e.messageId,
      provider: e.provider,
      providerMessageId: e.providerMessageId,
      attempts: e.attempts.length,
      possibleDuplicate: e.possibleDuplicate,
    },
  }),
  job: (e) => ({
    level: e.state === 'dead' ? 'error' : e.state === 'scheduled' && e.reason !== undefined ? 'warn' : 'info',
    message: `job ${e.id} ${e.state}${e.reason === undefined ? '' : `: ${e.reason}`}`,
    fields: {
      id: e.id,
      messageId: e.messageId,
      state: e.state,
      attempts: e.attempts,
      ...(e.runAt === undefined ? {} : { runAt: new Date(e.runAt).toISOString() }),
      ...(e.reason === undefined ? {} : { reason: e.reason }),
    },
  }),
  failed: (e) => ({
    level: 'error',
    message: `send failed: ${e.code}`,
    fields: {
      id: e.id,
      messageId: e.messageId,
      code: e.code,
      attempts: e.attempts.length,
      reason: e.message,
    },
  }),
  webhook: (e) => ({
    level: e.status >= 400 ? 'warn' : 'debug',
    message: `webhook from ${e.provider}: ${e.status} (${e.verification})`,
    fields: {
      provider: e.provider,
      verification: e.verification,
      status: e.status,
      stored: e.stored,
      duplicates: e.duplicates,
      durationMs: e.durationMs,
      ...(e.reason === undefined ? {} : { reason: e.reason }),
    },
  }),
  delivery: (e, _recipients, recipient) => ({
    level: e.type === 'bounced' || e.type === 'dropped' || e.type === 'complained' ? 'warn' : 'info',
    message: `${e.type} (${e.provider})`,
    fields: {
      ...(e.id === undefined ? {} : { id: e.id }),
      provider: e.provider,
      type: e.type,
      time: new Date(e.time).toISOString(),
      ...recipient(e.recipient),
      ...(e.smtp
        ? {
            smtpCategory: e.smtp.classification.category,
            smtpCode: e.smtp.basic ?? e.smtp.classification.basic,
            ...(enhanced(e.smtp) === undefined ? {} : { smtpEnhanced: enhanced(e.smtp) }),
          }
        : {}),
      ...(e.attempt === undefined ? {} : { attempt: e.attempt }),
    },
  }),
  'greylist-loop': (e, _recipients, recipient) => ({
    level: 'warn',
    message: `greylisting loop (${e.rule}): ${e.detail}`,
    fields: {
      id: e.id,
      rule: e.rule,
      detail: e.detail,
      deferrals: e.evidence.length,
      ...recipient(e.recipient),
    },
  }),
  'domain-learned': (e) => ({
    level: 'info',
    message: `${e.domain} greylists: ${e.provider} first until ${new Date(e.until).toISOString()}`,
    fields: {
      domain: e.domain,
      provider: e.provider,
      until: new Date(e.until).toISOString(),
      ...(e.mxHosts.length > 0 ? { mxHosts: e.mxHosts } : {}),
    },
  }),
  'greylist-failover': (e, _recipients, recipient) => ({
    level: 'info',
    message: `re-sent through ${e.provider} after a greylisting loop`,
    fields: {
      id: e.id,
      provider: e.provider,
      providerMessageId: e.providerMessageId,
      ...recipient(e.recipient),
    },
  }),
  'domain-route': (e) => ({
    level: 'debug',
    message: `${e.domain} greylists: routed to ${e.provider} first`,
    fields: {
      id: e.id,
      domain: e.domain,
      provider: e.provider,
      rule: e.rule,
      ...(e.mxHost === undefined ? {} : { mxHost: e.mxHost }),
      ...(e.learnedFrom === undefined ? {} : { learnedFrom: e.learnedFrom }),
    },
  }),
};

/** The reply's enhanced status code, as the provider gave it or as read from the reply text. */
function enhanced(smtp: NonNullable<MailerEvents['delivery']['smtp']>): string | undefined {
  return smtp.enhanced ?? smtp.classification.enhanced;
}

/** Every event the engine emits; the type of DESCRIBE makes a new core event fail the typecheck here. */
export const MAILER_EVENT_NAMES = Object.keys(DESCRIBE) as readonly MailerEventName[];

/** One event as a log record (level, message, fields), addresses redacted to domains unless opted in. */
export function logRecord<Name extends MailerEventName>(
  name: Name,
  event: MailerEvents[Name],
  options: Pick<LogOptions, 'recordAddresses'> = {},
): LogRecord {
  const full = options.recordAddresses === true;
  const described = (DESCRIBE[name] as Describe<Name>)(
    event,
    (addresses) => (full ? { recipients: addresses } : { recipientDomains: domainsOf(addresses) }),
    (address) => (full ? { recipient: address } : { recipientDomain: domainOf(address) }),
  );
  return { ...described, fields: { event: name, ...described.fields } };
}

/** Log every event (or `options.events`) to `logger` (a pino logger, or anything with its signature). */
export function logEvents(mailer: Mailer, logger: StructuredLogger, options: LogOptions = {}): () => void {
  const names = options.events ?? MAILER_EVENT_NAMES;
  const unsubscribe = names.map((name) =>
    mailer.on(name, (event) => {
      const record = logRecord(name, event, options);
      logger[record.level](record.fields, record.message);
    }),
  );
  return () => {
    for (const off of unsubscribe) off();
  };
}
