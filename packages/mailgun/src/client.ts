/**
 * The mailgun.js client, built once on the first send (never at import): the key and the SDK are
 * read then. mailgun.js takes no AbortSignal, so the adapter stops waiting on abort instead.
 */
import { lazy, requireSetting, withoutTrailingSlashes } from '@mailover/core/provider';
import type { MailgunMessageData, MessagesSendResult } from 'mailgun.js/definitions';

/** The part of a mailgun.js client this adapter uses; `new Mailgun(FormData).client(…)` fits. */
export interface MailgunClient {
  readonly messages: {
    create(domain: string, data: MailgunMessageData): Promise<MessagesSendResult>;
  };
}

/** Mailgun's US API; `https://api.eu.mailgun.net` for EU domains. */
export const MAILGUN_DEFAULT_ENDPOINT = 'https://api.mailgun.net';

/** The client, and the key it was built with (for scrubbing). */
export interface MailgunClients {
  client(): Promise<MailgunClient>;
  usedApiKey(): string | undefined;
}

export function mailgunClients(options: {
  readonly client: MailgunClient | undefined;
  readonly apiKey: string | undefined;
  readonly endpoint: string;
  readonly timeoutMs: number;
}): MailgunClients {
  let usedApiKey: string | undefined;
  const client = lazy(async (): Promise<MailgunClient> => {
    if (options.client) return options.client;
    const key = requireSetting('mailgun', 'apiKey', options.apiKey, 'MAILGUN_API_KEY');
    usedApiKey = key;
    const { default: Mailgun } = await import('mailgun.js');
    // Node's own FormData: mailgun.js then keeps each attachment Blob's type and bytes.
    return new Mailgun(FormData).client({
      username: 'api',
      key,
      url: baseUrl(options.endpoint),
      timeout: options.timeoutMs,
    });
  });
  return { client, usedApiKey: () => usedApiKey };
}

/** mailgun.js appends `/v3/…` itself and keeps any path prefix: drop a trailing `/` or `/v3`. */
function baseUrl(endpoint: string): string {
  return withoutTrailingSlashes(endpoint).replace(/\/v3$/, '');
}
