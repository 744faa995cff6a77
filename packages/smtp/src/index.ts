import {
  ConfigurationError,
  type IpMode,
  lazy,
  type ProviderLimits,
  type ProviderV1,
  raceAbort,
  requireLimits,
  requireNonBlank,
  requireTimeoutMs,
  requireWholeNumber,
} from '@mailover/core';
import type { Transporter } from 'nodemailer';
import { classifySmtpError, scrubError, smtpSecrets } from './errors.js';
import { toSmtpMail } from './mapping.js';

export { classifySmtpError, type SmtpErrorContext } from './errors.js';
export { SmtpUnsendableError, toSmtpMail } from './mapping.js';

export interface SmtpOptions {
  /** Provider id. Default `'smtp'`. */
  readonly id?: string;
  /** Whether retries leave from one address. Default `'fixed'`: your own relay. */
  readonly ip?: IpMode;
  /** Relay host. Default: `SMTP_HOST`, else `127.0.0.1`. */
  readonly host?: string;
  /** Relay port (1–65535). Default: `SMTP_PORT`, else 587 (465 when `secure`). */
  readonly port?: number;
  /** TLS from the first byte (port 465). Default false (STARTTLS when offered). */
  readonly secure?: boolean;
  /** Credentials, both non-blank. Default: `SMTP_USER` / `SMTP_PASSWORD` when set, else none. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Local address to send from: the fixed source IP a greylister will see. Default: the OS's choice. */
  readonly localAddress?: string;
  /** HELO/EHLO name. Default: the machine's host name. */
  readonly name?: string;
  /** Reuse connections (nodemailer pool). Default true. */
  readonly pool?: boolean;
  /** Most pooled connections (a whole number ≥ 1). Default 5. */
  readonly maxConnections?: number;
  /** TLS options passed to Node's `tls.connect` (e.g. `{ rejectUnauthorized: false }` for a test relay). */
  readonly tls?: Record<string, unknown>;
  /** Connection and socket timeout, ms (1 to 2^31 - 1). Default 30 000. */
  readonly timeoutMs?: number;
  /** Retry-After reported when the relay greylists (a fixed IP passes after the delay), ms. Default 300 000 (postgrey's 5 min). */
  readonly greylistingRetryAfterMs?: number;
  /** What the relay accepts; the engine skips this provider for larger messages. Default `{ maxMessageBytes: 25 MiB }`. */
  readonly limits?: ProviderLimits;
  /** A pre-built nodemailer transporter instead of the options above. */
  readonly transport?: Transporter;
}

const DEFAULT_LIMITS: ProviderLimits = Object.freeze({ maxMessageBytes: 25 * 1024 * 1024 });
const PORT_RANGE = { min: 1, max: 65_535 };

function checkAuth(auth: { readonly user: string; readonly pass: string }, option = 'auth') {
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigurationError(`smtp: ${option} must be { user, pass }`);
  }
  const user = requireNonBlank('smtp', option === 'auth' ? 'auth.user' : 'SMTP_USER', auth.user);
  const pass = requireNonBlank('smtp', option === 'auth' ? 'auth.pass' : 'SMTP_PASSWORD', auth.pass);
  return { user, pass };
}

/** Send through your own SMTP relay with nodemailer; one fixed source address. */
export function smtp(options: SmtpOptions = {}): ProviderV1 & { close(): Promise<void> } {
  const env = process.env;
  // Options given with an unusable value fail here, when the provider is built; the environment's
  // settings are read (and checked) at the first send.
  const timeoutMs = requireTimeoutMs('smtp', 'timeoutMs', options.timeoutMs, 30_000);
  const greylistingRetryAfterMs = requireTimeoutMs(
    'smtp',
    'greylistingRetryAfterMs',
    options.greylistingRetryAfterMs,
    300_000,
  );
  const maxConnections = requireWholeNumber('smtp', 'maxConnections', options.maxConnections, 5, { min: 1 });
  const limits = options.limits ? requireLimits('smtp', options.limits, {}) : DEFAULT_LIMITS;
  const secure = options.secure ?? false;
  const defaultPort = secure ? 465 : 587;
  const givenPort = requireWholeNumber('smtp', 'port', options.port, defaultPort, PORT_RANGE);
  const auth = options.auth ? checkAuth(options.auth) : undefined;
  // The password, and the AUTH PLAIN / LOGIN blobs built from it, never appear in an error.
  const secrets: string[] = auth ? smtpSecrets(auth) : [];
  let transport: Transporter | undefined = options.transport;
  const getTransport = lazy(async () => {
    if (transport) return transport;
    const nodemailer = await import('nodemailer');
    const fromEnvironment =
      options.auth === undefined && env.SMTP_USER
        ? checkAuth({ user: env.SMTP_USER, pass: env.SMTP_PASSWORD ?? '' }, 'SMTP_USER / SMTP_PASSWORD')
        : undefined;
    if (fromEnvironment) secrets.push(...smtpSecrets(fromEnvironment));
    const credentials = auth ?? fromEnvironment;
    transport = nodemailer.createTransport({
      host: options.host ?? env.SMTP_HOST ?? '127.0.0.1',
      port:
        options.port !== undefined || !env.SMTP_PORT
          ? givenPort
          : requireWholeNumber('smtp', 'SMTP_PORT', Number(env.SMTP_PORT), defaultPort, PORT_RANGE),
      secure,
      ...(credentials ? { auth: { user: credentials.user, pass: credentials.pass } } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.pool === false ? {} : { pool: true, maxConnections }),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return transport;
  });

  return {
    specificationVersion: 'v1',
    id: options.id ?? 'smtp',
    kind: 'smtp',
    ip: options.ip ?? 'fixed',
    limits,
    async send(message, context) {
      const mail = toSmtpMail(message, context.recipients);
      const mailer = await getTransport();
      try {
        const info = await raceAbort(mailer.sendMail(mail), context.signal);
        return { providerMessageId: (info as { messageId?: string }).messageId ?? message.messageId };
      } catch (error) {
        // A relay may echo what it was sent (an AUTH blob) in its reply: scrubbed before anyone sees it.
        throw scrubError(error, secrets);
      }
    },
    classifyError: (error) => classifySmtpError(error, { secrets, greylistingRetryAfterMs }),
    /** Close the connection pool (only one this adapter created). */
    async close() {
      if (transport !== options.transport) transport?.close();
    },
  };
}
