/**
 * What the SMTP adapter refuses to hand nodemailer, as a second line behind mailover's message
 * validation. nodemailer writes most header values as given (it only turns CR and LF into spaces,
 * and encodes non-ASCII text) and re-writes mailboxes it finds odd (`<`, `>` and control
 * characters become spaces, a local part with a space gains quotes). So a value with a control
 * character would reach the relay raw, and such a mailbox would reach it as another address: the
 * send is refused instead (`invalid_message`). See SECURITY.md, "What reaches an SMTP relay".
 */
import type { Address, NormalizedMessage } from '@mailover/core';

/** A header field name (RFC 5322 ftext). */
const FIELD_NAME = /^[\u0021-\u0039\u003B-\u007E]+$/;

/** C0 controls other than TAB, DEL, the C1 controls, and the Unicode line and paragraph separators. */
function isControl(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
  );
}

/** The first control character in `value`, as `U+000B`; undefined when there is none. */
function firstControl(value: string): string | undefined {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (isControl(code)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** The first reason `message` cannot be written as given, naming the field; undefined when it can. */
export function unsafeForSmtp(message: NormalizedMessage, envelope: readonly string[]): string | undefined {
  const fields: Array<[string, string | undefined]> = [
    ['subject', message.subject],
    ['messageId', message.messageId],
    ['id', message.id],
    ...message.tags.map((tag, index): [string, string] => [`tags[${index}]`, tag]),
    ...Object.entries(message.headers).map(([name, value]): [string, string] => [`headers.${name}`, value]),
    ...message.attachments.flatMap(
      (attachment, index): Array<[string, string | undefined]> => [
        [`attachments[${index}].filename`, attachment.filename],
        [`attachments[${index}].contentType`, attachment.contentType],
        [`attachments[${index}].cid`, attachment.cid],
      ],
    ),
  ];
  for (const name of Object.keys(message.headers)) {
    if (!FIELD_NAME.test(name)) return `headers: ${JSON.stringify(name)} is not a header field name`;
  }
  for (const [path, value] of fields) {
    const problem = value === undefined ? undefined : firstControl(value);
    if (problem) return `${path} holds the control character ${problem}`;
  }
  const people: Array<[string, Address]> = [
    ['from', message.from],
    ...(['to', 'cc', 'bcc', 'replyTo'] as const).flatMap((list) =>
      message[list].map((address, index): [string, Address] => [`${list}[${index}]`, address]),
    ),
  ];
  for (const [path, address] of people) {
    const problem =
      mailboxProblem(address.address) ?? (address.name ? namedControl(address.name) : undefined);
    if (problem) return `${path}: ${problem}`;
  }
  for (const [index, address] of envelope.entries()) {
    const problem = mailboxProblem(address);
    if (problem) return `recipients[${index}]: ${problem}`;
  }
  return undefined;
}

function namedControl(name: string): string | undefined {
  const problem = firstControl(name);
  return problem ? `the display name holds the control character ${problem}` : undefined;
}

/**
 * Why nodemailer would not write this mailbox back byte for byte: it would replace a character,
 * trim it, or quote a local part with a space; undefined when it round-trips.
 */
function mailboxProblem(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  if (at < 1 || at === address.length - 1) return 'is not a mailbox with a local part and a domain';
  if (firstControl(address) || address.includes('<') || address.includes('>') || address !== address.trim()) {
    return 'holds a control character, < or > that the SMTP client would rewrite into another address';
  }
  if (local.includes(' ') && !(local.startsWith('"') && local.endsWith('"'))) {
    return 'holds an unquoted space that the SMTP client would quote into another address';
  }
  return undefined;
}
