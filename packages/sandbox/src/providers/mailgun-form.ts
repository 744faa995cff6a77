/**
 * Reads a Mailgun `POST /v3/:domain/messages` body (multipart/form-data or urlencoded, as the real
 * API takes both) back into the parts of an AcceptedMessage.
 */
import type { SandboxAddress, SandboxAttachment } from '../types.js';

/** The message fields of a Mailgun send request, as the simulator needs them. */
export interface MailgunForm {
  readonly from: SandboxAddress[];
  readonly to: SandboxAddress[];
  readonly cc: SandboxAddress[];
  readonly bcc: SandboxAddress[];
  readonly replyTo: SandboxAddress[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly template?: string;
  readonly headers: Record<string, string>;
  readonly messageId?: string;
  readonly attachments: SandboxAttachment[];
  readonly tags: string[];
  readonly metadata: Record<string, string>;
  readonly ipPool?: string;
  /** Every field as posted: strings, or a file's name, type and size. */
  readonly raw: Record<string, RawValue | RawValue[]>;
}

type RawValue = string | { filename: string; contentType: string; size: number };

/** Parse the body with the web Request API; undefined when it is not a form at all. */
export async function readMailgunForm(
  body: Buffer,
  contentType: string | undefined,
): Promise<MailgunForm | undefined> {
  if (!contentType || !/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(contentType)) {
    return undefined;
  }
  let form: FormData;
  try {
    form = await new Request('http://sandbox.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch {
    return undefined;
  }

  const headers: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  const raw: Record<string, RawValue | RawValue[]> = {};
  const attachments: SandboxAttachment[] = [];
  let replyTo: SandboxAddress[] = [];

  for (const [name, value] of form.entries()) {
    const rawValue: RawValue =
      typeof value === 'string' ? value : { filename: value.name, contentType: value.type, size: value.size };
    const previous = raw[name];
    raw[name] =
      previous === undefined ? rawValue : [...(Array.isArray(previous) ? previous : [previous]), rawValue];

    if (typeof value !== 'string') {
      if (name === 'attachment' || name === 'inline') {
        attachments.push({
          filename: value.name,
          contentType: value.type || 'application/octet-stream',
          content: Buffer.from(await value.arrayBuffer()),
          // Mailgun gives an inline part its filename as Content-ID.
          ...(name === 'inline' ? { cid: value.name } : {}),
        });
      }
      continue;
    }
    if (name.startsWith('h:')) {
      const header = name.slice(2);
      // Mailgun has no reply-to parameter: `h:Reply-To` is how senders set it.
      if (header.toLowerCase() === 'reply-to') replyTo = parseAddressList(value);
      else headers[header] = value;
    } else if (name.startsWith('v:')) {
      metadata[name.slice(2)] = value;
    }
  }

  const strings = (name: string) => form.getAll(name).filter((value) => typeof value === 'string');
  const first = (name: string) => strings(name)[0];
  const addresses = (name: string) => strings(name).flatMap(parseAddressList);
  const messageIdHeader = Object.keys(headers).find((header) => header.toLowerCase() === 'message-id');
  const text = first('text');
  const html = first('html');
  const template = first('template');
  const ipPool = first('o:sending-ip-pool') ?? first('o:sending-ip');

  return {
    from: addresses('from'),
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    replyTo,
    subject: first('subject') ?? '',
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
    ...(template !== undefined ? { template } : {}),
    headers,
    ...(messageIdHeader ? { messageId: headers[messageIdHeader] } : {}),
    attachments,
    tags: strings('o:tag'),
    metadata,
    ...(ipPool !== undefined ? { ipPool } : {}),
    raw,
  };
}

/**
 * Split an RFC 5322 address list (`Ada <ada@x>, "Lovelace, A." <a@y>, b@z`) into addresses.
 * Commas inside quotes or angle brackets do not split.
 */
export function parseAddressList(value: string): SandboxAddress[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (let index = 0; index < value.length; index += 1) {
    const character = value[index]!;
    if (character === '\\' && quoted) {
      current += character + (value[index + 1] ?? '');
      index += 1;
      continue;
    }
    if (character === '"') quoted = !quoted;
    else if (character === '<' && !quoted) angle = true;
    else if (character === '>' && !quoted) angle = false;
    if (character === ',' && !quoted && !angle) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseAddress);
}

function parseAddress(text: string): SandboxAddress {
  // The name is what precedes the last `<…>`: a lazy `(.*?)\s*` before it was quadratic on long input.
  const match = /<([^<>]*)>$/.exec(text);
  if (!match) return { address: text };
  let name = text.slice(0, match.index).trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) {
    name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return name ? { address: match[1]!.trim(), name } : { address: match[1]!.trim() };
}
