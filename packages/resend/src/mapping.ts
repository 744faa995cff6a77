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
  return {
    from: formatAddress(message.from),
    to,
    ...(cc.length > 0 ? { cc } : {}),
    ...(bcc.length > 0 ? { bcc } : {}),
    ...(message.replyTo.length > 0 ? { replyTo: message.replyTo.map(formatAddress) } : {}),
    subject: message.subject,
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
    headers: { ...message.headers, 'Message-ID': message.messageId },
    ...(message.attachments.length > 0
      ? {
          attachments: message.attachments.map((attachment) => ({
            filename: attachment.filename,
            content: Buffer.from(attachment.content).toString('base64'),
            contentType: attachment.contentType,
            ...(attachment.cid ? { contentId: attachment.cid } : {}),
          })),
        }
      : {}),
    tags,
  } as CreateEmailOptions;
}
