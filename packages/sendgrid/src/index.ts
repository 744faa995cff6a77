/**
 * `sendgrid(options)`: mailover's provider over the official `@sendgrid/mail` SDK. Importing and
 * constructing never throw nor load the SDK; the key is read at the first send. The files and their
 * roles are every adapter's: docs/adapters.md.
 */
import type { CommonProviderOptions, ProviderLimits, ProviderV1 } from '@mailover/core/provider';
import { defineProvider, sendAbortable, UnexpectedResponseError } from '@mailover/core/provider';
import { SENDGRID_DEFAULT_ENDPOINT, type SendGridMailClient, sendgridClients } from './client.js';
import { classifySendGridError, headerOf } from './errors.js';
import { toSendGridRequest } from './mapping.js';
import { sendgridWebhooks } from './webhooks.js';

export { SENDGRID_DEFAULT_ENDPOINT, type SendGridMailClient } from './client.js';
export {
  classifySendGridError,
  SENDGRID_MESSAGE_RULES,
  SENDGRID_STATUS_TABLE,
  type SendGridFailureRow,
  SendGridUnexpectedResponseError,
} from './errors.js';
export { MAILOVER_ID_ARG, type SendGridRequestOptions, toSendGridRequest } from './mapping.js';
export {
  SENDGRID_EVENT_TYPES,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  type SendGridWebhookOptions,
  sendgridWebhooks,
} from './webhooks.js';

/** SendGrid v3 Mail Send limits: under 30 MB in all, at most 1,000 recipients across to, cc and bcc. */
export const SENDGRID_LIMITS: ProviderLimits = Object.freeze({
  maxMessageBytes: 30 * 1024 * 1024,
  maxRecipients: 1000,
});

export interface SendGridOptions extends CommonProviderOptions {
  /** The SendGrid API key. Default: the `SENDGRID_API_KEY` environment variable, read at the first send. */
  readonly apiKey?: string;
  /** The API base URL, e.g. a sandbox's `endpoints.sendgrid`. Default: `https://api.sendgrid.com/`. */
  readonly endpoint?: string;
  /** Send every message from this IP pool (`ip_pool_name`). Default: none; SendGrid picks any IP. */
  readonly ipPoolName?: string;
  /**
   * A configured client to use instead (e.g. `@sendgrid/mail`'s singleton or a `MailService`); the
   * adapter then ignores `apiKey`, `endpoint` and `timeoutMs`. Default: one built from those options.
   */
  readonly client?: SendGridMailClient;
  /**
   * The Signed Event Webhook's verification key (base64 DER as SendGrid shows it, or PEM); when set,
   * the provider gets `webhooks`. Default: none, and no `webhooks`.
   */
  readonly webhookPublicKey?: string;
  /** How old (or how far ahead) a webhook's timestamp may be, in seconds. Default: 300. */
  readonly webhookToleranceSeconds?: number;
}

/** A mailover provider that sends through SendGrid. */
export function sendgrid(options: SendGridOptions = {}): ProviderV1 {
  return defineProvider('sendgrid', options, {
    defaults: { ip: 'rotating', limits: SENDGRID_LIMITS },
    // Every send puts the mailover id in custom_args, which each event echoes back.
    eventsCarryMailoverId: true,
    webhooks: (providerId) =>
      options.webhookPublicKey === undefined
        ? undefined
        : sendgridWebhooks({
            publicKey: options.webhookPublicKey,
            toleranceSeconds: options.webhookToleranceSeconds,
            providerId,
          }),
    adapter({ timeoutMs }) {
      const clients = sendgridClients({
        client: options.client,
        apiKey: options.apiKey,
        endpoint: options.endpoint ?? SENDGRID_DEFAULT_ENDPOINT,
        timeoutMs,
      });
      return {
        async send(message, context) {
          const client = await clients.clientFor(context.signal);
          const request = toSendGridRequest(message, {
            ipPoolName: options.ipPoolName,
            recipients: context.recipients,
          });
          const [response] = await sendAbortable('SendGrid', context.signal, () => client.send(request));
          const providerMessageId = headerOf(response.headers, 'x-message-id');
          if (!providerMessageId)
            throw new UnexpectedResponseError('SendGrid', response.statusCode, 'an X-Message-Id header');
          return { providerMessageId };
        },
        classifyError: (error) =>
          classifySendGridError(error, { secrets: [clients.usedApiKey(), options.apiKey] }),
      };
    },
  });
}
export { type SendGridSuppressionsOptions, sendgridSuppressions } from './suppressions.js';
