import type { OutcomeStep } from './webhook-dispatch.js';
import type { AcceptedMessage } from './types.js';

/** Deliver accepted messages over real SMTP, as the provider's MTA would, from a pool of source IPs. */
export interface SmtpDeliveryOptions {
  /** The recipient MX (e.g. Postfix with postgrey on 127.0.0.1:2525). */
  readonly host: string;
  readonly port: number;
  /**
   * Source addresses the provider's MTA sends from (any 127.x.y.z works on loopback). Attempt n
   * leaves from `pool[n % pool.length]`: with addresses in different /24s every retry is a new
   * greylisting triplet. One address is a fixed-IP provider.
   */
  readonly pool: readonly string[];
  /** Delay before each attempt, from the previous one, ms (the provider's retry schedule). */
  readonly scheduleMs: readonly number[];
  /** Only recipients in these domains go over SMTP. Default: every recipient. */
  readonly domains?: readonly string[];
  /** The MAIL FROM the MTA uses. Default: the message's From. */
  readonly envelopeFrom?: string;
}

/** The outcome of one real SMTP attempt, as a webhook step. */
export async function attemptSmtpDelivery(
  options: SmtpDeliveryOptions,
  message: AcceptedMessage,
  recipient: string,
  attempt: number,
): Promise<OutcomeStep> {
  const nodemailer = await import('nodemailer');
  const sendingIp = options.pool[(attempt - 1) % options.pool.length]!;
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: false,
    ignoreTLS: true,
    localAddress: sendingIp,
    name: 'mta.sandbox.test',
    connectionTimeout: 5_000,
    socketTimeout: 10_000,
  });
  try {
    const info = await transport.sendMail({
      envelope: { from: options.envelopeFrom ?? message.from.address, to: [recipient] },
      from: message.from.address,
      to: recipient,
      subject: message.subject,
      text: message.text ?? '',
      ...(message.messageId ? { messageId: message.messageId } : {}),
    });
    return { type: 'delivered', afterMs: 0, smtpReply: info.response, attempt, sendingIp };
  } catch (error) {
    const { response, responseCode } = error as { response?: string; responseCode?: number };
    const reply = response ?? `421 4.4.1 connection failed: ${(error as Error).message}`;
    const permanent = typeof responseCode === 'number' && responseCode >= 500;
    return { type: permanent ? 'bounced' : 'deferred', afterMs: 0, smtpReply: reply, attempt, sendingIp };
  } finally {
    transport.close();
  }
}

export function wantsSmtp(
  options: SmtpDeliveryOptions | undefined,
  recipient: string,
): options is SmtpDeliveryOptions {
  if (!options) return false;
  if (!options.domains) return true;
  const domain = recipient.slice(recipient.lastIndexOf('@') + 1).toLowerCase();
  return options.domains.some((candidate) => candidate.toLowerCase() === domain);
}
