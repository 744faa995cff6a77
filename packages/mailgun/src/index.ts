/**
 * `mailgun(options)`: a mailover provider over mailgun.js. Importing and constructing never throw
 * and never load the SDK; credentials are read and the SDK imported at the first send.
 */
import {
  type IpMode,
  lazy,
  type NormalizedMessage,
  type ProviderLimits,
  type ProviderSendContext,
  type ProviderSendResult,
  type ProviderV1,
  raceAbort,
  requireSetting,
} from '@mailover/core';
import type { MailgunMessageData, MessagesSendResult } from 'mailgun.js/definitions';
import { classifyMailgunError, MailgunUnexpectedResponseError } from './errors.js';
import { toMailgunRequest } from './mapping.js';
import { mailgunWebhooks } from './webhooks.js';

export {
  classifyMailgunError,
  MAILGUN_ERROR_TABLE,
  MAILGUN_STATUS_CODES,
  MailgunUnexpectedResponseError,
} from './errors.js';
export { MAILOVER_ID_VARIABLE, toMailgunRequest } from './mapping.js';
export {
  type MailgunWebhookOptions,
  mailgunEventType,
  mailgunWebhooks,
  parseMailgunWebhook,
  verifyMailgunWebhook,
} from './webhooks.js';

/** The part of a mailgun.js client this adapter uses; `new Mailgun(FormData).client(…)` fits. */
export interface MailgunClient {
  readonly messages: {
    create(domain: string, data: MailgunMessageData): Promise<MessagesSendResult>;
  };
}

export interface MailgunOptions {
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
  /** Provider id, unique per mailer. Default `'mailgun'`. */
  readonly id?: string;
  /** `'fixed'` when a dedicated IP or pool pins the sending address. Default `'rotating'`. */
  readonly ip?: IpMode;
  /** Override the declared limits (merged over Mailgun's). Default: {@link MAILGUN_LIMITS}. */
  readonly limits?: ProviderLimits;
  /** Request timeout in milliseconds. Default 30 000. */
  readonly timeoutMs?: number;
  /** A pre-built mailgun.js client, used instead of building one (then `apiKey` is not needed). Default: none. */
  readonly client?: MailgunClient;
  /** HTTP webhook signing key; when set, `provider.webhooks` verifies and parses Mailgun webhooks. Default: none. */
  readonly webhookSigningKey?: string;
  /** Oldest webhook timestamp accepted, in seconds from now. Default 300. */
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

const DEFAULT_ENDPOINT = 'https://api.mailgun.net';
const DEFAULT_TIMEOUT_MS = 30_000;

/** A Mailgun provider for `createMailer({ providers: [mailgun({ … })] })`. */
export function mailgun(options: MailgunOptions = {}): ProviderV1 {
  let resolvedApiKey: string | undefined;
  const domain = () => requireSetting('mailgun', 'domain', options.domain, 'MAILGUN_DOMAIN');
  const client = lazy(async (): Promise<MailgunClient> => {
    if (options.client) return options.client;
    const key = requireSetting('mailgun', 'apiKey', options.apiKey, 'MAILGUN_API_KEY');
    resolvedApiKey = key;
    const { default: Mailgun } = await import('mailgun.js');
    // Node's own FormData: mailgun.js then keeps each attachment Blob's type and bytes.
    return new Mailgun(FormData).client({
      username: 'api',
      key,
      url: baseUrl(options.endpoint),
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  });

  return {
    specificationVersion: 'v1',
    // Every send puts the mailover id in the v:mailover_id variable, which each event echoes back.
    eventsCarryMailoverId: true,
    id: options.id ?? 'mailgun',
    kind: 'mailgun',
    ip: options.ip ?? 'rotating',
    limits: { ...MAILGUN_LIMITS, ...options.limits },
    async send(message: NormalizedMessage, context: ProviderSendContext): Promise<ProviderSendResult> {
      const sendingDomain = domain();
      const request = toMailgunRequest(message, {
        ...(context.recipients ? { recipients: context.recipients } : {}),
        ...(options.sendingIp ? { sendingIp: options.sendingIp } : {}),
        ...(options.sendingIpPool ? { sendingIpPool: options.sendingIpPool } : {}),
      });
      // mailgun.js takes no AbortSignal: stop waiting on abort (the request may still land).
      const result = await raceAbort(
        client().then((sdk) => sdk.messages.create(sendingDomain, request)),
        context.signal,
      ).catch((error: unknown) => {
        if (context.signal.aborted && error === context.signal.reason) {
          throw new DOMException('Mailgun send aborted', 'AbortError');
        }
        throw error;
      });
      if (typeof result?.id !== 'string' || result.id === '') {
        throw new MailgunUnexpectedResponseError(result?.status ?? 0, String(result?.message ?? ''));
      }
      return { providerMessageId: result.id };
    },
    classifyError(error: unknown) {
      return classifyMailgunError(error, {
        secrets: [options.apiKey, resolvedApiKey, process.env.MAILGUN_API_KEY, options.webhookSigningKey],
      });
    },
    ...(options.webhookSigningKey
      ? {
          webhooks: mailgunWebhooks({
            signingKey: options.webhookSigningKey,
            providerId: options.id ?? 'mailgun',
            ...(options.webhookToleranceSeconds !== undefined
              ? { toleranceSeconds: options.webhookToleranceSeconds }
              : {}),
          }),
        }
      : {}),
  };
}

/** mailgun.js appends `/v3/…` itself and keeps any path prefix: drop a trailing `/` or `/v3`. */
function baseUrl(endpoint: string | undefined): string {
  if (!endpoint) return DEFAULT_ENDPOINT;
  return endpoint.replace(/\/+$/, '').replace(/\/v3$/, '');
}
export { type MailgunSuppressionsOptions, mailgunSuppressions } from './suppressions.js';
