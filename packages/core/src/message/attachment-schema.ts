/** The schema of one attachment: bytes or a (base64) string, a safe filename, a checked content type. */
import { z } from 'zod/mini';
import { quote } from './address.js';
import { CONTENT_TYPE, guessContentType } from './mime-types.js';
import { isRecord, refuse, safeText, tooLong } from './schema-kit.js';
import type { Attachment } from './types.js';

/** Longest attachment filename, in characters. */
export const MAX_FILENAME_LENGTH = 255;

/** Built by the message schema on first use. */
export function buildAttachmentSchema() {
  const filename = safeText((name) => {
    if (name.trim() === '') return 'is empty; give the name the recipient will see, e.g. "invoice.pdf"';
    if (/[/\\]/.test(name)) {
      return `${quote(name)} holds a path separator (/ or \\); give the bare file name, e.g. "invoice.pdf"`;
    }
    if (name === '.' || name === '..') return `${quote(name)} is not a file name`;
    return tooLong(name, MAX_FILENAME_LENGTH);
  });
  const contentType = safeText((type) =>
    CONTENT_TYPE.test(type)
      ? undefined
      : `${quote(type)} is not a MIME type; write it as type/subtype, e.g. "application/pdf"`,
  );
  const cid = safeText((id) => {
    const bare = stripAngles(id);
    if (bare === '') return 'is empty; give the id the HTML refers to as "cid:…", or leave cid out';
    if (!/^[\x21-\x7E]+$/.test(bare) || /[<>]/.test(bare)) {
      return `${quote(id)} may only hold printable ASCII without spaces or angle brackets inside`;
    }
    return undefined;
  });
  const content = z.custom<Uint8Array | string>(
    (value) => typeof value === 'string' || value instanceof Uint8Array,
    { error: 'must be bytes (a Uint8Array or Buffer) or a string' },
  );
  const fields = z.strictObject({
    filename,
    content,
    encoding: z.nullish(z.enum(['base64', 'utf8'], { error: 'must be "base64" or "utf8"' })),
    contentType: z.nullish(contentType),
    cid: z.nullish(cid),
  });
  return z.pipe(
    fields.check(
      z.superRefine(
        (value: Record<string, unknown>, context) => {
          const problem =
            value.encoding === 'base64' && typeof value.content === 'string'
              ? base64Problem(value.content)
              : undefined;
          if (problem) refuse(context, problem, ['content']);
        },
        { when: (payload) => isRecord(payload.value) },
      ),
    ),
    z.transform((value): Attachment => {
      const bytes =
        typeof value.content === 'string'
          ? Buffer.from(value.content, value.encoding === 'base64' ? 'base64' : 'utf8')
          : // A copy: the caller may reuse its buffer while a delayed retry still needs these bytes.
            Buffer.from(value.content);
      const type = value.contentType ? value.contentType.trim() : guessContentType(value.filename);
      const attachment = { filename: value.filename, content: bytes, contentType: type };
      return value.cid ? { ...attachment, cid: stripAngles(value.cid) } : attachment;
    }),
  );
}

function stripAngles(id: string): string {
  return id.replace(/^<|>$/g, '');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Problem(text: string): string | undefined {
  // Line-wrapped base64 (MIME, PEM) is common; a tight check first keeps the usual case fast.
  const compact = BASE64.test(text) ? text : text.replace(/\s+/g, '');
  const advice = 'if the string is plain text, drop encoding: "base64"';
  if (!BASE64.test(compact)) {
    if (/^[A-Za-z0-9_-]*={0,2}$/.test(compact)) {
      return `is base64url (it uses - or _), not base64; convert it, e.g. Buffer.from(text, 'base64url')`;
    }
    return `is not valid base64: only A-Z, a-z, 0-9, + and / are allowed, with "=" padding at the end; ${advice}`;
  }
  if (compact.length % 4 !== 0) {
    return `is not valid base64: its length (${compact.length}) is not a multiple of 4; is "=" padding missing?`;
  }
  return undefined;
}
