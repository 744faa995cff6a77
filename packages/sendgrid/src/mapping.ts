/**
 * NormalizedMessage → the data object `@sendgrid/mail` sends (its camelCase form; the SDK's Mail
 * helper turns it into the v3 Mail Send JSON). Pure: no SDK import, no I/O.
 */
import type { Address, Attachment, NormalizedMessage } from '@mailover/core/provider';
import type { AttachmentJSON } from '@sendgrid/helpers/classes/attachment.js';
import type { MailContent, MailDataRequired } from '@sendgrid/helpers/classes/mail.js';

/** The key under `custom_args` that carries mailover's message id back on every webhook event. */
export const MAILOVER_ID_ARG = 'mailover_id';

export interface SendGridRequestOptions {
  /** `ip_pool_name`: send from this IP pool. Default: none (SendGrid picks any IP). */
  readonly ipPoolName?: string;
  /** Send only to these addresses (a partial re-send). Default: every recipient. */
  readonly recipients?: readonly string[];
}

type EmailAddress = { email: string; name?: string };

function toEmail(address: Address): EmailAddress {
  return address.name ? { email: address.address, name: address.name } : { email: address.address };
}

/**
 * The SDK sends attachment objects as given (it snake-cases no array), so the Content-ID must be
 * spelt `content_id` here, whatever its `AttachmentData` typing (`contentId`) says.
 */
function toAttachment(attachment: Attachment): AttachmentJSON {
  return {
    content: Buffer.from(attachment.content).toString('base64'),
    filename: attachment.filename,
    type: attachment.contentType,
    disposition: attachment.cid ? 'inline' : 'attachment',
    ...(attachment.cid ? { content_id: attachment.cid } : {}),
  };
}

/**
 * The personalizations: one envelope for to/cc/bcc, with an address appearing once (SendGrid
 * refuses an address repeated across to, cc and bcc). When a partial re-send leaves no `to`,
 * each remaining recipient gets an envelope of their own, so no Bcc address is shown to another.
 */
function personalizationsFor(message: NormalizedMessage, recipients?: readonly string[]) {
  const wanted = recipients ? new Set(recipients.map((address) => address.toLowerCase())) : undefined;
  const seen = new Set<string>();
  const pick = (list: readonly Address[]) =>
    list.filter((address) => {
      const key = address.address.toLowerCase();
      if ((wanted && !wanted.has(key)) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const to = pick(message.to);
  const cc = pick(message.cc);
  const bcc = pick(message.bcc);
  if (to.length === 0) return [...cc, ...bcc].map((address) => ({ to: [toEmail(address)] }));
  return [
    {
      to: to.map(toEmail),
      ...(cc.length > 0 ? { cc: cc.map(toEmail) } : {}),
      ...(bcc.length > 0 ? { bcc: bcc.map(toEmail) } : {}),
    },
  ];
}

/** The request for one send of `message` through SendGrid. */
export function toSendGridRequest(
  message: NormalizedMessage,
  options: SendGridRequestOptions = {},
): MailDataRequired {
  const parts: MailContent[] = [];
  if (message.text) parts.push({ type: 'text/plain', value: message.text });
  if (message.html) parts.push({ type: 'text/html', value: message.html });
  // SendGrid refuses an empty content list; a message with neither body still gets a blank text part.
  const [first = { type: 'text/plain', value: ' ' }, ...rest] = parts;
  const replyTo = message.replyTo.map(toEmail);
  // The common message (all recipients in `to`, no partial re-send) goes as `to`, which the SDK
  // turns into the same single personalization itself: handing it a built one costs a deep clone
  // and a key conversion more per send.
  const plain = !options.recipients && message.cc.length === 0 && message.bcc.length === 0;
  const request: MailDataRequired = {
    from: toEmail(message.from),
    ...(plain && message.to.length > 0
      ? { to: message.to.map(toEmail) }
      : { personalizations: personalizationsFor(message, options.recipients) }),
    subject: message.subject,
    content: [first, ...rest],
    ...(replyTo.length === 1 ? { replyTo: replyTo[0] } : {}),
    ...(replyTo.length > 1 ? { replyToList: replyTo } : {}),
    ...(message.attachments.length > 0
      ? {
          attachments: message.attachments.map(toAttachment),
        }
      : {}),
    headers: { ...message.headers, 'Message-ID': message.messageId },
    ...(message.tags.length > 0 ? { categories: [...message.tags] } : {}),
    customArgs: { ...message.metadata, [MAILOVER_ID_ARG]: message.id },
    ...(options.ipPoolName ? { ipPoolName: options.ipPoolName } : {}),
  };
  return request;
}
