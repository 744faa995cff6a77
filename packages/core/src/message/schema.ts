/**
 * The zod schema of a `MessageInput`. Built on first use, not at import: start-up cost matters and
 * most processes import core long before they send. zod/mini keeps the import itself small.
 *
 * Each rule reports its own reason (what is wrong, what to do); zod's generic messages only cover
 * wrong types, and `issues.ts` words those. Rules that need a whole field (a mailbox, base64) run as
 * one superRefine or transform each, which is both faster and clearer than a chain of checks.
 */
import { z } from 'zod/mini';
import { checkMailbox, controlCharacterProblem, quote, splitWrittenAddress } from './address.js';
import { buildAttachmentSchema } from './attachment-schema.js';
import { HEADER_NAME, MAX_HEADER_VALUE_LENGTH, reservedHeaderAdvice } from './headers.js';
import {
  everyElement,
  everyEntry,
  isRecord,
  PRINTABLE_ASCII,
  refuse,
  refuseValue,
  safeText,
  tooLong,
} from './schema-kit.js';
import type { Address, Attachment } from './types.js';

/** Most tags on one message: SendGrid's category limit (Mailgun takes 3, Postmark 1: their adapters decide). */
export const MAX_TAGS = 10;
/** Longest tag, in characters (Mailgun's limit). */
export const MAX_TAG_LENGTH = 128;
/** Most metadata entries on one message. */
export const MAX_METADATA_ENTRIES = 50;
/** Longest metadata key, in characters. */
export const MAX_METADATA_KEY_LENGTH = 128;
/** Longest metadata value, in characters. */
export const MAX_METADATA_VALUE_LENGTH = 1024;
/** Longest idempotency key, in characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;
function buildAddressSchema(what: string) {
  const fromString = z.pipe(
    z.string(),
    z.transform((text: string, context): Address => {
      const injection = controlCharacterProblem(text);
      if (injection) return refuseValue(context, injection);
      const written = splitWrittenAddress(text);
      if ('problem' in written) return refuseValue(context, written.problem);
      const address = checkMailbox(written.address);
      if (typeof address !== 'string') return refuseValue(context, address.problem);
      return written.name === undefined ? { address } : { address, name: written.name };
    }),
  );
  const fromObject = z.pipe(
    z.strictObject({ address: z.string(), name: z.nullish(z.string()) }),
    z.transform((value, context): Address => {
      const address = checkMailbox(value.address);
      if (typeof address !== 'string') refuse(context, address.problem, ['address']);
      const nameProblem = typeof value.name === 'string' ? controlCharacterProblem(value.name) : undefined;
      if (nameProblem) refuse(context, `the name ${nameProblem}`, ['name']);
      if (typeof address !== 'string' || nameProblem) return z.NEVER;
      const name = value.name?.trim();
      return name ? { address, name } : { address };
    }),
  );
  const forms = '"Ada Lovelace <ada@example.com>", "ada@example.com" or { address, name? }';
  return z.union([fromString, fromObject], {
    error: (issue) => (issue.input === undefined ? `is required: ${forms}` : `must be ${what}: ${forms}`),
  });
}
function buildHeadersSchema() {
  const value = z.string().check(
    z.superRefine((text: string, context) => {
      const injection = controlCharacterProblem(text);
      if (injection) refuse(context, `the value ${injection} (the provider folds long values itself)`);
      else if (text.length > MAX_HEADER_VALUE_LENGTH) {
        refuse(
          context,
          `the value is ${text.length} characters; the limit is ${MAX_HEADER_VALUE_LENGTH} (RFC 5322)`,
        );
      }
    }),
  );
  return z.record(z.string(), value).check(
    z.superRefine((headers: Record<string, string>, context) => {
      const seen = new Map<string, string>();
      for (const name of Object.keys(headers)) {
        const advice = reservedHeaderAdvice(name);
        if (advice) refuse(context, `${name} cannot be set by hand: ${advice}`, [name]);
        else if (controlCharacterProblem(name))
          refuse(context, `the header name ${controlCharacterProblem(name)}`, [name]);
        else if (!HEADER_NAME.test(name)) {
          refuse(
            context,
            'is not a valid header name: use printable ASCII letters, digits and hyphens, with no spaces or colon (e.g. "X-Trace-Id")',
            [name],
          );
        }
        const earlier = seen.get(name.toLowerCase());
        if (earlier !== undefined) {
          refuse(
            context,
            `is given twice (as ${quote(earlier)} and ${quote(name)}); header names ignore case, keep one`,
            [name],
          );
        }
        seen.set(name.toLowerCase(), name);
      }
    }, everyEntry),
  );
}
function buildMessageSchema() {
  const address = buildAddressSchema('an address');
  const addresses = z.union([address, z.array(address)], {
    error: 'must be an address or an array of addresses, e.g. ["ada@example.com", "Bob <bob@example.org>"]',
  });
  const attachment = buildAttachmentSchema();
  const tag = safeText((text) => {
    if (text.trim() === '') return 'is empty; remove it';
    if (text.length > MAX_TAG_LENGTH) return `is ${text.length} characters; the limit is ${MAX_TAG_LENGTH}`;
    if (!PRINTABLE_ASCII.test(text))
      return `${quote(text)} holds non-ASCII characters; providers accept ASCII tags only`;
    return undefined;
  });
  const metadata = z
    .record(
      z.string(),
      safeText((text) => tooLong(text, MAX_METADATA_VALUE_LENGTH)),
    )
    .check(
      z.superRefine((entries: Record<string, string>, context) => {
        const keys = Object.keys(entries);
        if (keys.length > MAX_METADATA_ENTRIES) {
          refuse(context, `has ${keys.length} entries; the limit is ${MAX_METADATA_ENTRIES}`);
        }
        for (const key of keys) {
          if (key === '' || !/^[\x21-\x7E]+$/.test(key)) {
            refuse(context, 'keys must be printable ASCII with no spaces, e.g. "orderId"', [key]);
          } else if (key.length > MAX_METADATA_KEY_LENGTH) {
            refuse(context, `the key is ${key.length} characters; the limit is ${MAX_METADATA_KEY_LENGTH}`, [
              key,
            ]);
          }
        }
      }, everyEntry),
    );
  const idempotencyKey = z.string().check(
    z.superRefine((key: string, context) => {
      if (key === '') refuse(context, 'is empty; leave it out, or give a key that identifies this message');
      else if (!PRINTABLE_ASCII.test(key))
        refuse(context, 'must be printable ASCII (it may travel in an HTTP header)');
      else if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        refuse(context, `is ${key.length} characters; the limit is ${MAX_IDEMPOTENCY_KEY_LENGTH}`);
      }
    }),
  );
  const fields = z.strictObject({
    from: buildAddressSchema('one address (put other addresses in replyTo)'),
    to: z.nullish(addresses),
    cc: z.nullish(addresses),
    bcc: z.nullish(addresses),
    replyTo: z.nullish(addresses),
    subject: safeText(() => undefined, 'is required; pass "" to send without a subject'),
    text: z.nullish(z.string()),
    html: z.nullish(z.string()),
    attachments: z.nullish(
      z.array(attachment).check(
        z.superRefine((list: Attachment[], context) => {
          const byCid = new Map<string, number>();
          list.forEach((item, index) => {
            if (item.cid === undefined) return;
            const earlier = byCid.get(item.cid);
            if (earlier !== undefined) {
              refuse(context, `has the same cid as attachments[${earlier}]; give each inline part its own`, [
                index,
                'cid',
              ]);
            }
            byCid.set(item.cid, index);
          });
        }),
      ),
    ),
    headers: z.nullish(buildHeadersSchema()),
    tags: z.nullish(
      z.array(tag).check(
        z.superRefine((list: string[], context) => {
          if (new Set(list).size > MAX_TAGS)
            refuse(context, `has ${list.length} tags; the limit is ${MAX_TAGS}`);
        }, everyElement),
      ),
    ),
    metadata: z.nullish(metadata),
    idempotencyKey: z.nullish(idempotencyKey),
  });
  // Cross-field rules read the raw input so they are reported even when a field is also wrong.
  return fields.check(
    z.superRefine((_value, context) => crossFieldRules(context), {
      when: (payload) => isRecord(payload.value),
    }),
  );
}

function crossFieldRules(context: z.core.$RefinementCtx<unknown>): void {
  const input = context.value as Record<string, unknown>;
  const count = (list: unknown) =>
    Array.isArray(list) ? list.length : list === undefined || list === null ? 0 : 1;
  if (count(input.to) + count(input.cc) + count(input.bcc) === 0) {
    refuse(context, 'no recipients: give at least one address in to, cc or bcc', ['to']);
  }
  const given = (body: unknown) => body !== undefined && body !== null && body !== '';
  if (!given(input.text) && !given(input.html)) {
    refuse(context, 'no body: give text, html or both (a non-empty string)', ['text']);
  }
}
/** The parsed message, before recipients are de-duplicated and ids are assigned. */
export type ParsedMessage = z.output<ReturnType<typeof buildMessageSchema>>;

let schema: ReturnType<typeof buildMessageSchema> | undefined;

/** The message schema, built once on first use. */
export function messageSchema(): ReturnType<typeof buildMessageSchema> {
  schema ??= buildMessageSchema();
  return schema;
}

/** The top-level fields of a message, for suggestions when an unknown one is given. */
export const MESSAGE_FIELDS = [
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'subject',
  'text',
  'html',
  'attachments',
  'headers',
  'tags',
  'metadata',
  'idempotencyKey',
] as const;
