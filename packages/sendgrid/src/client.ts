/**
 * Loading and configuring the official SDK. The modules load on the first send (never at import).
 * @sendgrid/mail takes no per-request options: the AbortSignal and timeout can only ride on a
 * client's default request, so a send with a signal of its own gets a client of its own.
 */
import { lazy, NEVER_ABORTED, requireSetting } from '@mailover/core/provider';
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

interface ClientSettings {
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

/** Where the adapter gets a client for each send, and which key it used (for scrubbing). */
export interface SendGridClients {
  /** The client for a send with this signal. Reads the key (option or environment) at the first send. */
  clientFor(signal: AbortSignal): Promise<SendGridMailClient>;
  /** The key read so far, if any. */
  usedApiKey(): string | undefined;
}

/**
 * One client per signal: the engine hands every send that nothing can stop the same signal, so
 * those share one client; a send with its own signal gets its own (the SDK takes the signal only on
 * a client's default request). Building one cost ~40 µs of CPU a send.
 */
export function sendgridClients(options: {
  readonly client: SendGridMailClient | undefined;
  readonly apiKey: string | undefined;
  readonly endpoint: string;
  readonly timeoutMs: number;
}): SendGridClients {
  let usedApiKey: string | undefined;
  let last:
    | { readonly signal: AbortSignal; readonly apiKey: string; readonly client: Promise<SendGridMailClient> }
    | undefined;
  return {
    usedApiKey: () => usedApiKey,
    clientFor(signal) {
      if (options.client) return Promise.resolve(options.client);
      usedApiKey = requireSetting('sendgrid', 'apiKey', options.apiKey, 'SENDGRID_API_KEY');
      if (last?.signal === signal && last.apiKey === usedApiKey) return last.client;
      const client = createMailClient({
        apiKey: usedApiKey,
        endpoint: options.endpoint,
        timeoutMs: options.timeoutMs,
        ...(signal === NEVER_ABORTED ? {} : { signal }),
      });
      last = { signal, apiKey: usedApiKey, client };
      // A client that failed to build (the SDK could not load) is not kept.
      client.catch(() => {
        if (last?.client === client) last = undefined;
      });
      return client;
    },
  };
}
