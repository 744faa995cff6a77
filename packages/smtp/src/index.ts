/**
 * `smtp(options)`: send through your own relay with nodemailer. The files and their roles are every
 * adapter's (docs/adapters.md); an SMTP relay takes no webhooks, so there is no webhooks.ts.
 */
import type { CommonProviderOptions, ProviderLimits, ProviderV1 } from '@mailover/core/provider';
import { defineProvider, requireTimeoutMs, requireWholeNumber, sendAbortable } from '@mailover/core/provider';
import type { Transporter } from 'nodemailer';
import { smtpTransport } from './client.js';
import { classifySmtpError, scrubError } from './errors.js';
import { toSmtpMail } from './mapping.js';
import { sendTheRest } from './recipient-limit.js';

export { classifySmtpError, type SmtpErrorContext } from './errors.js';
export { SmtpUnsendableError, toSmtpMail } from './mapping.js';

export interface SmtpOptions extends CommonProviderOptions {
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
  /** Retry-After reported when the relay greylists (a fixed IP passes after the delay), ms. Default 300 000 (postgrey's 5 min). */
  readonly greylistingRetryAfterMs?: number;
  /** A pre-built nodemailer transporter instead of the options above. */
  readonly transport?: Transporter;
}

/** What a relay takes unless told otherwise: Postfix's default `message_size_limit` is about 10 MB; 25 MiB is the common hosted limit. Your `limits` are merged over it. */
export const SMTP_LIMITS: ProviderLimits = Object.freeze({ maxMessageBytes: 25 * 1024 * 1024 });
/** Send through your own SMTP relay with nodemailer; one fixed source address. */
export function smtp(options: SmtpOptions = {}): ProviderV1 & { close(): Promise<void> } {
  // Options given with an unusable value fail here, when the provider is built; the environment's
  // settings are read (and checked) at the first send.
  const greylistingRetryAfterMs = requireTimeoutMs(
    'smtp',
    'greylistingRetryAfterMs',
    options.greylistingRetryAfterMs,
    300_000,
  );
  const maxConnections = requireWholeNumber('smtp', 'maxConnections', options.maxConnections, 5, { min: 1 });
  return defineProvider('smtp', options, {
    defaults: { ip: 'fixed', limits: SMTP_LIMITS },
    adapter({ timeoutMs }) {
      const relay = smtpTransport(options, { timeoutMs, maxConnections });
      return {
        async send(message, context) {
          const mailer = await relay.transport();
          const transact = async (recipients: readonly string[] | undefined) => {
            const mail = toSmtpMail(message, recipients);
            try {
              return await sendAbortable('SMTP', context.signal, () => mailer.sendMail(mail));
            } catch (error) {
              // A relay may echo what it was sent (an AUTH blob) in its reply: scrubbed before anyone sees it.
              throw scrubError(error, relay.secrets);
            }
          };
          const info = await transact(context.recipients);
          const providerMessageId = (info as { messageId?: string }).messageId ?? message.messageId;
          const rejected = await sendTheRest(info, transact, relay.secrets);
          return { providerMessageId, ...(rejected ? { rejected } : {}) };
        },
        classifyError: (error) =>
          classifySmtpError(error, { secrets: relay.secrets, greylistingRetryAfterMs }),
        /** Close the connection pool (only one this adapter created). */
        close: () => relay.close(),
      };
    },
  });
}
