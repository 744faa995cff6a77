/**
 * `postmark(options)`: a mailover provider over the official `postmark` SDK. The SDK is imported on
 * the first send and the server token read then too, so importing and constructing never throw.
 * The files and their roles are every adapter's: docs/adapters.md.
 */
import type { CommonProviderOptions, ProviderLimits, ProviderV1 } from '@mailover/core/provider';
import { defineProvider, isRecord, sendAbortable, UnexpectedResponseError } from '@mailover/core/provider';
import type { ServerClient } from 'postmark';
import { postmarkClients } from './client.js';
import { classifyPostmarkError } from './errors.js';
import { toPostmarkRequest } from './mapping.js';
import { type PostmarkWebhookAuth, postmarkWebhooks } from './webhooks.js';

export interface PostmarkOptions extends CommonProviderOptions {
  /** Server API token. Default: the `POSTMARK_SERVER_TOKEN` environment variable, read at the first send. */
  readonly serverToken?: string;
  /** API base URL (the sandbox's `sandbox.endpoints.postmark`, a proxy). Default: `https://api.postmarkapp.com`. */
  readonly endpoint?: string;
  /** Message Stream to send through (`MessageStream`). Default: the server's transactional stream, `outbound`. */
  readonly messageStream?: string;
  /** A ready `ServerClient` to use instead of building one (its own host and timeout apply). Default: none. */
  readonly client?: ServerClient;
  /**
   * The credentials configured on the Postmark webhook (Basic auth and/or a secret header); all must
   * match. Enables `provider.webhooks`. Default: none, so no webhooks.
   */
  readonly webhookAuth?: PostmarkWebhookAuth | readonly PostmarkWebhookAuth[];
  /**
   * Refuse webhook records older than this (by their own time), in seconds. Postmark signs nothing
   * and retries for about 70 minutes, so the window is a day. Default: 86 400.
   */
  readonly webhookToleranceSeconds?: number;
  /** @deprecated Use `webhookToleranceSeconds` (the name every adapter uses); kept for one release. In ms. */
  readonly webhookMaxAgeMs?: number;
}

/**
 * Postmark's sending limits (support article 1056 "What are the attachment and email size limits",
 * and the send-email API's "Forbidden File Types"). Postmark measures size after base64, like
 * `NormalizedMessage.sizeBytes`; 10 MB is taken in decimal megabytes to stay on the safe side.
 */
export const POSTMARK_LIMITS: ProviderLimits = Object.freeze({
  maxMessageBytes: 10_000_000,
  maxRecipients: 50,
  blockedExtensions: Object.freeze([
    'vbs',
    'exe',
    'bin',
    'bat',
    'chm',
    'com',
    'cpl',
    'crt',
    'hlp',
    'hta',
    'inf',
    'ins',
    'isp',
    'jse',
    'lnk',
    'mdb',
    'pcd',
    'pif',
    'reg',
    'scr',
    'sct',
    'shs',
    'vbe',
    'vba',
    'wsf',
    'wsh',
    'wsl',
    'msc',
    'msi',
    'msp',
    'mst',
  ]),
});

/** A Postmark provider for `createMailer({ providers: [postmark({ … })] })`. */
export function postmark(options: PostmarkOptions = {}): ProviderV1 {
  return defineProvider('postmark', options, {
    defaults: { ip: 'rotating', limits: POSTMARK_LIMITS },
    // Every send puts the mailover id in Metadata, which each event echoes back.
    eventsCarryMailoverId: true,
    webhooks: (providerId) =>
      options.webhookAuth === undefined
        ? undefined
        : postmarkWebhooks({
            providerId,
            auth: options.webhookAuth,
            ...(options.webhookToleranceSeconds === undefined
              ? {}
              : { toleranceSeconds: options.webhookToleranceSeconds }),
            ...(options.webhookMaxAgeMs === undefined ? {} : { maxAgeMs: options.webhookMaxAgeMs }),
          }),
    adapter({ timeoutMs }) {
      const clients = postmarkClients({
        client: options.client,
        serverToken: options.serverToken,
        endpoint: options.endpoint,
        timeoutMs,
      });
      return {
        async send(message, context) {
          const request = toPostmarkRequest(message, {
            ...(options.messageStream === undefined ? {} : { messageStream: options.messageStream }),
            ...(context.recipients === undefined ? {} : { recipients: context.recipients }),
          });
          const response = await sendAbortable('Postmark', context.signal, () =>
            clients.sendEmail(request, context.signal),
          );
          const messageId = isRecord(response) ? response.MessageID : undefined;
          if (typeof messageId !== 'string' || messageId === '')
            throw new UnexpectedResponseError('Postmark', 0, 'a MessageID');
          return { providerMessageId: messageId };
        },
        classifyError: (error) =>
          classifyPostmarkError(error, {
            secrets: [clients.usedServerToken(), options.serverToken, process.env.POSTMARK_SERVER_TOKEN],
          }),
      };
    },
  });
}

export { POSTMARK_BOUNCE_TYPES } from './webhook-events.js';
export {
  DEFAULT_WEBHOOK_MAX_AGE_MS,
  type PostmarkWebhookAuth,
  type PostmarkWebhookOptions,
  postmarkWebhooks,
} from './webhooks.js';
export { MAILOVER_ID_KEY, type PostmarkMappingOptions, toPostmarkRequest } from './mapping.js';
export {
  classifyPostmarkError,
  POSTMARK_ERROR_CODES,
  POSTMARK_HTTP_STATUSES,
  PostmarkMalformedResponseError,
  type PostmarkTransportDetails,
} from './errors.js';
export { type PostmarkSuppressionsOptions, postmarkSuppressions } from './suppressions.js';
