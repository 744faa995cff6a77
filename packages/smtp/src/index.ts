import { type IpMode, lazy, type ProviderLimits, type ProviderV1, raceAbort } from '@mailover/core';
import type { Transporter } from 'nodemailer';
import { classifySmtpError } from './errors.js';
import { toSmtpMail } from './mapping.js';

export { classifySmtpError, type SmtpErrorContext } from './errors.js';
export { toSmtpMail } from './mapping.js';

export interface SmtpOptions {
  /** Provider id. Default `'smtp'`. */
  readonly id?: string;
  /** Whether retries leave from one address. Default `'fixed'`: your own relay. */
  readonly ip?: IpMode;
  /** Relay host. Default: `SMTP_HOST`, else `127.0.0.1`. */
  readonly host?: string;
  /** Relay port. Default: `SMTP_PORT`, else 587 (465 when `secure`). */
  readonly port?: number;
  /** TLS from the first byte (port 465). Default false (STARTTLS when offered). */
  readonly secure?: boolean;
  /** Credentials. Default: `SMTP_USER` / `SMTP_PASSWORD` when set, else none. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Local address to send from: the fixed source IP a greylister will see. Default: the OS's choice. */
  readonly localAddress?: string;
  /** HELO/EHLO name. Default: the machine's host name. */
  readonly name?: string;
  /** Reuse connections (nodemailer pool). Default true. */
  readonly pool?: boolean;
  /** Most pooled connections. Default 5. */
  readonly maxConnections?: number;
  /** TLS options passed to Node's `tls.connect` (e.g. `{ rejectUnauthorized: false }` for a test relay). */
  readonly tls?: Record<string, unknown>;
  /** Connection and socket timeout, ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Retry-After reported when the relay greylists (a fixed IP passes after the delay). Default 300 000 (postgrey's 5 min). */
  readonly greylistingRetryAfterMs?: number;
  readonly limits?: ProviderLimits;
  /** A pre-built nodemailer transporter instead of the options above. */
  readonly transport?: Transporter;
}

/** Send through your own SMTP relay with nodemailer; one fixed source address. */
export function smtp(options: SmtpOptions = {}): ProviderV1 & { close(): Promise<void> } {
  const env = process.env;
  const auth =
    options.auth ?? (env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASSWORD ?? '' } : undefined);
  const secrets = [auth?.pass];
  let transport: Transporter | undefined = options.transport;
  const getTransport = lazy(async () => {
    if (transport) return transport;
    const nodemailer = await import('nodemailer');
    const secure = options.secure ?? false;
    const timeoutMs = options.timeoutMs ?? 30_000;
    transport = nodemailer.createTransport({
      host: options.host ?? env.SMTP_HOST ?? '127.0.0.1',
      port: options.port ?? (env.SMTP_PORT ? Number(env.SMTP_PORT) : secure ? 465 : 587),
      secure,
      ...(auth ? { auth: { user: auth.user, pass: auth.pass } } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      ...(options.name ? { name: options.name } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.pool === false ? {} : { pool: true, maxConnections: options.maxConnections ?? 5 }),
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
    limits: options.limits ?? { maxMessageBytes: 25 * 1024 * 1024 },
    async send(message, context) {
      const mailer = await getTransport();
      const info = await raceAbort(mailer.sendMail(toSmtpMail(message, context.recipients)), context.signal);
      return { providerMessageId: (info as { messageId?: string }).messageId ?? message.messageId };
    },
    classifyError: (error) =>
      classifySmtpError(error, {
        secrets,
        greylistingRetryAfterMs: options.greylistingRetryAfterMs ?? 300_000,
      }),
    /** Close the connection pool (only one this adapter created). */
    async close() {
      if (transport !== options.transport) transport?.close();
    },
  };
}
