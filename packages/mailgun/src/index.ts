/**
 * `mailgun(options)`: a mailover provider over mailgun.js. Importing and constructing never throw
 * and never load the SDK; credentials are read and the SDK imported at the first send. The files
 * and their roles are every adapter's: docs/adapters.md.
 */
import type { CommonProviderOptions, ProviderLimits, ProviderV1 } from '@mailover/core/provider';
import {
  defineProvider,
  requireSetting,
  sendAbortable,
  UnexpectedResponseError,
} from '@mailover/core/provider';
import { MAILGUN_DEFAULT_ENDPOINT, type MailgunClient, mailgunClients } from './client.js';
import { classifyMailgunError } from './errors.js';
import { type MailgunMappingOptions, toMailgunRequest } from './mapping.js';
import { mailgunWebhooks } from './webhooks.js';

export { MAILGUN_DEFAULT_ENDPOINT, type MailgunClient } from './client.js';
export {
  type ClassifyMailgunOptions,
  classifyMailgunError,
  MAILGUN_ERROR_TABLE,
  MAILGUN_STATUS_CODES,
  type MailgunErrorRow,
  MailgunUnexpectedResponseError,
  parseTryAgainAfter,
} from './errors.js';
export { MAILOVER_ID_VARIABLE, toMailgunRequest } from './mapping.js';
export {
  type MailgunWebhookOptions,
  mailgunEventType,
  mailgunWebhooks,
  parseMailgunWebhook,
  verifyMailgunWebhook,
} from './webhooks.js';

export interface MailgunOptions extends CommonProviderOptions {
  /** Mailgun API key. Default: the `MAILGUN_API_KEY` environment variable, read at the first send. */
  readonly apiKey?: string;
  /** Sending domain (`mg.example.com`). Default: the `MAILGUN_DOMAIN` environment variable, read at the first send. */
  readonly domain?: string;
  /** API base URL, without `/v3`: `https://api.eu.mailgun.net`, or a sandbox's. Default `https://api.mailgun.net`. */
  readonly endpoint?: string;
  /** Send from this IP of the account (`o:sending-ip`). Default: none, Mailgun chooses. */
  readonly sendingIp?: string;
  /** Send from an IP of this pool (`o:sending-ip-pool`, the pool id). Default: none. */
  readonly sendingIpPool?: string;
  /** A pre-built mailgun.js client, used instead of building one (then `apiKey` is not needed). Default: none. */
  readonly client?: MailgunClient;
  /** HTTP webhook signing key (non-blank); when set, `provider.webhooks` verifies and parses Mailgun webhooks. Default: none. */
  readonly webhookSigningKey?: string;
  /** Oldest webhook timestamp accepted, in seconds from now (finite, ≥ 0). Default 300. */
  readonly webhookToleranceSeconds?: number;
}

/**
 * What Mailgun carries: 25 MB messages ("Mailgun supports maximum messages size of 25MB") and
 * 1 000 recipients per request ("Too many recipients; max is 1000").
 */
export const MAILGUN_LIMITS: ProviderLimits = Object.freeze({
  maxMessageBytes: 25 * 1024 * 1024,
  maxRecipients: 1000,
});

/** A Mailgun provider for `createMailer({ providers: [mailgun({ … })] })`. */
export function mailgun(options: MailgunOptions = {}): ProviderV1 {
  return defineProvider('mailgun', options, {
    defaults: { ip: 'rotating', limits: MAILGUN_LIMITS },
    // Every send puts the mailover id in the v:mailover_id variable, which each event echoes back.
    eventsCarryMailoverId: true,
    webhooks: (providerId) =>
      options.webhookSigningKey === undefined
        ? undefined
        : mailgunWebhooks({
            signingKey: options.webhookSigningKey,
            providerId,
            toleranceSeconds: options.webhookToleranceSeconds,
          }),
    adapter({ timeoutMs }) {
      const clients = mailgunClients({
        client: options.client,
        apiKey: options.apiKey,
        endpoint: options.endpoint ?? MAILGUN_DEFAULT_ENDPOINT,
        timeoutMs,
      });
      const secrets = () => [
        options.apiKey,
        clients.usedApiKey(),
        process.env.MAILGUN_API_KEY,
        options.webhookSigningKey,
      ];
      const sending: MailgunMappingOptions = {
        ...(options.sendingIp ? { sendingIp: options.sendingIp } : {}),
        ...(options.sendingIpPool ? { sendingIpPool: options.sendingIpPool } : {}),
      };
      return {
        async send(message, context) {
          const domain = requireSetting('mailgun', 'domain', options.domain, 'MAILGUN_DOMAIN');
          // The sending options are the provider's: built once, not spread on every send.
          const request = toMailgunRequest(
            message,
            context.recipients ? { ...sending, recipients: context.recipients } : sending,
          );
          const result = await sendAbortable('Mailgun', context.signal, async () =>
            (await clients.client()).messages.create(domain, request),
          );
          if (typeof result?.id !== 'string' || result.id === '')
            throw new UnexpectedResponseError('Mailgun', result?.status ?? 0);
          return { providerMessageId: result.id };
        },
        classifyError: (error) => classifyMailgunError(error, { secrets: secrets() }),
      };
    },
  });
}
export { type MailgunSuppressionsOptions, mailgunSuppressions } from './suppressions.js';
