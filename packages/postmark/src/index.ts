/**
 * `postmark(options)`: a mailover provider over the official `postmark` SDK. The SDK is imported on
 * the first send and the server token read then too, so importing and constructing never throw.
 */
import {
  type IpMode,
  isAbortError,
  lazy,
  type NormalizedMessage,
  type ProviderLimits,
  type ProviderSendContext,
  type ProviderSendResult,
  type ProviderV1,
  raceAbort,
  requireSetting,
} from '@mailover/core';
import type { Models, ServerClient } from 'postmark';
import { createSender, type PostmarkModule, type PostmarkSender } from './client.js';
import { classifyPostmarkError, PostmarkMalformedResponseError } from './errors.js';
import { POSTMARK_LIMITS } from './limits.js';
import { toPostmarkRequest } from './mapping.js';
import { type PostmarkWebhookAuth, postmarkWebhooks } from './webhooks.js';

export interface PostmarkOptions {
  /** Server API token. Default: the `POSTMARK_SERVER_TOKEN` environment variable, read at the first send. */
  readonly serverToken?: string;
  /** API base URL (the sandbox's `sandbox.endpoints.postmark`, a proxy). Default: `https://api.postmarkapp.com`. */
  readonly endpoint?: string;
  /** Message Stream to send through (`MessageStream`). Default: the server's transactional stream, `outbound`. */
  readonly messageStream?: string;
  /** Provider id, unique per mailer. Default: `'postmark'`. */
  readonly id?: string;
  /** `'fixed'` only when Postmark has given your account a dedicated IP. Default: `'rotating'`. */
  readonly ip?: IpMode;
  /** Overrides of Postmark's limits, merged over them. Default: `POSTMARK_LIMITS` (10 MB, 50 recipients). */
  readonly limits?: ProviderLimits;
  /** Total deadline for one API call, in milliseconds. Default: 30 000. */
  readonly timeoutMs?: number;
  /** A ready `ServerClient` to use instead of building one (its own host and timeout apply). Default: none. */
  readonly client?: ServerClient;
  /**
   * The credentials configured on the Postmark webhook (Basic auth and/or a secret header); all must
   * match. Enables `provider.webhooks`. Default: none, so no webhooks.
   */
  readonly webhookAuth?: PostmarkWebhookAuth | readonly PostmarkWebhookAuth[];
  /** Refuse webhook records older than this (by their own time), in ms. Default: 24 h. */
  readonly webhookMaxAgeMs?: number;
}

const loadSdk = lazy<PostmarkModule>(() => import('postmark'));

/** A Postmark provider for `createMailer({ providers: [postmark({ … })] })`. */
export function postmark(options: PostmarkOptions = {}): ProviderV1 {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let resolvedToken: string | undefined;
  let sender: PostmarkSender | undefined;

  const serverToken = (): string => {
    resolvedToken ??= requireSetting('postmark', 'serverToken', options.serverToken, 'POSTMARK_SERVER_TOKEN');
    return resolvedToken;
  };

  async function sendEmail(request: Models.Message, signal: AbortSignal): Promise<unknown> {
    if (options.client) return raceAbort(options.client.sendEmail(request), signal);
    sender ??= createSender(await loadSdk(), serverToken(), options.endpoint, timeoutMs);
    return sender.sendEmail(request, signal);
  }

  return {
    specificationVersion: 'v1',
    // Every send puts the mailover id in Metadata, which each event echoes back.
    eventsCarryMailoverId: true,
    id: options.id ?? 'postmark',
    kind: 'postmark',
    ip: options.ip ?? 'rotating',
    limits: { ...POSTMARK_LIMITS, ...options.limits },

    async send(message: NormalizedMessage, context: ProviderSendContext): Promise<ProviderSendResult> {
      const request = toPostmarkRequest(message, {
        ...(options.messageStream === undefined ? {} : { messageStream: options.messageStream }),
        ...(context.recipients === undefined ? {} : { recipients: context.recipients }),
      });
      let response: unknown;
      try {
        response = await sendEmail(request, context.signal);
      } catch (error) {
        if (context.signal.aborted) throw abortError(context.signal);
        throw error;
      }
      return { providerMessageId: readMessageId(response) };
    },

    classifyError(error: unknown) {
      return classifyPostmarkError(error, [
        resolvedToken,
        options.serverToken,
        process.env.POSTMARK_SERVER_TOKEN,
      ]);
    },

    ...(hasWebhookAuth(options.webhookAuth)
      ? {
          webhooks: postmarkWebhooks({
            providerId: options.id ?? 'postmark',
            auth: options.webhookAuth,
            ...(options.webhookMaxAgeMs === undefined ? {} : { maxAgeMs: options.webhookMaxAgeMs }),
          }),
        }
      : {}),
  };
}

function hasWebhookAuth(
  auth: PostmarkOptions['webhookAuth'],
): auth is PostmarkWebhookAuth | readonly PostmarkWebhookAuth[] {
  return auth !== undefined && (!Array.isArray(auth) || auth.length > 0);
}

function readMessageId(response: unknown): string {
  const messageId =
    typeof response === 'object' && response !== null
      ? (response as { MessageID?: unknown }).MessageID
      : undefined;
  if (typeof messageId === 'string' && messageId !== '') return messageId;
  throw new PostmarkMalformedResponseError('Postmark answered the send with success but no MessageID');
}

/** The engine's abort reason may be any value; callers and classifyError expect an AbortError. */
function abortError(signal: AbortSignal): unknown {
  return isAbortError(signal.reason) ? signal.reason : new DOMException('The send was aborted', 'AbortError');
}

export { POSTMARK_LIMITS } from './limits.js';
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
