/**
 * Small helpers every adapter uses, so that each adapter file stays about its provider:
 * a memoized lazy loader, credentials from options or environment, secret scrubbing, Retry-After.
 */
import { setMaxListeners } from 'node:events';
import { MailoverError } from './errors.js';

/** @internal */
const CONFIGURATION_MARKER = Symbol.for('mailover.error.configuration');

/** An adapter is missing something it needs (a credential, a domain). Says which option and which variable. */
export class ConfigurationError extends MailoverError {
  /** @internal */
  readonly [CONFIGURATION_MARKER] = true;
  override name = 'ConfigurationError';

  static override isInstance(error: unknown): error is ConfigurationError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[CONFIGURATION_MARKER] === true
    );
  }
}

/** Run `load` once, on first call; later calls share its promise. A failed load is retried next time. */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/**
 * The option's value, else the environment variable's, else a ConfigurationError naming both.
 * Called at the first send, never at import.
 */
export function requireSetting(
  adapter: string,
  option: string,
  value: string | undefined,
  envName: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const resolved = value ?? env[envName];
  if (resolved === undefined || resolved === '') {
    throw new ConfigurationError(
      `${adapter}: no ${option}. Pass { ${option} } to ${adapter}() or set the ${envName} environment variable.`,
    );
  }
  return resolved;
}

/** Replace every occurrence of each secret (and its base64 form, as in Basic auth) with `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of [secret, Buffer.from(secret).toString('base64')]) {
      result = result.split(form).join('[redacted]');
    }
  }
  return result;
}

/**
 * A Retry-After header (delta-seconds or an HTTP date) in milliseconds from `now`;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Node's network error codes: the request never got an answer. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_NETWORK',
]);

/** Timeout codes across axios, undici and Node. */
export const TIMEOUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'ECONNABORTED',
  'ESOCKETTIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_CANCELED',
]);

/** True for an AbortError / the engine's abort reason. */
export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { name?: unknown }).name === 'AbortError' ||
      (error as { name?: unknown }).name === 'TimeoutError')
  );
}

/**
 * The signal the engine hands a provider when nothing can stop the send (no caller signal, no
 * deadline): one shared signal that never aborts. An adapter may leave it out of its SDK call
 * (`signal === NEVER_ABORTED ? undefined : signal`): wiring a signal into an HTTP client costs
 * listeners on every request, and a client built around a signal can then be kept for every send.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
// Concurrent sends share it, and an SDK given it may listen per request: without a limit, Node
// would warn of a leak at the 11th listener, though each goes when its request ends.
setMaxListeners(0, NEVER_ABORTED);

/**
 * Settle with `promise`, or reject with the signal's reason as soon as it aborts. For SDKs that take
 * no AbortSignal: the request may still finish in the background, and the engine treats the
 * attempt's outcome as `unknown`.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal === NEVER_ABORTED) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // the call is abandoned: its failure must not go unhandled
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Network error codes that mean the connection was never made, so nothing was sent (outcome
 * `not_sent`). Any other network failure happened after the request may have left (`unknown`).
 */
export const NEVER_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
