/**
 * Reads a SendGrid v3 Mail Send request body back into the sandbox's message shape, and checks it
 * the way the real API does (the first problem found is answered with SendGrid's own words).
 */
import type { AcceptedMessage, SandboxAddress, SandboxAttachment } from '../types.js';

/** One entry of SendGrid's `{"errors":[…]}` body. */
export interface SendGridErrorEntry {
  readonly field: string | null;
  readonly message: string;
  readonly help: string | null;
}

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

/** A parsed request, or the validation error SendGrid answers it with (400). */
export type SendGridParseResult =
  | {
      readonly ok: true;
      readonly message: Omit<AcceptedMessage, 'receivedAt' | 'provider' | 'providerMessageId'>;
    }
  | { readonly ok: false; readonly error: SendGridErrorEntry };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const validEmail = (value: unknown): value is string =>
  typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value);

function toAddress(value: Json): SandboxAddress {
  const address = String(value.email);
  return typeof value.name === 'string' && value.name !== '' ? { address, name: value.name } : { address };
}

function invalid(field: string | null, message: string, anchor: string): SendGridParseResult {
  return { ok: false, error: { field, message, help: `${HELP}#${anchor}` } };
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** Parse a v3 Mail Send JSON body. `body` is the already-parsed JSON. */
export function parseSendGridRequest(body: unknown): SendGridParseResult {
  if (!isObject(body)) return { ok: false, error: { field: null, message: 'Bad Request', help: null } };
  const personalizations = body.personalizations;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    return invalid(
      'personalizations',
      'The personalizations field is required and must have at least one personalization.',
      '-Personalizations-Errors',
    );
  }
  const from = body.from;
  if (!isObject(from) || !validEmail(from.email)) {
    return invalid(
      'from.email',
      'The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.  e.g. {"email" : "example@example.com"}  or {"email" : "example@example.com", "name" : "Example Recipient"}.',
      'message.from',
    );
  }

  const to: SandboxAddress[] = [];
  const cc: SandboxAddress[] = [];
  const bcc: SandboxAddress[] = [];
  const headers: Record<string, string> = { ...stringRecord(body.headers) };
  const metadata: Record<string, string> = { ...stringRecord(body.custom_args) };
  let subject = typeof body.subject === 'string' ? body.subject : undefined;
  for (const [index, personalization] of personalizations.entries()) {
    if (!isObject(personalization) || !Array.isArray(personalization.to) || personalization.to.length === 0) {
      return invalid(
        `personalizations.${index}.to`,
        'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
        'message.personalizations.to',
      );
    }
    for (const [role, list] of [
      ['to', to],
      ['cc', cc],
      ['bcc', bcc],
    ] as const) {
      const entries = personalization[role] ?? [];
      if (!Array.isArray(entries))
        return invalid(`personalizations.${index}.${role}`, 'Invalid type.', 'message.personalizations');
      for (const [position, entry] of entries.entries()) {
        if (!isObject(entry) || !validEmail(entry.email)) {
          return invalid(
            `personalizations.${index}.${role}.${position}.email`,
            'Does not contain a valid address.',
            '-Email-Address',
          );
        }
        list.push(toAddress(entry));
      }
    }
    Object.assign(headers, stringRecord(personalization.headers));
    Object.assign(metadata, stringRecord(personalization.custom_args));
    if (typeof personalization.subject === 'string') subject ??= personalization.subject;
  }
  if (subject === undefined || subject === '') {
    return invalid(
      'subject',
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      'message.subject',
    );
  }

  const content = Array.isArray(body.content) ? body.content.filter(isObject) : [];
  const contentOf = (type: string) => {
    const block = content.find((entry) => entry.type === type);
    return typeof block?.value === 'string' ? block.value : undefined;
  };
  if (content.length === 0 && typeof body.template_id !== 'string') {
    return invalid(
      'content',
      'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
      'message.content',
    );
  }

  const attachments: SandboxAttachment[] = [];
  for (const [index, attachment] of (Array.isArray(body.attachments) ? body.attachments : []).entries()) {
    if (
      !isObject(attachment) ||
      typeof attachment.content !== 'string' ||
      typeof attachment.filename !== 'string'
    ) {
      return invalid(
        `attachments.${index}.content`,
        'The attachment content is required.',
        'message.attachments.content',
      );
    }
    attachments.push({
      filename: attachment.filename,
      contentType: typeof attachment.type === 'string' ? attachment.type : 'application/octet-stream',
      content: Buffer.from(attachment.content, 'base64'),
      ...(typeof attachment.content_id === 'string' ? { cid: attachment.content_id } : {}),
    });
  }

  const replyTo: SandboxAddress[] = [];
  if (isObject(body.reply_to) && validEmail(body.reply_to.email)) replyTo.push(toAddress(body.reply_to));
  if (Array.isArray(body.reply_to_list)) {
    for (const entry of body.reply_to_list)
      if (isObject(entry) && validEmail(entry.email)) replyTo.push(toAddress(entry));
  }
  const messageIdHeader = Object.entries(headers).find(([name]) => name.toLowerCase() === 'message-id');
  const text = contentOf('text/plain');
  const html = contentOf('text/html');

  return {
    ok: true,
    message: {
      from: toAddress(from),
      to,
      cc,
      bcc,
      replyTo,
      subject,
      ...(text !== undefined ? { text } : {}),
      ...(html !== undefined ? { html } : {}),
      headers,
      ...(messageIdHeader ? { messageId: messageIdHeader[1] } : {}),
      attachments,
      tags: Array.isArray(body.categories) ? body.categories.filter((tag) => typeof tag === 'string') : [],
      metadata,
      ...(typeof body.ip_pool_name === 'string' ? { ipPool: body.ip_pool_name } : {}),
      raw: body,
    },
  };
}
