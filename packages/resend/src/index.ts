/**
 * `resend(options)`: a mailover provider over the official `resend` SDK. Importing and constructing
 * never throw nor load the SDK; the key is read at the first send. Built by copying the skeleton
 * every adapter shares: docs/adapters.md.
 */
import type { CommonProviderOptions, ProviderLimits, ProviderV1 } from '@mailover/core/provider';
import {
  callTimeouts,
  defineProvider,
  isRecord,
  sendAbortable,
  UnexpectedResponseError,
} from '@mailover/core/provider';
import { RESEND_DEFAULT_ENDPOINT, type ResendClient, resendClients } from './client.js';
import { classifyResendError } from './errors.js';
import { toResendRequest } from './mapping.js';
import { resendWebhooks } from './webhooks.js';

export { RESEND_DEFAULT_ENDPOINT, ResendApiError, type ResendClient } from './client.js';
export { classifyResendError, RESEND_ERROR_NAMES, RESEND_TEXT_RULES } from './errors.js';
export { MAILOVER_ID_TAG, type ResendRequestOptions, toResendRequest } from './mapping.js';
export { type ResendSuppressionsOptions, resendSuppressions } from './suppressions.js';
export { RESEND_EVENT_TYPES, type ResendWebhookOptions, resendWebhooks } from './webhooks.js';

/** Resend's limits: 40 MB per email after encoding, 50 recipients per field (to, cc, bcc). */
export const RESEND_LIMITS: ProviderLimits = Object.freeze({
  maxMessageBytes: 40 * 1024 * 1024,
  maxRecipients: 50,
});

export interface ResendOptions extends CommonProviderOptions {
  /** The Resend API key (`re_…`). Default: the `RESEND_API_KEY` environment variable, read at the first send. */
  readonly apiKey?: string;
  /** The API base URL, e.g. a sandbox's `endpoints.resend`. Default: `RESEND_BASE_URL`, else `https://api.resend.com`. */
  readonly endpoint?: string;
  /** A configured `Resend` client to use instead; `apiKey` and `endpoint` are then ignored. Default: one built from them. */
  readonly client?: ResendClient;
  /** The webhook's signing secret (`whsec_…`); when set, the provider gets `webhooks`. Default: none, and no `webhooks`. */
  readonly webhookSecret?: string;
  /** How old (or how far ahead) a webhook's `svix-timestamp` may be, in seconds. Default: 300. */
  readonly webhookToleranceSeconds?: number;
}

/** A Resend provider for `createMailer({ providers: [resend({ … })] })`. */
export function resend(options: ResendOptions = {}): ProviderV1 {
  return defineProvider('resend', options, {
    defaults: { ip: 'rotating', limits: RESEND_LIMITS },
    // Every send tags the email with its mailover id, which each event echoes back.
    eventsCarryMailoverId: true,
    webhooks: (providerId) =>
      options.webhookSecret === undefined
        ? undefined
        : resendWebhooks({
            secret: options.webhookSecret,
            providerId,
            toleranceSeconds: options.webhookToleranceSeconds,
          }),
    adapter({ timeoutMs }) {
      const clients = resendClients({
        client: options.client,
        apiKey: options.apiKey,
        endpoint: options.endpoint ?? process.env.RESEND_BASE_URL ?? RESEND_DEFAULT_ENDPOINT,
      });
      const timeouts = callTimeouts(timeoutMs);
      return {
        async send(message, context) {
          const request = toResendRequest(message, { recipients: context.recipients });
          // The SDK has no timeout of its own: ours rides on the fetch signal with the engine's
          // (one controller a call, one timer per window of calls: docs/adapters.md).
          const timeout = timeouts.start(context.signal);
          let data: unknown;
          try {
            data = await sendAbortable('Resend', context.signal, () =>
              clients.send(request, { idempotencyKey: context.idempotencyKey, signal: timeout.signal }),
            );
          } catch (error) {
            // The SDK reports an aborted fetch as "Unable to fetch data": say it was our timeout.
            throw timeout.timedOut() ? timeout.reason : error;
          } finally {
            timeout.end();
          }
          const id = isRecord(data) ? data.id : undefined;
          if (typeof id !== 'string' || id === '')
            throw new UnexpectedResponseError('Resend', 200, 'an email id');
          return { providerMessageId: id };
        },
        classifyError: (error) =>
          classifyResendError(error, {
            secrets: [
              options.apiKey,
              clients.usedApiKey(),
              process.env.RESEND_API_KEY,
              options.webhookSecret,
            ],
          }),
      };
    },
  });
}
