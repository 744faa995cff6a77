import type { Address, NormalizedMessage, ProviderRejectedRecipient } from '@mailover/core/provider';
import { scrubSecrets } from '@mailover/core/provider';
import type { SendMailOptions } from 'nodemailer';
import { unsafeForSmtp } from './header-safety.js';

/** A message the adapter will not hand to nodemailer as it is; classified `invalid_message`. */
export class SmtpUnsendableError extends Error {
  override name = 'SmtpUnsendableError';
  readonly code = 'invalid_message' as const;
}

/** An address as nodemailer takes it without parsing it again: `{ name, address }`, never a string. */
function structured(address: Address): { name: string; address: string } {
  return { name: address.name ?? '', address: address.address };
}

/**
 * nodemailer's mail options for one message. `recipients` narrows the envelope to a subset (a
 * greylisting re-send) while the headers still show every original recipient, as the first
 * provider's copy did. Addresses and the envelope are handed over as objects, so nodemailer never
 * re-parses a string: a quoted local part such as `"a,b@evil.com"@example.org` stays one mailbox.
 * Throws SmtpUnsendableError for what would not reach the relay byte for byte (header-safety.ts),
 * and for a re-send recipient the message does not have.
 */
export function toSmtpMail(message: NormalizedMessage, recipients?: readonly string[]): SendMailOptions {
  const everyone = [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);
  const envelope = recipients ? selectRecipients(everyone, recipients) : everyone;
  const problem = unsafeForSmtp(message, envelope);
  if (problem) throw new SmtpUnsendableError(`smtp: the message cannot be sent as given: ${problem}`);
  return {
    from: structured(message.from),
    to: message.to.map(structured),
    cc: message.cc.map(structured),
    bcc: message.bcc.map(structured),
    ...(message.replyTo.length ? { replyTo: message.replyTo.map(structured) } : {}),
    subject: message.subject,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.html === undefined ? {} : { html: message.html }),
    messageId: message.messageId,
    headers: {
      ...message.headers,
      ...(message.tags.length ? { 'X-Mailover-Tags': message.tags.join(', ') } : {}),
      'X-Mailover-Id': message.id,
    },
    attachments: message.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: Buffer.from(attachment.content),
      contentType: attachment.contentType,
      ...(attachment.cid ? { cid: attachment.cid, contentDisposition: 'inline' as const } : {}),
    })),
    envelope: {
      from: { name: '', address: message.from.address },
      to: envelope.map((address) => ({ name: '', address })),
    } as unknown as SendMailOptions['envelope'],
  };
}

/**
 * The message's own recipients among `recipients`, spelled as the message spells them. An address
 * the message does not have is refused: a re-send goes only to recipients of the stored message.
 */
function selectRecipients(everyone: readonly string[], recipients: readonly string[]): string[] {
  const byKey = new Map(everyone.map((address) => [address.toLowerCase(), address]));
  const selected = recipients.map((recipient) => byKey.get(recipient.toLowerCase()));
  const stranger = selected.indexOf(undefined);
  if (stranger >= 0) {
    throw new SmtpUnsendableError(
      `smtp: recipients[${stranger}] is not a recipient of this message; a re-send goes only to the message's own recipients`,
    );
  }
  if (selected.length === 0) throw new SmtpUnsendableError('smtp: no recipient for this attempt');
  return [...new Set(selected as string[])];
}

/**
 * The recipients the relay refused at `RCPT TO` while it took the message for the others, with
 * each one's reply (nodemailer's `info.rejected` and `info.rejectedErrors`); undefined when the
 * relay took everyone. The replies are scrubbed of `secrets` (a relay may echo what it was sent).
 */
export function rejectedRecipientsOf(
  info: unknown,
  secrets: readonly string[],
): ProviderRejectedRecipient[] | undefined {
  const { rejected, rejectedErrors } = (info ?? {}) as { rejected?: unknown; rejectedErrors?: unknown };
  if (!Array.isArray(rejected) || rejected.length === 0) return undefined;
  const replies = new Map<string, string>();
  for (const error of Array.isArray(rejectedErrors) ? rejectedErrors : []) {
    const { recipient, response } = (error ?? {}) as { recipient?: unknown; response?: unknown };
    if (typeof recipient === 'string' && typeof response === 'string') replies.set(recipient, response);
  }
  return rejected
    .filter((recipient): recipient is string => typeof recipient === 'string')
    .map((recipient) => ({
      recipient,
      reply: scrubSecrets(replies.get(recipient) ?? 'refused by the relay (it gave no reply text)', secrets),
    }));
}
