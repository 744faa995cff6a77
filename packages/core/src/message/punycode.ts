/**
 * A-label checks that do not lean on one runtime's URL parser: Node 20's `url.domainToASCII`
 * refuses an `xn--` label whose punycode is broken, Node 24's passes it through unchanged
 * (`ada@xn--zz.example` was accepted). docs/message-validation.md, "Internationalized domains".
 */
import { domainToASCII } from 'node:url';

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;

function adapt(delta: number, points: number, first: boolean): number {
  let scaled = first ? Math.floor(delta / DAMP) : delta >> 1;
  scaled += Math.floor(scaled / points);
  let k = 0;
  while (scaled > ((BASE - T_MIN) * T_MAX) >> 1) {
    scaled = Math.floor(scaled / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * scaled) / (scaled + SKEW));
}

function digitOf(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30 + 26; // 0-9 → 26-35
  if (code >= 0x61 && code <= 0x7a) return code - 0x61; // a-z → 0-25
  if (code >= 0x41 && code <= 0x5a) return code - 0x41; // A-Z → 0-25
  return BASE;
}

/** RFC 3492 §6.2: the Unicode a punycode string stands for, or undefined when it is not punycode. */
export function decodePunycode(input: string): string | undefined {
  const delimiter = input.lastIndexOf('-');
  const output: number[] = [];
  for (let index = 0; index < Math.max(0, delimiter); index++) {
    const code = input.charCodeAt(index);
    if (code >= 0x80) return undefined;
    output.push(code);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  for (let position = delimiter >= 0 ? delimiter + 1 : 0; position < input.length; ) {
    const previous = i;
    for (let weight = 1, k = BASE; ; k += BASE) {
      if (position >= input.length) return undefined;
      const digit = digitOf(input.charCodeAt(position++));
      if (digit >= BASE) return undefined;
      i += digit * weight;
      if (i > 0x7fffffff) return undefined;
      const threshold = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < threshold) break;
      weight *= BASE - threshold;
      if (weight > 0x7fffffff) return undefined;
    }
    bias = adapt(i - previous, output.length + 1, previous === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

/**
 * Whether an `xn--` label (lower case) is a real A-label: its punycode decodes, the result holds a
 * non-ASCII character (an all-ASCII label must not be encoded), and IDNA turns that Unicode back
 * into exactly this label — which refuses disallowed code points and non-canonical encodings.
 */
export function isValidALabel(label: string): boolean {
  const unicode = decodePunycode(label.slice(4));
  if (unicode === undefined || unicode === '' || !/[^\0-\x7f]/.test(unicode)) return false;
  return domainToASCII(`${unicode}.example`) === `${label}.example`;
}
