/**
 * `MessageInput` → `NormalizedMessage`: validate with the zod schema, then fill defaults,
 * de-duplicate recipients, size the message and give it its id and Message-ID. Every failure is one
 * `ValidationError` listing all issues; nothing else is ever thrown, whatever the input.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type ValidationIssue, ValidationError } from '../errors.js';
import { domainInAscii, lastAtSign, quote } from './address.js';
import { defaultMessage, toValidationIssues } from './issues.js';
import { parseSimpleMessage } from './fast-path.js';
import { MESSAGE_FIELDS, messageSchema, type ParsedMessage } from './schema.js';
import { measureMessage, oversizeIssue } from './size.js';
import type { Address, MessageInput, NormalizedMessage } from './types.js';

export interface NormalizeOptions {
  /** Domain used on the right of generated Message-IDs (IDNA-converted). Default: the sender's domain. */
  readonly messageIdDomain?: string;
  /** Largest message accepted at all, in bytes, as estimated in `sizeBytes`. Default 40 MiB. */
  readonly maxMessageBytes?: number;
  /** Makes the id of a message that has no idempotency key. Default: `crypto.randomUUID`. */
  readonly generateId?: () => string;
}

/** Longest id `generateId` may return: it must fit every provider's metadata limits. */
export const MAX_GENERATED_ID_LENGTH = 64;

/** Default `maxMessageBytes`: 40 MiB, the largest message SES accepts. */
export const DEFAULT_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

const KNOWN_FIELDS = {
  message: MESSAGE_FIELDS,
  attachment: ['filename', 'content', 'encoding', 'contentType', 'cid'],
  address: ['address', 'name'],
} as const;

/**
 * Validate and normalize a message. Throws `ValidationError` (and only that) with every issue:
 * each names the field (`to[1].address`, `headers.X-Trace`) and says what to change.
 *
 * Beyond the types: addresses are RFC 5321 mailboxes with a dotted domain (IDN converted to ASCII);
 * CR, LF and NUL are refused in anything that becomes a header; `subject` is required but may be
 * `''`; one of `text`/`html` must be non-empty; to + cc + bcc hold at least one address, and
 * duplicates (ignoring case) are dropped, first kept. Limits: header values 998 characters; at most
 * 10 tags of 1–128 printable ASCII characters; at most 50 metadata entries, keys 1–128 printable
 * ASCII without spaces, values up to 1024 characters; `idempotencyKey` 1–256 printable ASCII;
 * attachment filenames up to 255 characters with no path separator; `sizeBytes` ≤ `maxMessageBytes`.
 */
export function normalizeMessage(input: MessageInput, options: NormalizeOptions = {}): NormalizedMessage {
  try {
    const simple = parseSimpleMessage(input);
    if (simple) return finish(simple, options);
    const result = messageSchema().safeParse(input, { error: defaultMessage });

    if (!result.success) {
      const issues = isObject(input)
        ? toValidationIssues(result.error.issues, KNOWN_FIELDS)
        : [
            {
              path: '',
              message: `must be an object with from, to, subject and text or html, not ${kindOf(input)}`,
            },
          ];
      throw new ValidationError(issues);
    }
    return finish(result.data, options);
  } catch (error) {
    if (ValidationError.isInstance(error)) throw error;
    // A getter or proxy in the input (or a generateId option) threw; report it, don't leak it.
    throw new ValidationError([{ path: '', message: `could not be read: ${describeError(error)}` }]);
  }
}

function finish(parsed: ParsedMessage, options: NormalizeOptions): NormalizedMessage {
  const seen = new Set<string>();
  const to = uniqueRecipients(parsed.to, seen);
  const cc = uniqueRecipients(parsed.cc, seen);
  const bcc = uniqueRecipients(parsed.bcc, seen);
  const replyTo = uniqueRecipients(parsed.replyTo, new Set());
  const idempotencyKey = parsed.idempotencyKey ?? undefined;
  const issues: ValidationIssue[] = [];
  const domain = messageIdDomain(options, parsed.from, issues);
  const id = idempotencyKey === undefined ? generateId(options, issues) : idFromKey(idempotencyKey);
  // Built field by field rather than through conditional spreads, which cost a temporary object
  // each on every send. An empty body part is no part: providers refuse empty content values.
  const message: { -readonly [Key in keyof NormalizedMessage]: NormalizedMessage[Key] } = {
    id,
    messageId: `<${id}@${domain}>`,
    from: Object.freeze(parsed.from),
    to,
    cc,
    bcc,
    replyTo,
    subject: parsed.subject,
    attachments:
      parsed.attachments && parsed.attachments.length > 0
        ? Object.freeze(parsed.attachments.map((attachment) => Object.freeze(attachment)))
        : NO_ATTACHMENTS,
    headers: parsed.headers ? Object.freeze({ ...parsed.headers }) : NO_HEADERS,
    tags: parsed.tags && parsed.tags.length > 0 ? Object.freeze([...new Set(parsed.tags)]) : NO_TAGS,
    metadata: parsed.metadata ? Object.freeze({ ...parsed.metadata }) : NO_METADATA,
    sizeBytes: 0,
  };
  if (parsed.text) message.text = parsed.text;
  if (parsed.html) message.html = parsed.html;
  if (idempotencyKey !== undefined) message.idempotencyKey = idempotencyKey;
  const size = measureMessage(message);
  message.sizeBytes = size.total;
  const limit = maxMessageBytes(options, issues);
  if (size.total > limit) issues.push(oversizeIssue(size, limit));
  if (issues.length > 0) throw new ValidationError(issues);
  return Object.freeze(message);
}

// Shared by every message that has none: frozen, so no message can change another's.
const NO_ATTACHMENTS: NormalizedMessage['attachments'] = Object.freeze([]);
const NO_HEADERS: NormalizedMessage['headers'] = Object.freeze({});
const NO_TAGS: NormalizedMessage['tags'] = Object.freeze([]);
const NO_METADATA: NormalizedMessage['metadata'] = Object.freeze({});
const NO_ADDRESSES: readonly Address[] = Object.freeze([]);

function uniqueRecipients(
  given: Address | readonly Address[] | null | undefined,
  seen: Set<string>,
): readonly Address[] {
  // Most messages have no cc, bcc or reply-to: one shared frozen list, not a new one frozen each
  // time (Object.freeze is a call into V8's C++, costly between HTTP calls; docs/performance.md).
  if (given === undefined || given === null) return NO_ADDRESSES;
  const list = Array.isArray(given) ? given : [given as Address];
  const unique: Address[] = [];
  for (const address of list) {
    // Case-insensitive on the whole address: local parts are case-sensitive in theory, never in practice.
    const key = address.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(Object.freeze(address));
  }
  return Object.freeze(unique);
}

/** A UUID-shaped id from the idempotency key: a SHA-256 name-based UUIDv8 (RFC 9562 §B.2). */
function idFromKey(key: string): string {
  const bytes = createHash('sha256').update(`mailover:${key}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function generateId(options: NormalizeOptions, issues: ValidationIssue[]): string {
  if (!options.generateId) return randomUUID();
  const id = options.generateId();
  // It lands inside a Message-ID header, so it must be a dot-atom; and in every provider's metadata,
  // where the tightest limits (SES tags: 256 characters after escaping; Postmark: 80) must not drop
  // it, or events could no longer be matched to the message.
  if (
    typeof id !== 'string' ||
    !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(id)
  ) {
    issues.push({
      path: 'generateId',
      message: 'the generateId option returned something that is not a dot-atom id',
    });
    return randomUUID();
  }
  if (id.length > MAX_GENERATED_ID_LENGTH) {
    issues.push({
      path: 'generateId',
      message: `the generateId option returned an id of ${id.length} characters; make it at most ${MAX_GENERATED_ID_LENGTH} (a UUID is 36)`,
    });
    return randomUUID();
  }
  return id;
}

function messageIdDomain(options: NormalizeOptions, from: Address, issues: ValidationIssue[]): string {
  const given = options.messageIdDomain;
  if (given === undefined) return from.address.slice(lastAtSign(from.address) + 1);
  // domainInAscii remembers its answers: the option, the same on every send, is converted once.
  const ascii = typeof given === 'string' ? domainInAscii(given) : undefined;
  if (typeof ascii === 'string') return ascii;
  issues.push({
    path: 'messageIdDomain',
    message: `the messageIdDomain option ${quote(String(given))} is not a domain name; use one such as "mail.example.com"`,
  });
  return 'invalid';
}

function maxMessageBytes(options: NormalizeOptions, issues: ValidationIssue[]): number {
  const limit = options.maxMessageBytes;
  if (limit === undefined) return DEFAULT_MAX_MESSAGE_BYTES;
  if (typeof limit === 'number' && limit > 0) return limit;
  issues.push({
    path: 'maxMessageBytes',
    message: 'the maxMessageBytes option must be a positive number of bytes',
  });
  return DEFAULT_MAX_MESSAGE_BYTES;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unreadable error';
  }
}
