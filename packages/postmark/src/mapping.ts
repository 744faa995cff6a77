/**
 * NormalizedMessage → the body of Postmark's `POST /email`, as the `postmark` SDK's `Message`
 * model spells it. Pure: no SDK import, no I/O.
 */
import { type Address, formatAddress, type NormalizedMessage } from '@mailover/core';
import type { Models } from 'postmark';

/** The metadata key that carries mailover's message id, echoed back on every webhook. */
export const MAILOVER_ID_KEY = 'mailover_id';

export interface PostmarkMappingOptions {
  /** The Message Stream to send through; Postmark's default (`outbound`) when undefined. */
  readonly messageStream?: string;
  /** Send only to these recipients (a partial re-send); every recipient when undefined. */
  readonly recipients?: readonly string[];
}

/** Build the `/email` request for one message. */
export function toPostmarkRequest(
  message: NormalizedMessage,
  options: PostmarkMappingOptions = {},
): Models.Message {
  const keep = recipientFilter(options.recipients);
  const to = message.to.filter(keep);
  const cc = message.cc.filter(keep);
  const bcc = message.bcc.filter(keep);
  const request: Models.Message = {
    From: formatAddress(message.from),
    Subject: message.subject,
    ...addressField('To', to),
    ...addressField('Cc', cc),
    ...addressField('Bcc', bcc),
    ...addressField('ReplyTo', message.replyTo),
    ...(message.text === undefined ? {} : { TextBody: message.text }),
    ...(message.html === undefined ? {} : { HtmlBody: message.html }),
    Headers: [
      ...Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })),
      // The same Message-ID on every attempt and provider lets recipients' servers deduplicate.
      { Name: 'Message-ID', Value: message.messageId },
    ],
    Metadata: { ...message.metadata, [MAILOVER_ID_KEY]: message.id },
    ...(message.attachments.length === 0
      ? {}
      : {
          Attachments: message.attachments.map((attachment) => ({
            Name: attachment.filename,
            Content: Buffer.from(attachment.content).toString('base64'),
            ContentType: attachment.contentType,
            // Postmark's documented form for inline parts is `cid:<id>`.
            ContentID: attachment.cid === undefined ? null : `cid:${attachment.cid}`,
          })),
        }),
    // Postmark takes one tag per message; further tags have nowhere to go (see README).
    ...(message.tags[0] === undefined ? {} : { Tag: message.tags[0] }),
    ...(options.messageStream === undefined ? {} : { MessageStream: options.messageStream }),
  };
  return request;
}

function addressField(name: 'To' | 'Cc' | 'Bcc' | 'ReplyTo', addresses: readonly Address[]) {
  return addresses.length === 0 ? {} : { [name]: addresses.map(formatAddress).join(', ') };
}

function recipientFilter(recipients: readonly string[] | undefined): (address: Address) => boolean {
  if (recipients === undefined) return () => true;
  const wanted = new Set(recipients.map((recipient) => recipient.toLowerCase()));
  return (address) => wanted.has(address.address.toLowerCase());
}
