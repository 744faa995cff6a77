/**
 * The nodemailer transport, built on the first send (never at import): the environment's settings
 * are read and checked then. Secrets read are added to `secrets`, scrubbed from every failure.
 */
import { ConfigurationError, lazy, requireNonBlank, requireWholeNumber } from '@mailover/core/provider';
import type { Transporter } from 'nodemailer';
import { smtpSecrets } from './errors.js';
import type { SmtpOptions } from './index.js';

const PORT_RANGE = { min: 1, max: 65_535 };

function checkAuth(auth: { readonly user: string; readonly pass: string }, option = 'auth') {
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigurationError(`smtp: ${option} must be { user, pass }`);
  }
  const user = requireNonBlank('smtp', option === 'auth' ? 'auth.user' : 'SMTP_USER', auth.user);
  const pass = requireNonBlank('smtp', option === 'auth' ? 'auth.pass' : 'SMTP_PASSWORD', auth.pass);
  return { user, pass };
}

/** The relay's transport, the secrets known so far, and how to close a pool this adapter opened. */
export interface SmtpTransport {
  transport(): Promise<Transporter>;
  readonly secrets: readonly string[];
  close(): Promise<void>;
}

export function smtpTransport(
  options: SmtpOptions,
  resolved: { readonly timeoutMs: number; readonly maxConnections: number },
): SmtpTransport {
  const { timeoutMs, maxConnections } = resolved;
  const secure = options.secure ?? false;
  const defaultPort = secure ? 465 : 587;
  const givenPort = requireWholeNumber('smtp', 'port', options.port, defaultPort, PORT_RANGE);
  const auth = options.auth ? checkAuth(options.auth) : undefined;
  // The password, and the AUTH PLAIN / LOGIN blobs built from it, never appear in an error.
  const secrets: string[] = auth ? smtpSecrets(auth) : [];
  const env = process.env;
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
    transport: getTransport,
    secrets,
    async close() {
      if (transport !== options.transport) transport?.close();
    },
  };
}
