import { formatAddress, type NormalizedMessage } from '@mailover/core';
import type { SendMailOptions } from 'nodemailer';

/**
 * nodemailer's mail options for one message. `recipients` narrows the envelope to a subset (a
 * greylisting re-send) while the headers still show every original recipient, as the first
 * provider's copy did.
 */
export function toSmtpMail(message: NormalizedMessage, recipients?: readonly string[]): SendMailOptions {
  const everyone = [...message.to, ...message.cc, ...message.bcc].map((address) => address.address);
  return {
    from: formatAddress(message.from),
    to: message.to.map(formatAddress),
    cc: message.cc.map(formatAddress),
    bcc: message.bcc.map(formatAddress),
    ...(message.replyTo.length ? { replyTo: message.replyTo.map(formatAddress) } : {}),
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
    envelope: { from: message.from.address, to: recipients ? [...recipients] : everyone },
  };
}
