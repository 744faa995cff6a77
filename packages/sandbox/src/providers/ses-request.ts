/**
 * Parsing an SES v2 SendEmail request body (restJson1, as `@aws-sdk/client-sesv2` sends it) back into
 * the fields of an AcceptedMessage, with the checks SES makes before it accepts a message.
 */
import type { AcceptedMessage, SandboxAddress, SandboxAttachment } from '../types.js';

/** SES v2's largest message, after base64 encoding (40 MiB). */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/** SES counts To, Cc and Bcc together. */
export const SES_MAX_RECIPIENTS = 50;

const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
/** mailover sends its tags as `mailover_tag_<index>` so that they stay apart from metadata. */
const MAILOVER_TAG_PREFIX = 'mailover_tag_';

type AcceptedFields = Omit<AcceptedMessage, 'receivedAt' | 'provider' | 'providerMessageId'>;
type EnvelopeFields = Pick<
  AcceptedFields,
  'from' | 'to' | 'cc' | 'bcc' | 'replyTo' | 'tags' | 'metadata' | 'ipPool' | 'raw'
>;

export type ParsedSendEmail =
  | { readonly ok: true; readonly message: AcceptedFields }
  | { readonly ok: false; readonly type: string; readonly message: string };

interface SesContent {
  readonly Data?: unknown;
}

/** Validate and parse a SendEmail JSON body the way SES would. */
export function parseSendEmail(body: Buffer): ParsedSendEmail {
  let request: Record<string, any>;
  try {
    request = JSON.parse(body.toString('utf8'));
  } catch {
    return fail('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return fail('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof request.FromEmailAddress !== 'string' || request.FromEmailAddress.trim() === '') {
    return fail('BadRequestException', 'Missing required field FromEmailAddress.');
  }
  const destination = request.Destination ?? {};
  const to = addresses(destination.ToAddresses);
  const cc = addresses(destination.CcAddresses);
  const bcc = addresses(destination.BccAddresses);
  if (to.length + cc.length + bcc.length === 0) {
    return fail(
      'BadRequestException',
      'Missing required field Destination: at least one recipient is needed.',
    );
  }
  if (to.length + cc.length + bcc.length > SES_MAX_RECIPIENTS) {
    return fail('BadRequestException', `Recipient count exceeds ${SES_MAX_RECIPIENTS}.`);
  }
  const simple = request.Content?.Simple;
  const raw = request.Content?.Raw;
  if (!simple && !raw) return fail('BadRequestException', 'Missing required field Content.');
  const tagResult = parseTags(request.EmailTags);
  if ('error' in tagResult) return fail('BadRequestException', tagResult.error);

  const base: EnvelopeFields = {
    from: parseMailbox(request.FromEmailAddress),
    to,
    cc,
    bcc,
    replyTo: addresses(request.ReplyToAddresses),
    tags: tagResult.tags,
    metadata: tagResult.metadata,
    ipPool: typeof request.ConfigurationSetName === 'string' ? request.ConfigurationSetName : undefined,
    raw: request,
  };
  if (simple) {
    const text = contentData(simple.Body?.Text);
    const html = contentData(simple.Body?.Html);
    if (contentData(simple.Subject) === undefined)
      return fail('BadRequestException', 'Missing required field Subject.');
    if (text === undefined && html === undefined) {
      return fail('BadRequestException', 'Missing required field Body: give Text, Html or both.');
    }
    const headers = parseHeaders(simple.Headers);
    const attachments = parseAttachments(simple.Attachments);
    if (attachments === null)
      return fail('BadRequestException', 'Attachment is missing FileName or RawContent.');
    return {
      ok: true,
      message: {
        ...base,
        subject: decodeEncodedWords(contentData(simple.Subject) ?? ''),
        text,
        html,
        headers,
        messageId: headerLookup(headers, 'message-id'),
        attachments,
      },
    };
  }
  return parseRawContent(raw, base);
}

/** `Name <address>`, `"Quoted, Name" <address>`, `=?UTF-8?B?…?= <address>` or a bare address. */
export function parseMailbox(text: string): SandboxAddress {
  // The name is what precedes the last `<…>`: a lazy `(.*?)\s*` before it was quadratic on long input.
  const trimmed = text.trim();
  const match = /<([^<>]+)>\s*$/.exec(trimmed);
  if (!match) return { address: trimmed };
  let name = trimmed.slice(0, match.index).trim();
  if (name.startsWith('"') && name.endsWith('"') && name.length >= 2) {
    name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  name = decodeEncodedWords(name);
  return name ? { address: (match[1] ?? '').trim(), name } : { address: (match[1] ?? '').trim() };
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`), decoded; other text unchanged. */
export function decodeEncodedWords(text: string): string {
  return text
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
      (_word, _charset: string, encoding: string, data: string) => {
        if (encoding.toUpperCase() === 'B') return Buffer.from(data, 'base64').toString('utf8');
        const bytes = data
          .replace(/_/g, ' ')
          .replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) =>
            String.fromCharCode(Number.parseInt(hex, 16)),
          );
        return Buffer.from(bytes, 'latin1').toString('utf8');
      },
    );
}

/** Undo mailover's tag-value escaping: `_XX` is one byte in hex, everything else stands for itself. */
export function decodeTagValue(value: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const hex = value.slice(index + 1, index + 3);
    if (value[index] === '_' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else bytes.push(value.charCodeAt(index));
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseTags(value: unknown): { tags: string[]; metadata: Record<string, string> } | { error: string } {
  const tags: Array<[number, string]> = [];
  const metadata: Record<string, string> = {};
  if (value === undefined) return { tags: [], metadata };
  if (!Array.isArray(value)) return { error: 'EmailTags must be a list.' };
  for (const tag of value) {
    const name = tag?.Name;
    const tagValue = tag?.Value;
    if (typeof name !== 'string' || !TAG_PATTERN.test(name)) {
      return {
        error: `Invalid tag name <${String(name)}>: only alphanumeric ASCII characters, '_', and '-' are allowed.`,
      };
    }
    if (typeof tagValue !== 'string' || !TAG_PATTERN.test(tagValue)) {
      return {
        error: `Invalid tag value <${String(tagValue)}>: only alphanumeric ASCII characters, '_', and '-' are allowed.`,
      };
    }
    const index = name.startsWith(MAILOVER_TAG_PREFIX)
      ? Number(name.slice(MAILOVER_TAG_PREFIX.length))
      : Number.NaN;
    if (Number.isInteger(index)) tags.push([index, decodeTagValue(tagValue)]);
    else metadata[name] = decodeTagValue(tagValue);
  }
  return { tags: tags.sort((left, right) => left[0] - right[0]).map(([, tag]) => tag), metadata };
}

function parseHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!Array.isArray(value)) return headers;
  for (const header of value) {
    if (typeof header?.Name === 'string' && typeof header?.Value === 'string')
      headers[header.Name] = header.Value;
  }
  return headers;
}

function parseAttachments(value: unknown): SandboxAttachment[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  const attachments: SandboxAttachment[] = [];
  for (const attachment of value) {
    if (typeof attachment?.FileName !== 'string' || typeof attachment?.RawContent !== 'string') return null;
    const cid =
      attachment.ContentDisposition === 'INLINE' && attachment.ContentId
        ? String(attachment.ContentId)
        : undefined;
    attachments.push({
      filename: attachment.FileName,
      contentType:
        typeof attachment.ContentType === 'string' ? attachment.ContentType : 'application/octet-stream',
      // restJson1 carries blobs as base64 strings.
      content: Buffer.from(attachment.RawContent, 'base64'),
      ...(cid ? { cid: cid.replace(/^<|>$/g, '') } : {}),
    });
  }
  return attachments;
}

/** A Raw message: only its top-level headers and body are read back (no MIME tree walk). */
function parseRawContent(raw: any, base: EnvelopeFields): ParsedSendEmail {
  if (typeof raw?.Data !== 'string') return fail('BadRequestException', 'Missing required field Raw.Data.');
  const mime = Buffer.from(raw.Data, 'base64').toString('utf8');
  const split = mime.search(/\r?\n\r?\n/);
  const head = split < 0 ? mime : mime.slice(0, split);
  const bodyText = split < 0 ? '' : mime.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return {
    ok: true,
    message: {
      ...base,
      subject: decodeEncodedWords(headerLookup(headers, 'subject') ?? ''),
      text: bodyText,
      html: undefined,
      headers,
      messageId: headerLookup(headers, 'message-id'),
      attachments: [],
    },
  };
}

function addresses(value: unknown): SandboxAddress[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string').map(parseMailbox) : [];
}

function contentData(value: SesContent | undefined): string | undefined {
  return typeof value?.Data === 'string' ? value.Data : undefined;
}

function headerLookup(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function fail(type: string, message: string): ParsedSendEmail {
  return { ok: false, type, message };
}
