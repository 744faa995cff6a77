import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryEvent } from '../delivery-event.js';
import type { Provider, WebhookContext, WebhookRequest } from '../provider.js';

/** What the webhook endpoint did with one request. */
export interface WebhookOutcome {
  readonly status: number;
  readonly body: {
    readonly ok: boolean;
    readonly error?: string;
    readonly stored?: number;
    readonly duplicates?: number;
    /** Authentic events that named no message this provider sent to that recipient: recorded nowhere. */
    readonly unmatched?: number;
  };
}

/** What one webhook request came to: the `webhook` event. */
export interface WebhookReport {
  /** The provider id the request was addressed to. */
  readonly provider: string;
  /**
   * `'verified'`: authentic (its events stored when `status` is 200); `'rejected'`: the provider's
   * verification refused it; `'invalid'`: refused before verification (no such provider, not a
   * POST, too large, unreadable) or verification itself threw.
   */
  readonly verification: 'verified' | 'rejected' | 'invalid';
  /** The HTTP status answered. */
  readonly status: number;
  /** Why it was refused (secret-free), for statuses other than 200. */
  readonly reason?: string;
  /** Events stored, and events already stored before (duplicates). */
  readonly stored: number;
  readonly duplicates: number;
  /** When the request began to be handled (epoch ms, the mailer's clock), and for how long. */
  readonly startedAt: number;
  readonly durationMs: number;
}

/** What one webhook request's events came to. */
export interface IngestCounts {
  /** Events attributed to a message and recorded. */
  readonly stored: number;
  /** Events already seen (the provider delivered the webhook again). */
  readonly duplicates: number;
  /** Authentic events that name no message this provider sent to that recipient: recorded nowhere. */
  readonly unmatched: number;
}

export interface WebhookDependencies {
  /** Told about every answered request. Default: nobody. */
  readonly observe?: (report: WebhookReport) => void;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly now: () => number;
  /** Claim a replay token; resolves true the first time. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Release a claimed token again (the request failed, so the provider's retry must pass). */
  releaseOnce(key: string): Promise<void>;
  /** Largest body accepted, bytes. */
  readonly maxBodyBytes: number;
  /** Store the events; resolves once they are durable. Throws when they could not be stored. */
  ingest(events: readonly DeliveryEvent[]): Promise<IngestCounts>;
}

/** The HTTP side of `mailer.webhooks`: web-standard `Request`/`Response`, and Node's `http`/Express. */
export interface WebhookEndpoint {
  /** Verify, parse and store one provider webhook. 2xx only once the events are stored. */
  handle(providerId: string, request: Request): Promise<Response>;
  /** A Node `http` / Express handler for one provider. Mount it before any body parser (or use `express.raw()`). */
  node(providerId: string): (request: IncomingMessage & { body?: unknown }, response: ServerResponse) => void;
  /** The same, on an already-read request. */
  handleRaw(providerId: string, request: WebhookRequest): Promise<WebhookOutcome>;
}

class TooLarge extends Error {}

export function createWebhookEndpoint(dependencies: WebhookDependencies): WebhookEndpoint {
  const { providers, maxBodyBytes } = dependencies;

  /** Report the answer to `observe`, then give it back. */
  function observed(
    providerId: string,
    startedAt: number,
    verification: WebhookReport['verification'],
    outcome: WebhookOutcome,
  ): WebhookOutcome {
    dependencies.observe?.({
      provider: providerId,
      verification,
      status: outcome.status,
      ...(outcome.body.error === undefined ? {} : { reason: outcome.body.error }),
      stored: outcome.body.stored ?? 0,
      duplicates: outcome.body.duplicates ?? 0,
      startedAt,
      durationMs: dependencies.now() - startedAt,
    });
    return outcome;
  }

  async function handleRaw(providerId: string, request: WebhookRequest): Promise<WebhookOutcome> {
    const startedAt = dependencies.now();
    const verdict: { verification: WebhookReport['verification'] } = { verification: 'invalid' };
    const outcome = await verifyAndStore(providerId, request, verdict);
    return observed(providerId, startedAt, verdict.verification, outcome);
  }

  async function verifyAndStore(
    providerId: string,
    request: WebhookRequest,
    verdict: { verification: WebhookReport['verification'] },
  ): Promise<WebhookOutcome> {
    // Replay tokens claimed while verifying this request; released if it is not stored after all.
    const claimed: string[] = [];
    const context: WebhookContext = {
      now: dependencies.now,
      async rememberOnce(key, ttlMs) {
        const first = await dependencies.claimOnce(key, ttlMs);
        if (first) claimed.push(key);
        return first;
      },
    };
    const release = () =>
      Promise.all(claimed.map((key) => dependencies.releaseOnce(key).catch(() => undefined)));
    const webhooks = providers.get(providerId)?.webhooks;
    if (!webhooks) return refuse(404, `no webhook verification configured for provider '${providerId}'`);
    if (request.method.toUpperCase() !== 'POST') return refuse(405, 'webhooks are POSTed');
    if (request.body.byteLength > maxBodyBytes) return refuse(413, `body over ${maxBodyBytes} bytes`);
    let events: DeliveryEvent[];
    try {
      const rejection = await webhooks.verify(request, context);
      if (rejection) {
        verdict.verification = 'rejected';
        return refuse(rejection.status, rejection.reason);
      }
      verdict.verification = 'verified';
      events = webhooks.parse(request);
    } catch (error) {
      await release();
      return refuse(400, `malformed webhook: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
    try {
      // Unmatched events are answered 200 too: the provider must not keep delivering them.
      return { status: 200, body: { ok: true, ...(await dependencies.ingest(events)) } };
    } catch (error) {
      // 5xx makes the provider deliver the webhook again later: nothing is lost.
      await release();
      return refuse(503, `events not stored: ${error instanceof Error ? error.message : 'store failure'}`);
    }
  }

  return {
    handleRaw,
    async handle(providerId, request) {
      const startedAt = dependencies.now();
      let outcome: WebhookOutcome;
      try {
        const body = await readWebBody(request, maxBodyBytes);
        outcome = await handleRaw(providerId, {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body,
        });
      } catch (error) {
        outcome = observed(
          providerId,
          startedAt,
          'invalid',
          error instanceof TooLarge
            ? refuse(413, `body over ${maxBodyBytes} bytes`)
            : refuse(400, 'unreadable body'),
        );
      }
      return Response.json(outcome.body, { status: outcome.status });
    },
    node(providerId) {
      return (request, response) => {
        const startedAt = dependencies.now();
        readNodeBody(request, maxBodyBytes)
          .then((body) =>
            handleRaw(providerId, {
              method: request.method ?? 'POST',
              url: request.url ?? '/',
              headers: toHeaders(request.headers),
              body,
            }),
          )
          .catch((error: unknown) =>
            observed(
              providerId,
              startedAt,
              'invalid',
              error instanceof TooLarge
                ? refuse(413, `body over ${maxBodyBytes} bytes`)
                : refuse(400, error instanceof Error ? error.message : 'unreadable body'),
            ),
          )
          .then((outcome) => {
            if (response.headersSent) return;
            response.writeHead(outcome.status, { 'content-type': 'application/json' });
            response.end(JSON.stringify(outcome.body));
          });
      };
    },
  };
}

function refuse(status: number, error: string): WebhookOutcome {
  return { status, body: { ok: false, error } };
}

async function readWebBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new TooLarge();
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function readNodeBody(request: IncomingMessage & { body?: unknown }, limit: number): Promise<Uint8Array> {
  // Express with express.raw(): the bytes are already there.
  if (Buffer.isBuffer(request.body)) {
    if (request.body.byteLength > limit) return Promise.reject(new TooLarge());
    return Promise.resolve(request.body);
  }
  if (request.body !== undefined && request.readableEnded) {
    return Promise.reject(
      new Error(
        'the body was already parsed; signatures need the raw bytes: mount the handler before body parsers',
      ),
    );
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new TooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new TooLarge());
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function toHeaders(raw: IncomingMessage['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
