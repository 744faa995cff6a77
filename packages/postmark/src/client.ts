/**
 * The one `postmark` SDK client a provider sends through. The SDK takes no per-call AbortSignal and
 * drops response headers and error causes, but it accepts a `fetch`: ours joins the caller's signal
 * to the SDK's own timeout and notes the Retry-After header and the network error code for
 * classifyError. Why one client and a synchronous hand-over (a measured 31 µs a send):
 * docs/performance.md.
 */
import {
  lazy,
  NEVER_ABORTED,
  raceAbort,
  requireSetting,
  withoutTrailingSlashes,
} from '@mailover/core/provider';
import type { Models, ServerClient } from 'postmark';
import type { PostmarkTransportDetails } from './errors.js';

export type PostmarkModule = typeof import('postmark');

/** The SDK's `useHttps` + `requestHost` for an endpoint URL; a path prefix is kept (`…:8025/postmark`). */
export function hostOptions(
  endpoint: string | undefined,
): { useHttps: boolean; requestHost: string } | undefined {
  if (endpoint === undefined) return undefined;
  const url = new URL(endpoint);
  const path = withoutTrailingSlashes(url.pathname);
  // requestHost is pasted after `http(s)://`, so it must not carry the scheme itself.
  return { useHttps: url.protocol === 'https:', requestHost: `${url.host}${path}` };
}

/** One send's side of the fetch wrapper: the signal to obey, and what it saw, for classifyError. */
interface Call {
  readonly signal: AbortSignal;
  readonly transport: { -readonly [Key in keyof PostmarkTransportDetails]: PostmarkTransportDetails[Key] };
  reachedFetch: boolean;
}

export interface PostmarkSender {
  /**
   * `ServerClient.sendEmail`, ending when `signal` aborts; a failure carries what the transport saw
   * as `error.mailoverTransport`.
   */
  sendEmail(request: Models.Message, signal: AbortSignal): Promise<unknown>;
}

/**
 * One client for every send, concurrent ones included (building one per send cost more than the
 * rest of the adapter). Each send's signal and findings reach the fetch wrapper through `handover`:
 * the SDK calls its fetch synchronously inside `sendEmail()` (its request generator runs up to the
 * first await before returning), so the wrapper takes the call that was handed over just then. The
 * SDK version is pinned; should a later one call fetch later, the wrapper finds nothing handed over,
 * fetches plainly, and the send still ends at its signal (`raceAbort`), only without the details.
 */
export function createSender(
  sdk: PostmarkModule,
  serverToken: string,
  endpoint: string | undefined,
  timeoutMs: number,
): PostmarkSender {
  let handover: Call | undefined;
  const callFetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const call = handover;
    handover = undefined;
    if (call === undefined) return fetch(input, init);
    call.reachedFetch = true;
    const { signal, transport } = call;
    try {
      // The engine's signal for a send nothing can stop never aborts: nothing to join then.
      const joined =
        signal === NEVER_ABORTED ? undefined : init?.signal ? eitherSignal(init.signal, signal) : signal;
      const response = await fetch(input, joined ? { ...init, signal: joined } : init);
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter !== null) transport.retryAfter = retryAfter;
      return response;
    } catch (error) {
      const networkCode = causeCode(error);
      if (networkCode !== undefined) transport.networkCode = networkCode;
      throw error;
    }
  };
  const client = new sdk.ServerClient(serverToken, {
    ...hostOptions(endpoint),
    // The SDK's timeout is in seconds and is a total deadline for the call.
    timeout: timeoutMs / 1000,
    fetch: callFetch,
  });
  return {
    async sendEmail(request, signal) {
      const call: Call = { signal, transport: {}, reachedFetch: false };
      handover = call;
      let pending: Promise<unknown>;
      try {
        pending = client.sendEmail(request);
      } finally {
        handover = undefined;
      }
      try {
        return await (call.reachedFetch ? pending : raceAbort(pending, signal));
      } catch (error) {
        // The SDK keeps neither headers nor causes: hand classifyError what our fetch saw.
        if (typeof error === 'object' && error !== null)
          Object.assign(error, { mailoverTransport: call.transport });
        throw error;
      }
    },
  };
}

/**
 * A signal that aborts when either does, with that one's reason. `AbortSignal.any` does the same
 * but costs 15–40 µs a call on Node 20 (it tracks its sources through weak references). Both
 * signals here live for one call, so the listeners go with them.
 */
function eitherSignal(first: AbortSignal, second: AbortSignal): AbortSignal {
  if (first.aborted) return first;
  if (second.aborted) return second;
  const controller = new AbortController();
  first.addEventListener('abort', () => controller.abort(first.reason), { once: true });
  second.addEventListener('abort', () => controller.abort(second.reason), { once: true });
  return controller.signal;
}

/** The first Node error code in an error's cause chain (undici: `TypeError('fetch failed')` → cause). */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const fields = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof fields.code === 'string') return fields.code;
    current = fields.cause ?? (Array.isArray(fields.errors) ? fields.errors[0] : undefined);
  }
  return undefined;
}

const loadSdk = lazy<PostmarkModule>(() => import('postmark'));

/** Sends through the user's client, or through the one this adapter builds on the first send. */
export interface PostmarkClients {
  sendEmail(request: Models.Message, signal: AbortSignal): Promise<unknown>;
  /** The server token read so far, for scrubbing. */
  usedServerToken(): string | undefined;
}

export function postmarkClients(options: {
  readonly client: ServerClient | undefined;
  readonly serverToken: string | undefined;
  readonly endpoint: string | undefined;
  readonly timeoutMs: number;
}): PostmarkClients {
  let resolvedToken: string | undefined;
  let sender: PostmarkSender | undefined;
  return {
    usedServerToken: () => resolvedToken,
    async sendEmail(request, signal) {
      if (options.client) return raceAbort(options.client.sendEmail(request), signal);
      resolvedToken ??= requireSetting(
        'postmark',
        'serverToken',
        options.serverToken,
        'POSTMARK_SERVER_TOKEN',
      );
      sender ??= createSender(await loadSdk(), resolvedToken, options.endpoint, options.timeoutMs);
      return sender.sendEmail(request, signal);
    },
  };
}
