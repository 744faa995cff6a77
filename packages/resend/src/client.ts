/**
 * The `resend` SDK client, built on the first send (never at import): the key and the SDK are read
 * then. The SDK never throws for a failed call: it answers `{ data, error, headers }`, and this
 * file turns an `error` into a thrown {@link ResendApiError} for the classifier. It takes no
 * timeout, so the adapter's own goes in as a fetch signal.
 */
import { lazy, requireSetting, withoutTrailingSlashes } from '@mailover/core/provider';
import type { CreateEmailOptions, Resend } from 'resend';

/** Resend's production API; `baseUrl` replaces it (the SDK also reads `RESEND_BASE_URL`). */
export const RESEND_DEFAULT_ENDPOINT = 'https://api.resend.com';

/** The part of a `Resend` client the adapter uses; `new Resend(key)` fits. */
export interface ResendClient {
  readonly emails: Pick<Resend['emails'], 'send'>;
}

/** What the SDK answered instead of data, thrown: `{statusCode, name, message}` and the response headers. */
export class ResendApiError extends Error {
  override name = 'ResendApiError';
  constructor(
    /** Resend's error name (`rate_limit_exceeded`), or the SDK's `application_error`. */
    readonly errorName: string,
    /** The HTTP status; null when no answer came (the SDK's "Unable to fetch data"). */
    readonly statusCode: number | null,
    message: string,
    /** The response headers, lower-case names. */
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

export interface ResendClients {
  /** Send one email; resolves to the new email's id, or throws what the SDK answered. */
  send(
    request: CreateEmailOptions,
    options: { idempotencyKey: string; signal: AbortSignal },
  ): Promise<unknown>;
  usedApiKey(): string | undefined;
}

export function resendClients(options: {
  readonly client: ResendClient | undefined;
  readonly apiKey: string | undefined;
  readonly endpoint: string;
}): ResendClients {
  let usedApiKey: string | undefined;
  const client = lazy(async (): Promise<ResendClient> => {
    if (options.client) return options.client;
    usedApiKey = requireSetting('resend', 'apiKey', options.apiKey, 'RESEND_API_KEY');
    const { Resend } = await import('resend');
    return new Resend(usedApiKey, { baseUrl: withoutTrailingSlashes(options.endpoint) });
  });
  return {
    usedApiKey: () => usedApiKey,
    async send(request, { idempotencyKey, signal }) {
      // The SDK spreads its request options into fetch's, so the signal reaches fetch.
      const answer = await (await client()).emails.send(request, { idempotencyKey, signal } as never);
      if (answer.error) {
        const { name, statusCode, message } = answer.error as {
          name?: unknown;
          statusCode?: unknown;
          message?: unknown;
        };
        throw new ResendApiError(
          typeof name === 'string' ? name : 'application_error',
          typeof statusCode === 'number' ? statusCode : null,
          typeof message === 'string' ? message : '',
          (answer.headers as Record<string, string> | null) ?? {},
        );
      }
      return answer.data;
    },
  };
}
