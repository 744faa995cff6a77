/**
 * Rules for the extra headers a user may set: RFC 5322 field names, and the structural headers
 * that mailover or the provider writes, which a hand-set copy would duplicate or contradict.
 */
import { lookupTable } from '../lookup-table.js';

/** RFC 5322 §3.6.8 field name: printable ASCII except the colon (so no space either). */
export const HEADER_NAME = /^[\x21-\x39\x3B-\x7E]+$/;

/** Longest header value accepted, in characters: RFC 5322's 998-character line limit. */
export const MAX_HEADER_VALUE_LENGTH = 998;

// Lower-case name → what to do instead, phrased to follow "is set by mailover or the provider: ".
const RESERVED: Readonly<Record<string, string>> = lookupTable({
  from: 'use the `from` field',
  sender: 'use the `from` field (the provider adds Sender when it sends on behalf of another domain)',
  to: 'use the `to` field',
  cc: 'use the `cc` field',
  bcc: 'use the `bcc` field',
  'reply-to': 'use the `replyTo` field',
  subject: 'use the `subject` field',
  'message-id':
    'mailover generates one per message; pass `idempotencyKey` to make it stable, or `messageIdDomain` to choose its domain',
  date: 'the provider stamps it when it sends',
  'content-type':
    'it follows from `text`, `html` and `attachments` (set an attachment type with `contentType`)',
  'content-transfer-encoding': 'the provider chooses the encoding of each part',
  'content-disposition': 'use `attachments` (an attachment with a `cid` is inline)',
  'content-id': 'use the `cid` of an attachment',
  'mime-version': 'the provider writes it',
  'return-path':
    'the receiving server writes it from the bounce (envelope) address configured on the provider',
  received: 'mail servers add it along the way',
  'dkim-signature': 'configure DKIM signing for your domain on the provider',
});

/** What to use instead of a reserved header, or undefined when the name may be set by hand. */
export function reservedHeaderAdvice(name: string): string | undefined {
  const advice = RESERVED[name.toLowerCase()];
  return typeof advice === 'string' ? advice : undefined;
}
