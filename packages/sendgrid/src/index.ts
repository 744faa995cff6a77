/**
 * `sendgrid(options)`: mailover's provider over the official `@sendgrid/mail` SDK.
 * Importing and constructing never throw nor load the SDK; the key is read at the first send.
 */
import {
  type IpMode,
  NEVER_ABORTED,
  type NormalizedMessage,
  type ProviderLimits,
  type ProviderSendContext,
  type ProviderSendResult,
  type ProviderV1,
  raceAbort,
  requireSetting,
} from '@mailover/core';
import { createMailClient, SENDGRID_DEFAULT_ENDPOINT, type SendGridMailClient } from './client.js';
import { classifySendGridError, SendGridUnexpectedResponseError } from './errors.js';
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
  type SendGridWebhookOptions,
  sendgridWebhooks,
  SENDGRID_TIMESTAMP_HEADER,
} from './webhooks.js';

/** SendGrid v3 Mail Send limits: under 30 MB in all, at most 1,000 recipients across to, cc and bcc. */
export const SENDGRID_LIMITS: ProviderLimits = Object.freeze({
  maxMessageBytes: 30 * 1024 * 1024,
  maxRecipients: 1000,
});

export interface SendGridOptions {
  /** The SendGrid API key. Default: the `SENDGRID_API_KEY` environment variable, read at the first send. */
  readonly apiKey?: string;
  /** The API base URL, e.g. a sandbox's `endpoints.sendgrid`. Default: `https://api.sendgrid.com/`. */
  readonly endpoint?: string;
  /** Send every message from this IP pool (`ip_pool_name`). Default: none; SendGrid picks any IP. */
  readonly ipPoolName?: string;
  /** This provider's id in the mailer. Default: `'sendgrid'`. */
  readonly id?: string;
  /** `'fixed'` when `ipPoolName` names a pool of one dedicated IP. Default: `'rotating'`. */
  readonly ip?: IpMode;
  /** What this account can carry, merged over SendGrid's limits. Default: `SENDGRID_LIMITS`. */
  readonly limits?: ProviderLimits;
  /** How long one request may take, in milliseconds. Default: 30 000. */
  readonly timeoutMs?: number;
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

/** Marks a send that ended because its signal aborted, whatever the SDK threw then. */
function abortError(cause: unknown): Error {
  const error = new Error('SendGrid request aborted', { cause });
  error.name = 'AbortError';
  return error;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A mailover provider that sends through SendGrid. */
export function sendgrid(options: SendGridOptions = {}): ProviderV1 {
  // The key actually used, kept so that classifyError can scrub it from every message.
  let usedApiKey: string | undefined;
  // The client built for the last signal. The engine hands every send that nothing can stop the
  // same signal, so those share one client; a send with its own signal gets its own (the SDK takes
  // the signal only on a client's default request). Building one cost ~40 µs of CPU a send.
  let last:
    | { readonly signal: AbortSignal; readonly apiKey: string; readonly client: Promise<SendGridMailClient> }
    | undefined;

  function clientFor(signal: AbortSignal): Promise<SendGridMailClient> {
    if (options.client) return Promise.resolve(options.client);
    usedApiKey = requireSetting('sendgrid', 'apiKey', options.apiKey, 'SENDGRID_API_KEY');
    if (last?.signal === signal && last.apiKey === usedApiKey) return last.client;
    const client = createMailClient({
      apiKey: usedApiKey,
      endpoint: options.endpoint ?? SENDGRID_DEFAULT_ENDPOINT,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(signal === NEVER_ABORTED ? {} : { signal }),
    });
    last = { signal, apiKey: usedApiKey, client };
    // A client that failed to build (the SDK could not load) is not kept.
    client.catch(() => {
      if (last?.client === client) last = undefined;
    });
    return client;
  }

  async function send(message: NormalizedMessage, context: ProviderSendContext): Promise<ProviderSendResult> {
    const client = await clientFor(context.signal);
    const request = toSendGridRequest(message, {
      ipPoolName: options.ipPoolName,
      recipients: context.recipients,
    });
    // Starting a request on an aborted signal would leave its rejection unhandled (raceAbort returns at once).
    if (context.signal.aborted) throw abortError(context.signal.reason);
    try {
      const [response] = await raceAbort(client.send(request), context.signal);
      const providerMessageId = headerOf(response.headers, 'x-message-id');
      if (!providerMessageId) throw new SendGridUnexpectedResponseError(response.statusCode);
      return { providerMessageId };
    } catch (error) {
      if (context.signal.aborted && !SendGridUnexpectedResponseError.isInstance(error))
        throw abortError(error);
      throw error;
    }
  }

  const id = options.id ?? 'sendgrid';
  return {
    specificationVersion: 'v1',
    // Every send puts the mailover id in custom_args, which each event echoes back.
    eventsCarryMailoverId: true,
    id,
    kind: 'sendgrid',
    ip: options.ip ?? 'rotating',
    limits: { ...SENDGRID_LIMITS, ...options.limits },
    send,
    classifyError: (error) => classifySendGridError(error, [usedApiKey, options.apiKey]),
    ...(options.webhookPublicKey
      ? {
          webhooks: sendgridWebhooks({
            publicKey: options.webhookPublicKey,
            toleranceSeconds: options.webhookToleranceSeconds,
            providerId: id,
          }),
        }
      : {}),
  };
}
export { type SendGridSuppressionsOptions, sendgridSuppressions } from './suppressions.js';
