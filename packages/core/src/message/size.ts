/** How big a message is on the wire, by part, and the issue when it is over the limit. */
import type { ValidationIssue } from '../errors.js';
import type { Address, NormalizedMessage } from './types.js';
import { utf8Length } from './utf8-length.js';

/** Estimated wire size of each part of a message, in bytes. */
export interface MessageSize {
  readonly text: number;
  readonly html: number;
  readonly attachments: number;
  readonly headers: number;
  readonly total: number;
}

type Measured = Omit<NormalizedMessage, 'sizeBytes'>;

/** Bodies as UTF-8, attachments base64-encoded (4 bytes per 3), headers as `Name: value\r\n` lines. */
export function measureMessage(message: Measured): MessageSize {
  const text = message.text === undefined ? 0 : utf8Length(message.text);
  const html = message.html === undefined ? 0 : utf8Length(message.html);
  let attachments = 0;
  for (const attachment of message.attachments) attachments += Math.ceil(attachment.content.length / 3) * 4;
  let headers =
    line('From', addressBytes(message.from)) +
    addressLine('To', message.to) +
    addressLine('Cc', message.cc) +
    addressLine('Bcc', message.bcc) +
    addressLine('Reply-To', message.replyTo) +
    line('Subject', utf8Length(message.subject)) +
    line('Message-ID', message.messageId.length);
  for (const name in message.headers) headers += line(name, utf8Length(message.headers[name]!));
  return { text, html, attachments, headers, total: text + html + attachments + headers };
}

/** `Name: a, b` for a list of addresses; nothing for an empty list. */
function addressLine(name: string, list: readonly Address[]): number {
  if (list.length === 0) return 0;
  let bytes = 0;
  for (const item of list) bytes += addressBytes(item) + 2;
  return line(name, bytes);
}

function line(name: string, valueBytes: number): number {
  return name.length + 2 + valueBytes + 2;
}

/**
 * The UTF-8 length of `"name" <address>` or `address`, counted without building the string: a new
 * string read right away is flattened by a call into V8's C++ (docs/performance.md).
 */
function addressBytes(address: Address): number {
  const bytes = utf8Length(address.address);
  // Two quotes, a space and two angle brackets around the name and the address.
  return address.name === undefined ? bytes : bytes + utf8Length(address.name) + 5;
}

/** The issue for a message over `limit`, at the path of its largest part. */
export function oversizeIssue(size: MessageSize, limit: number): ValidationIssue {
  const parts = [
    ['attachments', size.attachments],
    ['html', size.html],
    ['text', size.text],
    ['headers', size.headers],
  ] as const;
  const [path, bytes] = parts.reduce((largest, part) => (part[1] > largest[1] ? part : largest));
  const advice = path === 'attachments' ? 'link to large files instead of attaching them' : `shorten ${path}`;
  return {
    path,
    message: `the message is ${describeBytes(size.total)} on the wire, over the ${describeBytes(limit)} limit (maxMessageBytes); its largest part is ${path}, at ${describeBytes(bytes)}: ${advice}, or raise maxMessageBytes if every provider accepts more`,
  };
}

function describeBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return mebibytes >= 1 ? `${mebibytes.toFixed(1)} MiB (${bytes} bytes)` : `${bytes} bytes`;
}
