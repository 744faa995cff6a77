/**
 * What the store and the scheduler share: loading ioredis on first use, the client options that make
 * commands fail fast while Redis is down, and one error class that names the server but never its
 * password.
 */
import { lazy, MailoverError, NETWORK_ERROR_CODES, scrubSecrets, TIMEOUT_ERROR_CODES } from '@mailover/core';
import type { Redis, RedisOptions } from 'ioredis';

/** Where Redis is: a `redis://` or `rediss://` URL (`redis://:password@host:6379/0`). */
export interface RedisUrlOptions {
  /** Connection URL. Default: the `REDIS_URL` environment variable, else `redis://127.0.0.1:6379`. */
  readonly url?: string;
}

/** The default URL when none is given. */
export function resolveUrl(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return url ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** The URL with its password (and a username's secret part) replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable Redis URL)';
  }
}

/** The password inside a URL, so that error text can be scrubbed of it. */
export function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** A readable address for a client the user built, from its own options. */
export function describeClient(client: Redis): string {
  const { host, port, db, path } = client.options;
  if (path) return `redis+unix://${path}`;
  return `redis://${host ?? '127.0.0.1'}:${port ?? 6379}${db ? `/${db}` : ''}`;
}

/** @internal */
const REDIS_ERROR_MARKER = Symbol.for('mailover.error.redis');

/**
 * Redis could not do what mailover asked. `unavailable` is true when the server could not be
 * reached (down, refusing, timing out): the same call may succeed once it is back.
 * Carries no `cause`: ioredis attaches the failed command's arguments (an AUTH password among them).
 */
export class RedisError extends MailoverError {
  /** @internal */
  readonly [REDIS_ERROR_MARKER] = true;
  override name = 'RedisError';

  constructor(
    message: string,
    /** The server, with any password replaced by `***`. */
    readonly url: string,
    /** True when Redis was unreachable rather than refusing the command. */
    readonly unavailable: boolean,
    /** The underlying error code (`ECONNREFUSED`, `WRONGTYPE`…), when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }

  static override isInstance(error: unknown): error is RedisError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[REDIS_ERROR_MARKER] === true
    );
  }
}

// ioredis's own wording for "no connection right now", which carries no errno code.
const UNAVAILABLE_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'Reached the max retries per request limit',
  'connect ETIMEDOUT',
];

/**
 * Turn whatever ioredis threw into a RedisError naming the server. `lastConnectionError` is the most
 * recent socket error the client reported: "stream isn't writeable" alone does not say why.
 */
export function toRedisError(
  error: unknown,
  operation: string,
  url: string,
  secrets: readonly (string | undefined)[],
  lastConnectionError?: Error,
): RedisError {
  if (RedisError.isInstance(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  const disconnected = UNAVAILABLE_MESSAGES.some((fragment) => text.includes(fragment));
  // The last connection error explains only a failure that says "not connected"; any other error
  // is about the command itself, even if the connection dropped at some point before.
  const code = errorCode(error) ?? (disconnected ? errorCode(lastConnectionError) : undefined);
  const unavailable =
    disconnected || (code !== undefined && (NETWORK_ERROR_CODES.has(code) || TIMEOUT_ERROR_CODES.has(code)));
  const why =
    unavailable && lastConnectionError && !text.includes(lastConnectionError.message)
      ? `${text} (last connection error: ${lastConnectionError.message})`
      : text;
  const message = unavailable
    ? `Redis at ${redactUrl(url)} is unavailable: ${operation} failed: ${why}`
    : `Redis at ${redactUrl(url)}: ${operation} failed: ${why}`;
  return new RedisError(scrubSecrets(message, secrets), redactUrl(url), unavailable, code);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Redis reply errors start with their code: "WRONGTYPE Operation against a key…".
  const message = (error as { message?: unknown }).message;
  const match = typeof message === 'string' ? /^([A-Z]{3,})\b/.exec(message) : null;
  return match?.[1];
}

/** ioredis, imported on first use so that importing mailover costs nothing until Redis is needed. */
export const loadIoredis = lazy(() => import('ioredis'));

/**
 * Client options for mailover's own connections.
 * - `enableOfflineQueue: false`: while disconnected a command fails at once with a clear error,
 *   instead of waiting in memory for a server that may be gone for minutes (a webhook handler or a
 *   send would hang on it). ioredis keeps reconnecting in the background, so the next call after
 *   Redis is back succeeds.
 * - `maxRetriesPerRequest: 1`: a command in flight when the connection drops waits for at most one
 *   reconnection attempt, then fails.
 * - `commandTimeout`: the last guard, for a server that accepts the connection but never answers.
 * - `lazyConnect`: nothing touches the network until the first command.
 */
export function storeClientOptions(commandTimeoutMs: number): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1_000),
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  };
}
