/**
 * One Postmark `/email` request body checked the way the API checks it, and turned back into an
 * AcceptedMessage. Error codes and texts follow Postmark's documented ErrorCode table
 * (https://postmarkapp.com/developer/api/overview#error-codes); texts not quoted anywhere public are
 * written in the same style and say so in a comment.
 */
import type { AcceptedMessage, SandboxAddress, SandboxAttachment } from '../types.js';
import { parseAddress, parseAddressList } from './postmark-addresses.js';

/** What Postmark answers for one message that it refuses: the body of a 422 (or a batch entry). */
export interface PostmarkApiError {
  readonly ErrorCode: number;
  readonly Message: string;
}

/** To, Cc and Bcc together, per message (Postmark "send a single email" docs). */
export const POSTMARK_MAX_RECIPIENTS = 50;

/** Attachment extensions Postmark refuses with ErrorCode 411 (send-email-with-api docs, "Forbidden File Types"). */
export const POSTMARK_FORBIDDEN_EXTENSIONS: readonly string[] = [
  'vbs',
  'exe',
  'bin',
  'bat',
  'chm',
  'com',
  'cpl',
  'crt',
  'hlp',
  'hta',
  'inf',
  'ins',
  'isp',
  'jse',
  'lnk',
  'mdb',
  'pcd',
  'pif',
  'reg',
  'scr',
  'sct',
  'shs',
  'vbe',
  'vba',
  'wsf',
  'wsh',
  'wsl',
  'msc',
  'msi',
  'msp',
  'mst',
];

/**
 * Recipients at this domain count as inactive (hard-bounced or suppressed earlier), so tests can
 * provoke Postmark's synchronous ErrorCode 406 through the real SDK.
 */
export const POSTMARK_INACTIVE_DOMAIN = 'inactive.postmark.test';

type MessageDraft = Omit<AcceptedMessage, 'receivedAt' | 'provider' | 'providerMessageId'>;

/** Check one message; a draft ready to accept, or the error Postmark would answer with. */
export function readPostmarkMessage(body: unknown): MessageDraft | PostmarkApiError {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ErrorCode: 403, Message: 'Incompatible JSON: expected a message object.' };
  }
  const fields = body as Record<string, unknown>;

  const fromField = stringField(fields.From);
  if (fromField === undefined || fromField.trim() === '') return invalid("Invalid 'From' value.");
  const from = parseAddress(fromField.trim());
  if (!from) return invalid(`Invalid 'From' address: '${fromField}'.`);

  const lists: Record<'To' | 'Cc' | 'Bcc' | 'ReplyTo', SandboxAddress[]> = {
    To: [],
    Cc: [],
    Bcc: [],
    ReplyTo: [],
  };
  for (const name of ['To', 'Cc', 'Bcc', 'ReplyTo'] as const) {
    const value = fields[name];
    if (value === undefined || value === null || value === '') continue;
    const parsed = typeof value === 'string' ? parseAddressList(value) : null;
    if (!parsed) return invalid(`Invalid '${name}' address: '${String(value)}'.`);
    lists[name] = parsed;
  }
  const recipients = [...lists.To, ...lists.Cc, ...lists.Bcc];
  if (recipients.length === 0) return invalid('Zero recipients specified');
  if (recipients.length > POSTMARK_MAX_RECIPIENTS) {
    // Wording modelled: Postmark documents the limit, not the text.
    return invalid(
      `Too many recipients: at most ${POSTMARK_MAX_RECIPIENTS} are allowed in To, Cc and Bcc together.`,
    );
  }

  const text = stringField(fields.TextBody);
  const html = stringField(fields.HtmlBody);
  if (!text && !html) return invalid('Provide either email TextBody or HtmlBody or both.');

  const attachments = readAttachments(fields.Attachments);
  if (isApiError(attachments)) return attachments;
  const headers = readHeaders(fields.Headers);
  if (isApiError(headers)) return headers;
  const metadata = readMetadata(fields.Metadata);
  if (isApiError(metadata)) return metadata;

  const inactive = recipients.filter((recipient) =>
    recipient.address.toLowerCase().endsWith(`@${POSTMARK_INACTIVE_DOMAIN}`),
  );
  if (inactive.length > 0) {
    return {
      ErrorCode: 406,
      Message: `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${inactive
        .map((recipient) => recipient.address)
        .join(
          ', ',
        )}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`,
    };
  }

  const messageIdHeader = Object.entries(headers).find(([name]) => name.toLowerCase() === 'message-id');
  const tag = stringField(fields.Tag);
  const stream = stringField(fields.MessageStream);
  return {
    from,
    to: lists.To,
    cc: lists.Cc,
    bcc: lists.Bcc,
    replyTo: lists.ReplyTo,
    subject: stringField(fields.Subject) ?? '',
    ...(text ? { text } : {}),
    ...(html ? { html } : {}),
    headers,
    ...(messageIdHeader ? { messageId: messageIdHeader[1] } : {}),
    attachments,
    tags: tag ? [tag] : [],
    metadata,
    ...(stream ? { ipPool: stream } : {}),
    raw: body,
  };
}

/** True for Postmark's `{ ErrorCode, Message }` refusal (a numeric ErrorCode, never 0 here). */
export function isApiError(value: unknown): value is PostmarkApiError {
  const code =
    typeof value === 'object' && value !== null ? (value as { ErrorCode?: unknown }).ErrorCode : undefined;
  return typeof code === 'number' && code !== 0;
}

function invalid(message: string): PostmarkApiError {
  return { ErrorCode: 300, Message: message };
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function readAttachments(value: unknown): SandboxAttachment[] | PostmarkApiError {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    return { ErrorCode: 403, Message: "Incompatible JSON: 'Attachments' must be an array." };
  const attachments: SandboxAttachment[] = [];
  for (const entry of value) {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const name = stringField(item.Name);
    const content = stringField(item.Content);
    if (!name || content === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) {
      return invalid(`Invalid attachment: each needs a Name and base64 Content ('${name ?? ''}').`);
    }
    const extension = name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '';
    if (POSTMARK_FORBIDDEN_EXTENSIONS.includes(extension)) {
      // Wording modelled on the ErrorCode 411 title, "Forbidden attachment type".
      return { ErrorCode: 411, Message: `Forbidden attachment type: '${name}'.` };
    }
    const contentId = stringField(item.ContentID);
    attachments.push({
      filename: name,
      contentType: stringField(item.ContentType) ?? 'application/octet-stream',
      content: Buffer.from(content, 'base64'),
      // Postmark's examples write inline ids as `cid:…`; the part's Content-ID is what follows.
      ...(contentId ? { cid: contentId.replace(/^cid:/i, '') } : {}),
    });
  }
  return attachments;
}

function readHeaders(value: unknown): Record<string, string> | PostmarkApiError {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value))
    return { ErrorCode: 403, Message: "Incompatible JSON: 'Headers' must be an array." };
  const headers: Record<string, string> = {};
  for (const entry of value) {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const name = stringField(item.Name);
    const headerValue = stringField(item.Value);
    if (!name || headerValue === undefined) {
      return { ErrorCode: 403, Message: 'Incompatible JSON: each header needs a Name and a Value.' };
    }
    headers[name] = headerValue;
  }
  return headers;
}

function readMetadata(value: unknown): Record<string, string> | PostmarkApiError {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ErrorCode: 403, Message: "Incompatible JSON: 'Metadata' must be an object." };
  }
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) metadata[key] = String(entry);
  return metadata;
}
