import {
  allRecipients,
  classifySmtpReply,
  type DeliveryEvent,
  type DeliveryEventType,
  type IpMode,
  type Provider,
  type ProviderWebhooks,
  type WebhookRequest,
} from '@mailover/core';
import type { MtaEvent, SimulatedMta } from '@mailover/sandbox';

/** What the bench MTAs carry per message: enough to correlate events back to the mailer. */
export interface BenchMessage {
  readonly providerMessageId: string;
  readonly mailoverId: string;
  readonly provider: string;
}

/** The JSON a bench webhook carries: one of these per event. */
interface BenchWebhookEvent {
  readonly type: DeliveryEventType;
  readonly recipient: string;
  readonly mailoverId: string;
  readonly providerMessageId: string;
  readonly time: number;
  readonly smtp?: string;
  readonly attempt?: number;
  readonly sendingIp?: string;
}

/** The webhook request a provider would POST for one MTA event. */
export function toWebhookRequest(event: MtaEvent<BenchMessage>): WebhookRequest {
  const body: BenchWebhookEvent[] = [
    {
      type: event.type,
      recipient: event.recipient,
      mailoverId: event.message.mailoverId,
      providerMessageId: event.message.providerMessageId,
      time: event.time,
      ...(event.smtpReply ? { smtp: event.smtpReply } : {}),
      ...(event.attempt === undefined ? {} : { attempt: event.attempt }),
      ...(event.sendingIp ? { sendingIp: event.sendingIp } : {}),
    },
  ];
  return {
    method: 'POST',
    url: '/webhooks',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** In-process webhooks: nothing to verify (no network), JSON events classified by the real classifier. */
function benchWebhooks(provider: string): ProviderWebhooks {
  return {
    async verify() {
      return null;
    },
    parse(request) {
      const items = JSON.parse(Buffer.from(request.body).toString('utf8')) as BenchWebhookEvent[];
      return items.map(
        (item): DeliveryEvent => ({
          type: item.type,
          provider,
          providerMessageId: item.providerMessageId,
          mailoverId: item.mailoverId,
          recipient: item.recipient,
          time: item.time,
          eventId: `${item.providerMessageId}:${item.recipient}:${item.type}:${item.attempt ?? 0}`,
          raw: item,
          ...(item.attempt === undefined ? {} : { attempt: item.attempt }),
          ...(item.sendingIp ? { sendingIp: item.sendingIp } : {}),
          ...(item.smtp ? { smtp: { text: item.smtp, classification: classifySmtpReply(item.smtp) } } : {}),
        }),
      );
    },
  };
}

/**
 * A provider whose API accepts at once and hands the message to a simulated MTA. It honours
 * `context.recipients`, as the greylisting failover re-sends to the looping recipients only.
 */
export function simulatedProvider(options: {
  readonly id: string;
  readonly ip: IpMode;
  readonly mta: SimulatedMta<BenchMessage>;
}): Provider {
  let sent = 0;
  return {
    specificationVersion: 'v1',
    id: options.id,
    kind: 'simulated',
    ip: options.ip,
    limits: {},
    webhooks: benchWebhooks(options.id),
    async send(message, context) {
      const recipients = context.recipients ?? allRecipients(message).map((address) => address.address);
      const providerMessageId = `${options.id}-${++sent}`;
      void options.mta.accept(
        { providerMessageId, mailoverId: message.id, provider: options.id },
        recipients,
      );
      return { providerMessageId };
    },
    classifyError: () => ({
      code: 'unknown',
      outcome: 'unknown',
      message: 'the simulated provider does not fail',
    }),
  };
}
