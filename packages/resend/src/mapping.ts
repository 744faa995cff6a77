/**
 * NormalizedMessage → the `resend` SDK's `CreateEmailOptions` (camelCase; the SDK snake-cases it for
 * `POST /emails`). Pure: no SDK import, no I/O.
 */
import type { Address, NormalizedMessage } from '@mailover/core/provider';
import { formatAddress } from '@mailover/core/provider';
import type { CreateEmailOptions } from 'resend';

/** The tag carrying mailover's message id; every webhook event echoes the tags back. */
export const MAILOVER_ID_TAG = 'mailover_id';

/** Resend tag names and values: "ASCII letters, numbers, underscores, or dashes", at most 256 characters. */
const TAG = /^[A-Za-z0-9_-]{1,256}$/;

export interface ResendRequestOptions {
  /** Send only to these recipients (a partial re-send). Default: every recipient. */
  readonly recipients?: readonly string[];
}

/** The request for one send of `message` through Resend. */
export function toResendRequest(
  message: NormalizedMessage,
  options: ResendRequestOptions = {},
): CreateEmailOptions {
  const wanted = options.recipients
    ? new Set(options.recipients.map((address) => address.toLowerCase()))
    : undefined;
  const pick = (list: readonly Address[]) =>
    (wanted ? list.filter((address) => wanted.has(address.address.toLowerCase())) : list).map(formatAddress);
  // Metadata and tags go as Resend tags when Resend's alphabet allows; others have nowhere to go (README).
  const tags = [{ name: MAILOVER_ID_TAG, value: message.id }];
  for (const [name, value] of Object.entries(message.metadata)) {
    if (name !== MAILOVER_ID_TAG && TAG.test(name) && TAG.test(value)) tags.push({ name, value });
  }
  for (const tag of message.tags)
    if (TAG.test(tag) && !tags.some((entry) => entry.name === tag)) tags.push({ name: tag, value: 'true' });
  const to = pick(message.to);
  const cc = pick(message.cc);
  const bcc = pick(message.bcc);
  // One shape for every send, absent parts `undefined` (the SDK copies each field by name into its
  // JSON, which leaves them out), not conditional spreads: a spread after the first property is a
  // call into V8's C++ on every send (docs/performance.md).
  return {
    from: formatAddress(message.from),
    to,
    cc: cc.length > 0 ? cc : undefined,
    bcc: bcc.length > 0 ? bcc : undefined,
    replyTo: message.replyTo.length > 0 ? message.replyTo.map(formatAddress) : undefined,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: { ...message.headers, 'Message-ID': message.messageId },
    attachments: message.attachments.length > 0 ? message.attachments.map(toResendAttachment) : undefined,
    tags,
  } as CreateEmailOptions;
}

function toResendAttachment(attachment: NormalizedMessage['attachments'][number]) {
  return {
    filename: attachment.filename,
    content: Buffer.from(attachment.content).toString('base64'),
    contentType: attachment.contentType,
    ...(attachment.cid ? { contentId: attachment.cid } : {}),
  };
}
