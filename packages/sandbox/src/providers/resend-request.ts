/**
 * Resend's `POST /emails` body (snake_case, as the `resend` SDK sends it) → the sandbox's
 * AcceptedMessage, and the `{statusCode, name, message}` errors Resend answers when it is not valid.
 */
import type { AcceptedMessage, SandboxAddress } from '../types.js';
import { parseAddress } from './postmark-addresses.js';

/** Resend's error body. */
export interface ResendErrorBody {
  readonly statusCode: number;
  readonly name: string;
  readonly message: string;
}

export type ParsedResendRequest =
  | {
      readonly ok: true;
      readonly message: Omit<AcceptedMessage, 'receivedAt' | 'provider' | 'providerMessageId'>;
    }
  | { readonly ok: false; readonly error: ResendErrorBody };

const invalid = (name: string, message: string): ParsedResendRequest => ({
  ok: false,
  error: { statusCode: 422, name, message },
});

/** Tag names and values: "ASCII letters, numbers, underscores, or dashes", at most 256 characters. */
const TAG = /^[A-Za-z0-9_-]{1,256}$/;

function addresses(value: unknown, field: string): SandboxAddress[] | string {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const parsed: SandboxAddress[] = [];
  for (const entry of list) {
    const address = typeof entry === 'string' ? parseAddress(entry.trim()) : null;
    if (!address) return `Invalid \`${field}\` field.`;
    parsed.push(address);
  }
  return parsed;
}

export function parseResendRequest(body: unknown): ParsedResendRequest {
  if (typeof body !== 'object' || body === null) return invalid('validation_error', 'Invalid JSON body.');
  const fields = body as Record<string, unknown>;
  for (const name of ['from', 'to', 'subject'] as const) {
    if (fields[name] === undefined || fields[name] === '')
      return invalid('missing_required_field', `Missing \`${name}\` field.`);
  }
  const from = typeof fields.from === 'string' ? parseAddress(fields.from.trim()) : null;
  if (!from)
    return invalid(
      'invalid_from_address',
      'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    );
  const lists = {
    to: addresses(fields.to, 'to'),
    cc: addresses(fields.cc, 'cc'),
    bcc: addresses(fields.bcc, 'bcc'),
    replyTo: addresses(fields.reply_to, 'reply_to'),
  };
  for (const list of Object.values(lists))
    if (typeof list === 'string') return invalid('validation_error', list);
  const headers: Record<string, string> = {};
  if (typeof fields.headers === 'object' && fields.headers !== null) {
    for (const [name, value] of Object.entries(fields.headers)) headers[name] = String(value);
  }
  const metadata: Record<string, string> = {};
  const tags: string[] = [];
  for (const tag of Array.isArray(fields.tags) ? fields.tags : []) {
    const { name, value } = (tag ?? {}) as { name?: unknown; value?: unknown };
    if (
      typeof name !== 'string' ||
      !TAG.test(name) ||
      (value !== undefined && (typeof value !== 'string' || !TAG.test(value)))
    )
      return invalid(
        'validation_error',
        'Tags should only contain ASCII letters, numbers, underscores, or dashes.',
      );
    metadata[name] = typeof value === 'string' ? value : '';
    tags.push(name);
  }
  const attachments = [];
  for (const attachment of Array.isArray(fields.attachments) ? fields.attachments : []) {
    const {
      content,
      filename,
      content_type: contentType,
      content_id: cid,
    } = attachment as Record<string, unknown>;
    if (typeof content !== 'string' || typeof filename !== 'string')
      return invalid('invalid_attachment', 'Attachment must have either a `content` or `path`.');
    attachments.push({
      filename,
      contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream',
      content: Buffer.from(content, 'base64'),
      ...(typeof cid === 'string' ? { cid } : {}),
    });
  }
  const messageId = Object.entries(headers).find(([name]) => name.toLowerCase() === 'message-id')?.[1];
  return {
    ok: true,
    message: {
      from,
      to: lists.to as SandboxAddress[],
      cc: lists.cc as SandboxAddress[],
      bcc: lists.bcc as SandboxAddress[],
      replyTo: lists.replyTo as SandboxAddress[],
      subject: String(fields.subject),
      ...(typeof fields.text === 'string' ? { text: fields.text } : {}),
      ...(typeof fields.html === 'string' ? { html: fields.html } : {}),
      headers,
      ...(messageId ? { messageId } : {}),
      attachments,
      tags,
      metadata,
      raw: body,
    },
  };
}
