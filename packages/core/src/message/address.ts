/**
 * Email addresses as users write them: parse `"Name" <mailbox>` strings and check the mailbox
 * against a pragmatic RFC 5321 grammar, with internationalized domains converted to ASCII (IDNA)
 * and non-ASCII local parts allowed (SMTPUTF8, RFC 6531). Each check returns the reason in words,
 * never throws, so the zod schema can report it at the right path.
 */
import { domainToASCII } from 'node:url';
import { isValidALabel } from './punycode.js';
import { recentAnswers } from './recent-answers.js';
import { utf8Length } from './utf8-length.js';

/** A check that failed: the reason, phrased to follow the field name. */
export interface Refusal {
  readonly problem: string;
}

/** A value quoted for an error message: control characters escaped, long values cut short. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

const CONTROL_NAMES: ReadonlyMap<number, string> = new Map([
  [0x00, 'NUL'],
  [0x07, 'BEL'],
  [0x08, 'BS'],
  [0x0b, 'VT'],
  [0x0c, 'FF'],
  [0x1b, 'ESC'],
  [0x7f, 'DEL'],
  [0x85, 'NEL'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
]);

/**
 * Why a value bound for a header (subject, names, addresses, header values, filenames, tags) may not
 * go there, or undefined: CR or LF (header injection), or any other control character — the C0 set
 * but TAB, DEL, the C1 set, and the Unicode line and paragraph separators. Relays and mail clients
 * treat some of these as line ends or terminal commands; none belongs in a header. docs/security.md.
 */
export function controlCharacterProblem(value: string): string | undefined {
  // A loop over character codes, not a regular expression: this runs on every header-bound value of
  // every message, and between HTTP calls a regular expression's code is cold (1.7 µs against 0.2).
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 0x20 && code < 0x7f) continue;
    if (code === 0x09 || (code > 0x9f && code !== 0x2028 && code !== 0x2029)) continue;
    if (code === 0x0a || code === 0x0d) {
      return 'contains a line break (CR or LF), refused to prevent header injection; remove it';
    }
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    const name = CONTROL_NAMES.get(code);
    return `contains the control character ${hex}${name ? ` (${name})` : ''} at position ${index}, which has no place in a header; remove it`;
  }
  return undefined;
}

// RFC 5322 atext, plus any non-ASCII character except C1 controls, line separators and lone
// surrogates (RFC 6532 lets UTF-8 into local parts).
const NON_ASCII = '\\u00A0-\\u2027\\u202A-\\uD7FF\\uE000-\\uFFFF\\u{10000}-\\u{10FFFF}';
// The hyphen is escaped: written last before NON_ASCII it made a range `~-\u00A0`, which let DEL
// and the C1 controls in and kept U+00A1–U+2026 (é, Greek, Cyrillic, Arabic…) out.
const ATEXT = `[A-Za-z0-9!#$%&'*+/=?^_\`{|}~\\-${NON_ASCII}]`;
const DOT_ATOM = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`, 'u');
// RFC 5321 Quoted-string: qtextSMTP or a backslash followed by any printable ASCII.
const QUOTED_STRING = new RegExp(
  `^"(?:[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E${NON_ASCII}]|\\\\[\\x20-\\x7E])*"$`,
  'u',
);
const PLAIN_ASCII = /^[A-Za-z0-9.-]+$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const octets = utf8Length;

/**
 * Whether `text` is over `limit` UTF-8 octets. A UTF-16 code unit is at most 3 octets, so short
 * strings (nearly all) are answered without counting.
 */
const overOctets = (text: string, limit: number): boolean => text.length * 3 > limit && octets(text) > limit;

// RFC 5322 atext in ASCII, by character code: letters, digits and !#$%&'*+-/=?^_`{|}~.
const ASCII_ATEXT = new Uint8Array(128);
for (const character of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~")
  ASCII_ATEXT[character.charCodeAt(0)] = 1;

/**
 * A dot-atom of ASCII atext (`ada.lovelace+news`), checked by character code; undefined when `text`
 * holds non-ASCII, which DOT_ATOM decides. Between HTTP calls this loop runs warm where the Unicode
 * regular expression's code is cold.
 */
function isAsciiDotAtom(text: string): boolean | undefined {
  let previousDot = true; // no dot first
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) return undefined;
    if (code === 0x2e) {
      if (previousDot) return false;
      previousDot = true;
    } else if (ASCII_ATEXT[code] === 1) previousDot = false;
    else return false;
  }
  return !previousDot; // no dot last, and not empty
}

/**
 * The mailbox with its domain in ASCII (`ada@xn--bcher-kva.example`), or why it is not one.
 * The local part keeps its case; the domain is lower-cased, as IDNA does.
 */
export function checkMailbox(mailbox: string): string | Refusal {
  const injection = controlCharacterProblem(mailbox);
  if (injection) return { problem: injection };
  const trimmed = mailbox.trim();
  if (trimmed === '') return { problem: 'is empty; give an address such as "ada@example.com"' };
  if (mailbox !== trimmed) {
    return { problem: `${quote(mailbox)} has spaces around it; remove them` };
  }
  // RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. Every character
  // is at least one octet (and IDNA never shortens a domain), so a longer text is refused before any
  // other check reads it or a cache keeps it.
  if (mailbox.length > 254) return { problem: `${quote(mailbox)} is longer than 254 octets, the SMTP limit` };
  const at = lastAtSign(mailbox);
  if (at === -1) {
    return {
      problem: `${quote(mailbox)} is not an email address (no "@"); expected something like "ada@example.com"`,
    };
  }
  const local = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1);
  const localProblem = checkLocalPart(local);
  if (localProblem) return { problem: `${quote(mailbox)}: ${localProblem}` };
  const ascii = domainInAscii(domain);
  if (typeof ascii !== 'string') return { problem: `${quote(mailbox)}: ${ascii.problem}` };
  // The mailbox as given when its domain needed no change (nearly always): a string built here
  // would be flattened again by V8's C++ when first read (docs/performance.md).
  const address = ascii === domain ? mailbox : `${local}@${ascii}`;
  // RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets.
  if (overOctets(address, 254))
    return { problem: `${quote(mailbox)} is longer than 254 octets, the SMTP limit` };
  return address;
}

/**
 * `text.lastIndexOf('@')`, in JavaScript: V8's `lastIndexOf` is a call into its C++, which between
 * HTTP calls costs more than this loop over an address (docs/performance.md).
 */
export function lastAtSign(text: string): number {
  for (let index = text.length - 1; index >= 0; index--) if (text.charCodeAt(index) === 0x40) return index;
  return -1;
}

function checkLocalPart(local: string): string | undefined {
  if (local === '') return 'nothing before the "@"; add the mailbox name';
  if (overOctets(local, 64)) return 'the part before the "@" is longer than 64 octets, the SMTP limit';
  if (local.startsWith('"')) {
    return QUOTED_STRING.test(local)
      ? undefined
      : 'the quoted part before the "@" is not closed or holds a bare quote or backslash; escape them with a backslash';
  }
  if (isAsciiDotAtom(local) ?? DOT_ATOM.test(local)) return undefined;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'the part before the "@" starts or ends with a dot or has two dots in a row; fix the typo';
  }
  if (local.includes('@')) return 'holds more than one "@"; check for a typo or a missing separator';
  return 'the part before the "@" holds a space or a character such as , ; : < > ( ) [ ] \\ " that is only allowed inside quotes; fix the typo';
}

/**
 * The domain converted to ASCII (IDNA, lower case), or why it cannot receive mail. Answers are
 * remembered for 2 048 domains: a sender writes to the same few again and again, and the checks cost
 * ~2.5 µs a domain (a Unicode regular expression, IDNA).
 */
export const domainInAscii: (domain: string) => string | Refusal = recentAnswers(2_048, checkDomain);

function checkDomain(domain: string): string | Refusal {
  if (domain === '') return { problem: 'nothing after the "@"; add the domain' };
  if (domain.length > 253) return { problem: `the domain ${quote(domain)} is longer than 253 characters` };
  if (domain.startsWith('[')) {
    return { problem: 'address literals such as [192.0.2.1] are not accepted; use a domain name' };
  }
  const labelsProblem = `the domain ${quote(domain)} may only hold letters, digits and hyphens between dots (no empty labels, no hyphen at either end of a label)`;
  // Checked before IDNA, which would percent-decode ("ex%41.com" → "exa.com") or drop characters.
  if (/[^A-Za-z0-9.\-\u0080-\u{10FFFF}]/u.test(domain)) return { problem: labelsProblem };
  // Plain ASCII domains (nearly all of them) need no IDNA; punycode (xn--) labels still go through
  // it to be checked. domainToASCII answers '' for what IDNA rejects (bad punycode too), and maps
  // full-width dots and case, so ASCII and Unicode domains come out in one canonical form.
  const ascii =
    PLAIN_ASCII.test(domain) && !/xn--/i.test(domain) ? domain.toLowerCase() : domainToASCII(domain);

  if (ascii === '')
    return { problem: `the domain ${quote(domain)} is not a valid (internationalized) domain name` };
  const labels = ascii.split('.');
  if (labels.length < 2) {
    return {
      problem: `the domain ${quote(domain)} has no dot; use a fully qualified domain such as "example.com"`,
    };
  }
  if (ascii.length > 253) return { problem: `the domain ${quote(domain)} is longer than 253 characters` };
  for (const label of labels) {
    if (label.length > 63)
      return { problem: `the domain ${quote(domain)} has a label longer than 63 characters` };
    if (!LABEL.test(label)) {
      return { problem: labelsProblem };
    }
    if (label.startsWith('xn--') && !isValidALabel(label)) {
      return {
        problem: `the domain ${quote(domain)} is not a valid (internationalized) domain name: its label ${quote(label)} is not valid punycode`,
      };
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) {
    return { problem: `the domain ${quote(domain)} looks like an IP address; use a domain name` };
  }
  return ascii;
}

/** `/\s/.test(text)`, with ASCII answered by character code (warm between HTTP calls, as a regex is not). */
function hasWhitespace(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80 ? code === 0x20 || (code >= 0x09 && code <= 0x0d) : /\s/.test(text[index]!)) return true;
  }
  return false;
}

/** A display name and a mailbox from one written address, not yet checked. */
export interface WrittenAddress {
  readonly address: string;
  readonly name?: string;
}

/**
 * Split `Name <mailbox>`, `"Last, First" <mailbox>`, `<mailbox>` or a bare mailbox.
 * A quoted name loses its quotes and backslash escapes; the name is trimmed, and dropped if empty.
 */
export function splitWrittenAddress(text: string): WrittenAddress | Refusal {
  const trimmed = text.trim();
  if (!trimmed.endsWith('>')) {
    // A quoted local part may hold commas; anything else with one is a list in a string.
    if (!trimmed.startsWith('"') && (trimmed.includes(',') || trimmed.includes(';'))) {
      return {
        problem: `${quote(text)} looks like several addresses in one string; pass each recipient as its own array element`,
      };
    }
    if (!trimmed.startsWith('"') && hasWhitespace(trimmed)) {
      return {
        problem: `${quote(text)} holds a space; write a name and address as "Ada Lovelace <ada@example.com>"`,
      };
    }
    return { address: trimmed };
  }
  const open = trimmed.lastIndexOf('<');
  if (open === -1)
    return { problem: `${quote(text)} ends with ">" but has no "<"; write it as "Name <ada@example.com>"` };
  const address = trimmed.slice(open + 1, -1).trim();
  let name = trimmed.slice(0, open).trim();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    name = name.slice(1, -1).replace(/\\(.)/gsu, '$1').trim();
  }
  return name === '' ? { address } : { address, name };
}
