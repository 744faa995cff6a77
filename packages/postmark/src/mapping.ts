/**
 * NormalizedMessage → the body of Postmark's `POST /email`, as the `postmark` SDK's `Message`
 * model spells it. Pure: no SDK import, no I/O.
 */
import type { Address, NormalizedMessage } from '@mailover/core/provider';
import { formatAddress } from '@mailover/core/provider';
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
  // Fields are set one by one, not spread in: this runs on every send.
  const request: { -readonly [Key in keyof Models.Message]: Models.Message[Key] } = {
    From: formatAddress(message.from),
    Subject: message.subject,
  };
  setAddresses(request, 'To', keep ? message.to.filter(keep) : message.to);
  setAddresses(request, 'Cc', keep ? message.cc.filter(keep) : message.cc);
  setAddresses(request, 'Bcc', keep ? message.bcc.filter(keep) : message.bcc);
  setAddresses(request, 'ReplyTo', message.replyTo);
  if (message.text !== undefined) request.TextBody = message.text;
  if (message.html !== undefined) request.HtmlBody = message.html;
  const headers: Models.Header[] = [];
  for (const name of Object.keys(message.headers))
    headers.push({ Name: name, Value: message.headers[name]! });
  // The same Message-ID on every attempt and provider lets recipients' servers deduplicate.
  headers.push({ Name: 'Message-ID', Value: message.messageId });
  request.Headers = headers;
  request.Metadata = { ...message.metadata, [MAILOVER_ID_KEY]: message.id };
  if (message.attachments.length > 0) {
    request.Attachments = message.attachments.map((attachment) => ({
      Name: attachment.filename,
      Content: Buffer.from(attachment.content).toString('base64'),
      ContentType: attachment.contentType,
      // Postmark's documented form for inline parts is `cid:<id>`.
      ContentID: attachment.cid === undefined ? null : `cid:${attachment.cid}`,
    }));
  }
  // Postmark takes one tag per message; further tags have nowhere to go (see README).
  if (message.tags[0] !== undefined) request.Tag = message.tags[0];
  if (options.messageStream !== undefined) request.MessageStream = options.messageStream;
  return request;
}

function setAddresses(
  request: { To?: string; Cc?: string; Bcc?: string; ReplyTo?: string },
  name: 'To' | 'Cc' | 'Bcc' | 'ReplyTo',
  addresses: readonly Address[],
): void {
  if (addresses.length === 1) request[name] = formatAddress(addresses[0]!);
  else if (addresses.length > 1) request[name] = addresses.map(formatAddress).join(', ');
}

/** Which addresses a partial re-send keeps; undefined when it keeps them all. */
function recipientFilter(
  recipients: readonly string[] | undefined,
): ((address: Address) => boolean) | undefined {
  if (recipients === undefined) return undefined;
  const wanted = new Set(recipients.map((recipient) => recipient.toLowerCase()));
  return (address) => wanted.has(address.address.toLowerCase());
}
