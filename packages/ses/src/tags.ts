/**
 * SES message tags carry mailover's metadata (EmailTags come back in every event's `mail.tags`).
 * SES allows only `[A-Za-z0-9_-]`, at most 256 characters, in tag names and values, so values are
 * escaped reversibly and whatever still does not fit is dropped (see the README).
 */

/** The tag that carries `NormalizedMessage.id`, for webhook correlation. */
export const MAILOVER_ID_TAG = 'mailover_id';
/** `message.tags[i]` travels as the tag `mailover_tag_<i>`, apart from metadata. */
export const MAILOVER_TAG_PREFIX = 'mailover_tag_';
/** What SES accepts as a tag name or value. */
export const SES_TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

const PLAIN_BYTE = /^[A-Za-z0-9-]$/;
const PLAIN_VALUE = /^[A-Za-z0-9-]*$/;

/**
 * Escape a value into SES's tag alphabet: letters, digits and `-` stand for themselves, every other
 * UTF-8 byte (the underscore included, so decoding is unambiguous) becomes `_` and two hex digits.
 */
export function encodeTagValue(value: string): string {
  // Nothing to escape (a UUID, most values): the value is its own encoding.
  if (PLAIN_VALUE.test(value)) return value;
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const character = String.fromCharCode(byte);
    encoded += PLAIN_BYTE.test(character)
      ? character
      : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** Undo `encodeTagValue`. Total: text that is not an escape stands for itself. */
export function decodeTagValue(value: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index += 1) {
    const hex = value.slice(index + 1, index + 3);
    if (value[index] === '_' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(value[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface SesTag {
  readonly Name: string;
  readonly Value: string;
}

export interface SesTagsResult {
  readonly tags: SesTag[];
  /** Metadata keys and tags that could not be carried (name outside SES's alphabet, or too long). */
  readonly dropped: string[];
}

/** mailover id, metadata and tags as SES EmailTags. */
export function toSesTags(
  id: string,
  metadata: Readonly<Record<string, string>>,
  tags: readonly string[],
): SesTagsResult {
  const result: SesTag[] = [];
  const dropped: string[] = [];
  const add = (name: string, value: string, label: string) => {
    const encoded = encodeTagValue(value);
    if (SES_TAG_PATTERN.test(name) && SES_TAG_PATTERN.test(encoded))
      result.push({ Name: name, Value: encoded });
    else dropped.push(label);
  };
  add(MAILOVER_ID_TAG, id, MAILOVER_ID_TAG);
  for (const [key, value] of Object.entries(metadata)) {
    if (key === MAILOVER_ID_TAG || key.startsWith(MAILOVER_TAG_PREFIX)) dropped.push(`metadata.${key}`);
    else add(key, value, `metadata.${key}`);
  }
  tags.forEach((tag, index) => {
    add(`${MAILOVER_TAG_PREFIX}${index}`, tag, `tags[${index}]`);
  });
  return { tags: result, dropped };
}
