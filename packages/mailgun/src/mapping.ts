/**
 * NormalizedMessage → the `MailgunMessageData` that mailgun.js posts as multipart/form-data to
 * `POST /v3/:domain/messages`. Pure: no SDK import, no I/O.
 */
import type { Address, Attachment, NormalizedMessage } from '@mailover/core/provider';
import { formatAddress } from '@mailover/core/provider';
import type { MailgunMessageData } from 'mailgun.js/definitions';

/** The `v:` variable carrying mailover's message id, echoed in webhook `user-variables`. */
export const MAILOVER_ID_VARIABLE = 'mailover_id';

export interface MailgunMappingOptions {
  /** Send only to these recipients (a partial re-send); each keeps its to/cc/bcc field. */
  readonly recipients?: readonly string[];
  /** `o:sending-ip`: one IP of the account to send from. */
  readonly sendingIp?: string;
  /** `o:sending-ip-pool`: the id of an IP pool to send from. */
  readonly sendingIpPool?: string;
}

/** A file part as mailgun.js takes it: a Blob keeps the content type across the SDK's FormData. */
interface MailgunFile {
  readonly data: Blob;
  readonly filename: string;
}

/** Build the mailgun.js request for one message. */
export function toMailgunRequest(
  message: NormalizedMessage,
  options: MailgunMappingOptions = {},
): MailgunMessageData {
  const { to, cc, bcc } = selectRecipients(message, options.recipients);
  const request: Record<string, unknown> = {
    from: formatAddress(message.from),
    to: to.map(formatAddress),
    subject: message.subject,
  };
  if (cc.length > 0) request.cc = cc.map(formatAddress);
  if (bcc.length > 0) request.bcc = bcc.map(formatAddress);
  if (message.text !== undefined) request.text = message.text;
  if (message.html !== undefined) request.html = message.html;
  // Mailgun has no reply-to parameter; the header is how it is set.
  if (message.replyTo.length > 0) request['h:Reply-To'] = message.replyTo.map(formatAddress).join(', ');
  for (const [name, value] of Object.entries(message.headers)) request[`h:${name}`] = value;
  request['h:Message-Id'] = message.messageId;
  if (message.tags.length > 0) request['o:tag'] = [...message.tags];
  for (const [name, value] of Object.entries(message.metadata)) request[`v:${name}`] = value;
  request[`v:${MAILOVER_ID_VARIABLE}`] = message.id;
  if (options.sendingIp) request['o:sending-ip'] = options.sendingIp;
  if (options.sendingIpPool) request['o:sending-ip-pool'] = options.sendingIpPool;

  const attachments = message.attachments.filter((attachment) => !attachment.cid).map(toFile);
  // Mailgun uses an inline part's filename as its Content-ID, so the cid becomes the filename.
  const inline = message.attachments
    .filter((attachment) => attachment.cid)
    .map((attachment) => toFile({ ...attachment, filename: attachment.cid! }));
  if (attachments.length > 0) request.attachment = attachments;
  if (inline.length > 0) request.inline = inline;
  return request as MailgunMessageData;
}

function toFile(attachment: Attachment): MailgunFile {
  return {
    data: new Blob([attachment.content], { type: attachment.contentType }),
    filename: attachment.filename,
  };
}

/**
 * The recipients of this attempt. With a `recipients` list, each listed address the message has
 * stays in the field it had; Mailgun requires a `to`, so when none of them was a `to` they all
 * become `to`. Throws when none of the listed addresses is the message's.
 */
function selectRecipients(
  message: NormalizedMessage,
  recipients: readonly string[] | undefined,
): { to: readonly Address[]; cc: readonly Address[]; bcc: readonly Address[] } {
  if (!recipients) return { to: message.to, cc: message.cc, bcc: message.bcc };
  const wanted = new Map(recipients.map((recipient) => [recipient.toLowerCase(), recipient]));
  const keep = (list: readonly Address[]) =>
    list.filter((address) => wanted.delete(address.address.toLowerCase()));
  const to = keep(message.to);
  const cc = keep(message.cc);
  const bcc = keep(message.bcc);
  // Listed addresses the message does not have are left out: a re-send goes only to the stored
  // message's own recipients, whatever an event named (SECURITY.md).
  if (to.length + cc.length + bcc.length === 0) {
    throw new TypeError('mailgun: none of the re-send recipients is a recipient of this message');
  }
  if (to.length === 0) return { to: [...cc, ...bcc], cc: [], bcc: [] };
  return { to, cc, bcc };
}
