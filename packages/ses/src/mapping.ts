/**
 * NormalizedMessage → SES v2 SendEmail request (pure). Uses `Content.Simple`, whose `Headers` and
 * `Attachments` carry custom headers and files, so no MIME is built here.
 */
import type { SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { Address, NormalizedMessage } from '@mailover/core/provider';
import { formatAddress } from '@mailover/core/provider';
import { toSesTags } from './tags.js';

export interface SesRequestOptions {
  /** `ConfigurationSetName`: the configuration set names the dedicated IP pool and event destinations. */
  readonly configurationSetName?: string;
  /** Send only to these recipients (a partial re-send); the others are left out of the envelope. */
  readonly recipients?: readonly string[];
}

const UTF8 = 'UTF-8';

/** Build the SendEmail input for one attempt. */
export function toSesRequest(
  message: NormalizedMessage,
  options: SesRequestOptions = {},
): SendEmailCommandInput {
  const keep = recipientFilter(options.recipients);
  const headers: { Name: string; Value: string }[] = [];
  for (const name in message.headers) headers.push({ Name: name, Value: message.headers[name]! });
  headers.push({ Name: 'Message-ID', Value: message.messageId });
  const { tags } = toSesTags(message.id, message.metadata, message.tags);
  const to = message.to.filter(keep).map(toSesAddress);
  const cc = message.cc.filter(keep).map(toSesAddress);
  const bcc = message.bcc.filter(keep).map(toSesAddress);
  return {
    FromEmailAddress: toSesAddress(message.from),
    // Empty lists are left out: the SDK would serialize each one for nothing.
    Destination: {
      ...(to.length > 0 ? { ToAddresses: to } : {}),
      ...(cc.length > 0 ? { CcAddresses: cc } : {}),
      ...(bcc.length > 0 ? { BccAddresses: bcc } : {}),
    },
    ...(message.replyTo.length > 0 ? { ReplyToAddresses: message.replyTo.map(toSesAddress) } : {}),
    Content: {
      Simple: {
        Subject: { Data: message.subject, Charset: UTF8 },
        Body: {
          ...(message.text !== undefined ? { Text: { Data: message.text, Charset: UTF8 } } : {}),
          ...(message.html !== undefined ? { Html: { Data: message.html, Charset: UTF8 } } : {}),
        },
        Headers: headers,
        ...(message.attachments.length > 0
          ? {
              Attachments: message.attachments.map((attachment) => ({
                FileName: attachment.filename,
                RawContent: attachment.content,
                ContentType: attachment.contentType,
                // SES's default, SEVEN_BIT, would mangle binary files.
                ContentTransferEncoding: 'BASE64' as const,
                ContentDisposition: attachment.cid ? ('INLINE' as const) : ('ATTACHMENT' as const),
                ...(attachment.cid ? { ContentId: attachment.cid } : {}),
              })),
            }
          : {}),
      },
    },
    EmailTags: tags,
    ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
  };
}

/**
 * An address as SES takes it. SES requires RFC 2047 encoded words for a display name outside ASCII.
 */
export function toSesAddress(address: Address): string {
  if (!address.name || isPrintableAscii(address.name)) return formatAddress(address);
  return `=?UTF-8?B?${Buffer.from(address.name, 'utf8').toString('base64')}?= <${address.address}>`;
}

/** `/^[\x20-\x7e]*$/.test(text)` by character code: the sender is formatted on every send, between HTTP calls. */
function isPrintableAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

function recipientFilter(recipients: readonly string[] | undefined): (address: Address) => boolean {
  if (!recipients) return () => true;
  const wanted = new Set(recipients.map((recipient) => recipient.toLowerCase()));
  return (address) => wanted.has(address.address.toLowerCase());
}
