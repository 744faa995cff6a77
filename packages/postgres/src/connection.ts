/**
 * What the store and the queue share: loading pg on first use, one pool per `postgres()` call,
 * and one error class that names the server but never its password.
 */
import {
  ConfigurationError,
  lazy,
  MailoverError,
  NETWORK_ERROR_CODES,
  scrubSecrets,
  TIMEOUT_ERROR_CODES,
} from '@mailover/core';
import type { Pool, PoolConfig } from 'pg';

/** Where PostgreSQL is: a connection string (mailover owns the pool) or a `pg` Pool you own. */
export type PostgresConnection =
  /** `postgres://user:password@host:5432/database`. Default: `DATABASE_URL`, else `postgres://127.0.0.1:5432/postgres`. */
  | { readonly connectionString?: string }
  /** A `pg` Pool you built and will end yourself. */
  | { readonly pool: Pool };

/** The connection string with its password replaced, for messages and logs. */
export function redactConnectionString(connectionString: string): string {
  try {
    const parsed = new URL(connectionString);
    if (parsed.password) parsed.password = '***';
    parsed.searchParams.delete('password');
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable PostgreSQL connection string)';
  }
}

function passwordOf(connectionString: string): string | undefined {
  try {
    const parsed = new URL(connectionString);
    const password = parsed.password
      ? decodeURIComponent(parsed.password)
      : parsed.searchParams.get('password');
    return password || undefined;
  } catch {
    return undefined;
  }
}

/** @internal */
const POSTGRES_ERROR_MARKER = Symbol.for('mailover.error.postgres');

/**
 * PostgreSQL could not do what mailover asked. `unavailable` is true when the server could not be
 * reached (down, refusing, restarting, timing out): the same call may succeed once it is back.
 * Carries no `cause`: pg's errors can carry the query's parameters (message content).
 */
export class PostgresError extends MailoverError {
  /** @internal */
  readonly [POSTGRES_ERROR_MARKER] = true;
  override name = 'PostgresError';

  constructor(
    message: string,
    /** The server, with any password replaced by `***`. */
    readonly server: string,
    /** True when PostgreSQL was unreachable rather than refusing the statement. */
    readonly unavailable: boolean,
    /** The SQLSTATE or socket error code (`57P01`, `ECONNREFUSED`…), when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }

  static override isInstance(error: unknown): error is PostgresError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[POSTGRES_ERROR_MARKER] === true
    );
  }
}

// pg's own wording for "no connection right now", which carries no code.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
  'the database system is starting up',
  'the database system is shutting down',
];

/** SQLSTATE classes that mean "the server is not there right now": 08 (connection), 57P (shutdown). */
const unavailableState = (code: string) => code.startsWith('08') || /^57P0[1-4]$/.test(code);

/** A pool mailover owns or one the user passed, with what errors need to name the server safely. */
export interface Connection {
  readonly server: string;
  readonly owned: boolean;
  /** The pool, created (and pg loaded) on first use. */
  pool(): Promise<Pool>;
  /** Turn whatever pg threw into a PostgresError naming the server. */
  failure(error: unknown, operation: string): PostgresError;
  /** End the pool if mailover created it; a pool you passed stays open. */
  end(): Promise<void>;
}

/** pg, imported on first use so that importing mailover costs nothing until PostgreSQL is needed. */
export const loadPg = lazy(() => import('pg'));

/** Resolve the connection options into one shared pool (created lazily). */
export function openConnection(connection: PostgresConnection, commandTimeoutMs: number): Connection {
  if (!(commandTimeoutMs > 0) || !Number.isFinite(commandTimeoutMs)) {
    throw new ConfigurationError(
      `postgres: commandTimeoutMs must be a positive number of milliseconds (got ${String(commandTimeoutMs)})`,
    );
  }
  const given = 'pool' in connection ? connection.pool : undefined;
  if ('pool' in connection && !given) {
    throw new ConfigurationError('postgres: `pool` is empty; pass a pg Pool, or `connectionString` instead');
  }
  const connectionString = given
    ? undefined
    : ((connection as { connectionString?: string }).connectionString ??
      process.env.DATABASE_URL ??
      'postgres://127.0.0.1:5432/postgres');
  const server = given ? describePool(given) : redactConnectionString(connectionString!);
  const secrets = given
    ? [String(given.options.password ?? '') || undefined]
    : [passwordOf(connectionString!)];
  let lastConnectionError: Error | undefined;
  let created: Promise<Pool> | undefined;

  const pool = () => {
    created ??= (async () => {
      if (given) return given;
      const pg = await loadPg();
      const config: PoolConfig = {
        connectionString,
        // Fail fast while the server is down instead of queueing work for minutes.
        connectionTimeoutMillis: commandTimeoutMs,
        query_timeout: commandTimeoutMs,
        max: 10,
      };
      const made = new pg.default.Pool(config);
      // Without a listener an idle client's error (the server restarted) crashes the process.
      made.on('error', (error) => {
        lastConnectionError = error;
      });
      return made;
    })().catch((error: unknown) => {
      created = undefined;
      throw error;
    });
    return created;
  };

  return {
    server,
    owned: !given,
    pool,
    failure(error, operation) {
      if (PostgresError.isInstance(error)) return error;
      const text = error instanceof Error ? error.message : String(error);
      const code =
        typeof (error as { code?: unknown })?.code === 'string'
          ? (error as { code: string }).code
          : undefined;
      const unavailable =
        UNAVAILABLE_MESSAGES.some((fragment) => text.includes(fragment)) ||
        (code !== undefined &&
          (NETWORK_ERROR_CODES.has(code) || TIMEOUT_ERROR_CODES.has(code) || unavailableState(code)));
      const why =
        unavailable && lastConnectionError && !text.includes(lastConnectionError.message)
          ? `${text} (last connection error: ${lastConnectionError.message})`
          : text;
      const message = unavailable
        ? `PostgreSQL at ${server} is unavailable: ${operation} failed: ${why}`
        : `PostgreSQL at ${server}: ${operation} failed: ${why}`;
      return new PostgresError(scrubSecrets(message, secrets), server, unavailable, code);
    },
    async end() {
      const made = await created?.catch(() => undefined);
      created = undefined;
      if (made && !given) await made.end().catch(() => {});
    },
  };
}

function describePool(pool: Pool): string {
  const { host, port, database } = pool.options;
  return `postgres://${host ?? '127.0.0.1'}:${port ?? 5432}${database ? `/${database}` : ''}`;
}

/** A schema name as a quoted SQL identifier; refuses what is not a plain name. */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigurationError(
      `postgres: schema ${JSON.stringify(schema)} is not a plain identifier; use letters, digits and _ (at most 63), such as "mailover"`,
    );
  }
  return `"${schema}"`;
}
