/**
 * Loading and configuring the official SDK. The modules load on the first send (never at import).
 * @sendgrid/mail takes no per-request options: the AbortSignal and timeout can only ride on a
 * client's default request, so a send with a signal of its own gets a client of its own.
 */
import { lazy } from '@mailover/core';
import type { MailDataRequired } from '@sendgrid/helpers/classes/mail.js';

/** What the adapter needs of a SendGrid mail client: `MailService` and the `@sendgrid/mail` singleton fit. */
export interface SendGridMailClient {
  send(
    data: MailDataRequired,
  ): Promise<readonly [{ readonly statusCode: number; readonly headers: unknown }, unknown]>;
}

/** The parts of `@sendgrid/client`'s Client used here (its typings do not export the class usably). */
interface SdkClient {
  setDefaultHeader(key: string, value: string): unknown;
  setDefaultRequest(key: string | object, value?: unknown): unknown;
}

interface SdkMailService extends SendGridMailClient {
  setClient(client: SdkClient): unknown;
}

/** SendGrid's production API; `endpoint` replaces it. */
export const SENDGRID_DEFAULT_ENDPOINT = 'https://api.sendgrid.com/';

const loadSdk = lazy(async () => {
  const [clientModule, mailModule] = await Promise.all([
    import('@sendgrid/client'),
    import('@sendgrid/mail'),
  ]);
  // Both are CommonJS: the classes hang off module.exports, which ESM sees as `default`.
  const { Client } = clientModule.default as unknown as { Client: new () => SdkClient };
  const { MailService } = mailModule.default as unknown as { MailService: new () => SdkMailService };
  return { Client, MailService };
});

export interface ClientSettings {
  readonly apiKey: string;
  readonly endpoint: string;
  readonly timeoutMs: number;
  /** Left out for a signal that never aborts. */
  readonly signal?: AbortSignal;
}

/** A MailService bound to one send's key, base URL, timeout and signal. */
export async function createMailClient(settings: ClientSettings): Promise<SendGridMailClient> {
  const { Client, MailService } = await loadSdk();
  const client = new Client();
  // The header, not setApiKey(): setApiKey() resets baseUrl and warns about keys not starting with "SG.".
  client.setDefaultHeader('Authorization', `Bearer ${settings.apiKey}`);
  client.setDefaultRequest('baseUrl', settings.endpoint);
  // `timeout` and `signal` are axios options: the SDK passes its default request to axios as is.
  client.setDefaultRequest({
    timeout: settings.timeoutMs,
    ...(settings.signal ? { signal: settings.signal } : {}),
  });
  const service = new MailService();
  service.setClient(client);
  return service;
}
