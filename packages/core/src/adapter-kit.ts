/**
 * Small helpers every adapter uses, so that each adapter file stays about its provider:
 * a memoized lazy loader, credentials from options or environment, secret scrubbing, Retry-After.
 */
import { setMaxListeners } from 'node:events';
import { numberOption } from './config/check.js';
import { MailoverError } from './errors.js';
import type { ProviderLimits } from './provider.js';

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
  const resolved: unknown = value ?? env[envName];
  if (typeof resolved !== 'string' || resolved.trim() === '') {
    throw new ConfigurationError(
      `${adapter}: no ${option}. Pass { ${option} } to ${adapter}() or set the ${envName} environment variable.`,
    );
  }
  return resolved;
}

/*
 * Options checked when an adapter is built. A security option left blank, non-finite or negative
 * (what `Number(process.env.UNSET)` or an empty `.env` line gives) must never switch its check
 * off: it is a ConfigurationError naming the option. SECURITY.md lists what each one guards.
 */

/** The longest timer Node keeps (2^31 - 1 ms); a longer one fires at once, with a warning. */
const LONGEST_TIMER_MS = 2_147_483_647;

/**
 * A number option that may be 0 (a tolerance, a maximum age): `fallback` when undefined, else a
 * finite number ≥ 0, else a ConfigurationError naming `option`.
 */
export function requireFiniteNonNegative(
  adapter: string,
  option: string,
  value: unknown,
  fallback: number,
  unit?: string,
): number {
  return numberOption(adapter, option, value, fallback, { min: 0, ...(unit ? { unit } : {}) });
}

/**
 * A timeout or delay in milliseconds: `fallback` when undefined, else a finite number from 1 to
 * 2^31 - 1. 0 is refused too: SDKs read a timeout of 0 as "wait forever".
 */
export function requireTimeoutMs(adapter: string, option: string, value: unknown, fallback: number): number {
  return numberOption(adapter, option, value, fallback, { min: 1, max: LONGEST_TIMER_MS, unit: 'ms' });
}

/** A whole-number option with a lower bound (a port, a pool size): `fallback` when undefined. */
export function requireWholeNumber(
  adapter: string,
  option: string,
  value: unknown,
  fallback: number,
  range: { readonly min: number; readonly max?: number },
): number {
  return numberOption(adapter, option, value, fallback, { integer: true, ...range });
}

/**
 * A string option that was given (a secret, a header name): it must hold something other than
 * white space, or it is a ConfigurationError naming `option`. The value is never quoted back.
 */
export function requireNonBlank(adapter: string, option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    const got = typeof value === 'string' ? 'a blank string' : value === null ? 'null' : typeof value;
    throw new ConfigurationError(
      `${adapter}: ${option} must be a non-blank string (got ${got}); set it, or leave the whole feature out`,
    );
  }
  return value;
}

/**
 * The provider's `defaults` with the `limits` it was given merged over them, each checked: a NaN
 * `maxMessageBytes` would let any size through. Counts are whole numbers of at least 1
 * (`maxAttachments` may be 0).
 */
export function requireLimits(
  adapter: string,
  limits: ProviderLimits | undefined,
  defaults: ProviderLimits,
): ProviderLimits {
  if (limits === undefined) return { ...defaults };
  if (typeof limits !== 'object' || limits === null) {
    throw new ConfigurationError(
      `${adapter}: limits must be an object such as { maxMessageBytes: 10485760 }`,
    );
  }
  const checked: Array<['maxMessageBytes' | 'maxRecipients' | 'maxAttachments', number]> = [
    ['maxMessageBytes', 1],
    ['maxRecipients', 1],
    ['maxAttachments', 0],
  ];
  for (const [name, min] of checked) {
    if (limits[name] !== undefined) {
      requireWholeNumber(adapter, `limits.${name}`, limits[name], defaults[name] ?? Infinity, { min });
    }
  }
  return { ...defaults, ...limits };
}

/** `url` without its trailing slashes. A loop, not `/\/+$/`, which is quadratic on many slashes. */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 0x2f) end -= 1;
  return url.slice(0, end);
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
