/** An address as a user may write it: `"Ada <ada@example.com>"`, `"ada@example.com"` or an object. */
export type AddressInput = string | { readonly address: string; readonly name?: string };

/** An attachment as a user may give it. `content` is bytes, or a base64 string with `encoding: 'base64'`. */
export interface AttachmentInput {
  readonly filename: string;
  readonly content: Uint8Array | string;
  /** How a string `content` is encoded. Default: `'utf8'`. */
  readonly encoding?: 'base64' | 'utf8';
  /** MIME type. Default: guessed from the filename, else `application/octet-stream`. */
  readonly contentType?: string;
  /** Content-ID for inline images referenced as `cid:…` in the HTML. */
  readonly cid?: string;
}

/** A message as passed to `mailer.send()`. Validated and normalized before any provider is called. */
export interface MessageInput {
  readonly from: AddressInput;
  readonly to: AddressInput | readonly AddressInput[];
  readonly cc?: AddressInput | readonly AddressInput[];
  readonly bcc?: AddressInput | readonly AddressInput[];
  readonly replyTo?: AddressInput | readonly AddressInput[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments?: readonly AttachmentInput[];
  /** Extra headers. Structural headers (From, To, Message-ID, …) are refused: use the fields. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Provider tags / categories, for analytics. */
  readonly tags?: readonly string[];
  /** String key-values echoed back on delivery events. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** The caller's idempotency key: the same key is the same message (same id, same Message-ID). */
  readonly idempotencyKey?: string;
}

export interface Address {
  /** The address, domain in ASCII (IDNA), e.g. `ada@xn--bcher-kva.example`. */
  readonly address: string;
  readonly name?: string;
}

export interface Attachment {
  readonly filename: string;
  readonly content: Uint8Array;
  readonly contentType: string;
  readonly cid?: string;
}

/** A validated message with every default filled in. Every attempt, on every provider, sends this. */
export interface NormalizedMessage {
  /** mailover's id for this message, carried in each provider's metadata for webhook correlation. */
  readonly id: string;
  /** The RFC 5322 Message-ID, with angle brackets: the same on every attempt and provider. */
  readonly messageId: string;
  readonly from: Address;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly bcc: readonly Address[];
  readonly replyTo: readonly Address[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly attachments: readonly Attachment[];
  readonly headers: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly idempotencyKey?: string;
  /** Approximate size of the message on the wire (bodies + attachments base64-encoded + headers). */
  readonly sizeBytes: number;
  /** The send's suppression options (`SendOptions.stream`, `ignoreSuppressions`), kept for a re-send. */
  readonly suppression?: { readonly stream?: string; readonly override?: boolean };
}

/** Every recipient of a message (to, cc, bcc). */
export function allRecipients(message: NormalizedMessage): Address[] {
  return [...message.to, ...message.cc, ...message.bcc];
}

/** `"Name" <address>` or `address`, for providers that take one string. */
export function formatAddress(address: Address): string {
  if (!address.name) return address.address;
  const name = needsQuotes(address.name) ? `"${address.name.replace(/(["\\])/g, '\\$1')}"` : address.name;
  return `${name} <${address.address}>`;
}

// What a display name may hold unquoted: letters, digits, `_`, space, `!#$%&'*+-/=?^\`{|}~`, and
// anything outside ASCII (each UTF-16 unit from U+0080 up).
const UNQUOTED = new Uint8Array(128);
for (const character of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_ !#$%&'*+-/=?^`{|}~")
  UNQUOTED[character.charCodeAt(0)] = 1;

/**
 * Whether a display name needs quotes: `/[^\w !#$%&'*+\-/=?^`{|}~\u0080-\uFFFF]/.test(name)`, by
 * character code, as the send's sender is formatted between HTTP calls, where a regular
 * expression's code is cold (docs/performance.md). A property test holds formatAddress to it.
 */
function needsQuotes(name: string): boolean {
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 0x80 && UNQUOTED[code] !== 1) return true;
  }
  return false;
}
