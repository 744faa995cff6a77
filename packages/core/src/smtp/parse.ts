/**
 * Splits an SMTP reply, as a provider's webhook or a bounce hands it over, into its basic code,
 * its RFC 3463 enhanced code and its text. Replies arrive in many shapes: multi-line with
 * `450-` continuations, joined into one line, behind transport text (`smtp; 550 …`,
 * `host mx[1.2.3.4] said: 450 …`), as a policy daemon's action (`DEFER_IF_PERMIT …`), or with
 * no code at all (the text a greylister hands its MTA).
 *
 * Every expression here runs on text whose whitespace runs are already one space, and none has an
 * unanchored `\s*` before an end anchor: each is linear in the input, which is cut at MAX_INPUT
 * (docs/smtp-classifier.md, "Hostile input").
 */

/** What the parser read from one reply. */
export interface ParsedSmtpReply {
  /** The basic reply code (2xx, 4xx or 5xx), or 0 when there was none. */
  readonly basic: number;
  /** The enhanced status code (`4.2.0`), when one was found. */
  readonly enhanced?: string;
  /**
   * 2 (success), 4 (transient), 5 (permanent) or 0 (unknown): from the basic code, else the
   * enhanced code, else a policy action.
   */
  readonly replyClass: 0 | 2 | 4 | 5;
  /** The text with codes and transport prefixes removed, lines joined by a space. */
  readonly text: string;
}

/** Longer inputs are cut: real replies are a few hundred characters (the longest in the corpus, 740). */
export const MAX_INPUT = 2_000;

const WHITESPACE_RUN = /\s+/g;
const LEADING_CODE = /^([245]\d\d)(?=[ .-]|$)[-.]? ?/;
// `x.x.xx` is how some quoted bounces redact the enhanced code; stripped, never reported.
const LEADING_ENHANCED = /^([245x])\.(\d{1,3}|x{1,3})\.(\d{1,3}|x{1,3})(?=[ ,;:)\]]|$) ?/;
// An enhanced code anywhere (`(#5.7.1)`, `- 5.7.1 [BL23]`), never a piece of an IP address or a
// longer dotted number; subjects above 7 are not RFC 3463 (Yahoo's `#4.16.1` is its own code).
const EMBEDDED_ENHANCED = /(?<![\d.])([45])\.([0-7])\.(\d{1,3})(?!\d|\.\d)/;
// Another server's reply quoted inside this one (`… was: 450 4.2.0 …`): its codes are not ours.
const QUOTED_REPLY = /\b(?:was|said|replied|responded with|answered) ?: ?"?(?=[45]\d\d\b)/i;
// Text before the reply proper: `smtp; 550 …`, `… said: 450 …`, `… after RCPT TO:<a@b>: 550 …`.
// A 2xx only with its enhanced code or "Ok" (`… said: 250 2.0.0 Ok`): "quota: 250 MB" is no reply.
const TRANSPORT_PREFIX =
  /^.{0,300}?[:;] ?(?=[45]\d\d(?:[ .-]|$)|[45]\.\d{1,3}\.\d{1,3} |2\d\d[ -](?:2\.\d{1,3}\.\d{1,3}|[Oo][Kk])\b)/;
const DSN_PREFIX = /^(?:diagnostic-code ?: ?)?(?:smtp|x-postfix|x-unix|x-local|mta|esmtp) ?; ?/i;
const BANNER_THEN_CODE = /^[23]\d\d[ -].{0,200}? (?=[45]\d\d[ -])/;
const TRAILING_COMMAND = '(in reply to ';
// Postfix access(5) / policy-daemon actions and qpsmtpd/Haraka constants, handed over as text.
const POLICY_ACTION = /^(DEFER_IF_PERMIT|DEFER_IF_REJECT|DEFER|DENYSOFT|TEMPFAIL|REJECT|DENY)\b[: ]*/;

/** Parse one reply; never throws, whatever it is given. */
export function parseSmtpReply(input: unknown): ParsedSmtpReply {
  const raw = typeof input === 'string' ? input.slice(0, MAX_INPUT) : '';
  let basic = 0;
  let enhanced: string | undefined;
  let actionClass: 0 | 4 | 5 = 0;
  let text = '';
  let lineStart = 0;
  let index = 0;
  // Line by line without split(): most replies are one line, and this is the classifier's hot path.
  while (lineStart <= raw.length) {
    let lineEnd = raw.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = raw.length;
    let line = raw.slice(lineStart, lineEnd);
    line = (hasWhitespaceRun(line) ? line.replace(WHITESPACE_RUN, ' ') : line).trim();
    lineStart = lineEnd + 1;
    if (line === '') continue;
    if (index === 0) {
      line = stripPrefixes(line);
      const action = POLICY_ACTION.exec(line);
      if (action) {
        const name = action[1]!;
        actionClass = name.startsWith('DEFER') || name === 'DENYSOFT' || name === 'TEMPFAIL' ? 4 : 5;
        line = line.slice(action[0].length);
      }
    }
    index += 1;
    const code = LEADING_CODE.exec(line);
    if (code && (basic === 0 || Number(code[1]) === basic)) {
      if (basic === 0) basic = Number(code[1]);
      line = line.slice(code[0].length);
    }
    const leadingEnhanced = LEADING_ENHANCED.exec(line);
    if (leadingEnhanced) {
      const [whole, codeClass] = leadingEnhanced;
      if (enhanced === undefined && codeClass !== 'x' && !whole.includes('x')) enhanced = whole.trim();
      line = line.slice(whole.length);
      if (index === 1) line = line.replace(DSN_PREFIX, '');
    }
    text = text === '' ? line : line === '' ? text : `${text} ${line}`;
  }

  if (basic !== 0 && text.includes(String(basic))) text = removeInlineContinuations(text, basic, enhanced);
  text = withoutTrailingCommand(text);
  if (enhanced === undefined && text.includes('.')) {
    const quoted = QUOTED_REPLY.exec(text);
    const own = quoted ? text.slice(0, quoted.index) : text;
    const embedded = EMBEDDED_ENHANCED.exec(own);
    if (embedded) enhanced = embedded[0];
  }

  const replyClass = classOf(basic, enhanced, actionClass);
  return enhanced === undefined ? { basic, replyClass, text } : { basic, enhanced, replyClass, text };
}

// Most lines have single spaces only: skip the replace for them. (Any whitespace but a space, or
// two spaces in a row.)
const NOT_SINGLE_SPACED = /[^\S ]| {2}/;
function hasWhitespaceRun(line: string): boolean {
  return NOT_SINGLE_SPACED.test(line);
}

function stripPrefixes(line: string): string {
  let result = line.replace(DSN_PREFIX, '');
  const banner = BANNER_THEN_CODE.exec(result);
  if (banner) result = result.slice(banner[0].length);
  if (!LEADING_CODE.test(result) && !LEADING_ENHANCED.test(result)) {
    const prefix = TRANSPORT_PREFIX.exec(result);
    if (prefix) result = result.slice(prefix[0].length);
  }
  return result;
}

// Postfix appends `(in reply to RCPT TO command)`: the command, not the reply.
function withoutTrailingCommand(text: string): string {
  if (!text.endsWith(')')) return text.trim();
  const start = text.toLowerCase().lastIndexOf(TRAILING_COMMAND);
  if (start === -1 || text.length - start > 75 || text.indexOf(')', start) !== text.length - 1)
    return text.trim();
  return text.slice(0, start).trim();
}

// Continuation markers left inside joined lines: `… from 550-5.7.26 Gmail requires …`, and the
// last line's `450 4.2.1` when it repeats the first line's codes.
const INLINE_CONTINUATION =
  /(^| )([245]\d\d)(?:-([245x]\.[\dx]{1,3}\.[\dx]{1,3}(?= |$))?| ([245]\.\d{1,3}\.\d{1,3})(?= |$))/g;

const SPACES = / {2,}/g;

function removeInlineContinuations(text: string, basic: number, enhanced: string | undefined): string {
  const result = text.replace(
    INLINE_CONTINUATION,
    (whole, space: string, code: string, _dashed, spaced?: string) => {
      if (Number(code) !== basic) return whole;
      if (spaced !== undefined && spaced !== enhanced) return whole;
      return space === '' ? '' : ' ';
    },
  );
  return result === text ? text : result.replace(SPACES, ' ').trim();
}

/** Every expression the parser runs, for the ReDoS check (smtp-rules.test.ts). */
export const PARSER_EXPRESSIONS: readonly RegExp[] = [
  WHITESPACE_RUN,
  LEADING_CODE,
  LEADING_ENHANCED,
  EMBEDDED_ENHANCED,
  QUOTED_REPLY,
  TRANSPORT_PREFIX,
  DSN_PREFIX,
  BANNER_THEN_CODE,
  POLICY_ACTION,
  NOT_SINGLE_SPACED,
  INLINE_CONTINUATION,
  SPACES,
];

function classOf(basic: number, enhanced: string | undefined, actionClass: 0 | 4 | 5): 0 | 2 | 4 | 5 {
  if (basic >= 200 && basic < 300) return 2;
  if (basic >= 400 && basic < 500) return 4;
  if (basic >= 500 && basic < 600) return 5;
  if (enhanced?.startsWith('4.')) return 4;
  if (enhanced?.startsWith('5.')) return 5;
  return actionClass;
}
