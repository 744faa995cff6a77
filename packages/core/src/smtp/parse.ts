/**
 * Splits an SMTP reply, as a provider's webhook or a bounce hands it over, into its basic code,
 * its RFC 3463 enhanced code and its text. Replies arrive in many shapes: multi-line with
 * `450-` continuations, joined into one line, behind transport text (`smtp; 550 …`,
 * `host mx[1.2.3.4] said: 450 …`), as a policy daemon's action (`DEFER_IF_PERMIT …`), or with
 * no code at all (the text a greylister hands its MTA).
 */

/** What the parser read from one reply. */
export interface ParsedSmtpReply {
  /** The basic reply code, or 0 when there was none. */
  readonly basic: number;
  /** The enhanced status code (`4.2.0`), when one was found. */
  readonly enhanced?: string;
  /** 4 (transient), 5 (permanent) or 0 (unknown): from the basic code, else the enhanced code, else a policy action. */
  readonly replyClass: 0 | 4 | 5;
  /** The text with codes and transport prefixes removed, lines joined by a space. */
  readonly text: string;
}

// Longer inputs are cut: real replies are a few hundred characters, and regexes stay linear.
const MAX_INPUT = 8_000;

const LEADING_CODE = /^([2-5]\d\d)(?=[\s.-]|$)[-.]?\s*/;
// `x.x.xx` is how some quoted bounces redact the enhanced code; stripped, never reported.
const LEADING_ENHANCED = /^([245x])\.(\d{1,3}|x{1,3})\.(\d{1,3}|x{1,3})(?=[\s,;:)\]]|$)\s*/;
// An enhanced code anywhere (`(#5.7.1)`, `- 5.7.1 [BL23]`), never a piece of an IP address or a
// longer dotted number; subjects above 7 are not RFC 3463 (Yahoo's `#4.16.1` is its own code).
const EMBEDDED_ENHANCED = /(?<![\d.])([45])\.([0-7])\.(\d{1,3})(?!\d|\.\d)/;
// Another server's reply quoted inside this one (`… was: 450 4.2.0 …`): its codes are not ours.
const QUOTED_REPLY = /\b(?:was|said|replied|responded with|answered)\s*:\s*"?(?=[45]\d\d\b)/i;
// Text before the reply proper: `smtp; 550 …`, `… said: 450 …`, `… after RCPT TO:<a@b>: 550 …`.
const TRANSPORT_PREFIX = /^.{0,300}?[:;]\s*(?=[45]\d\d(?:[\s.-]|$)|[45]\.\d{1,3}\.\d{1,3}\s)/;
const DSN_PREFIX = /^(?:diagnostic-code\s*:\s*)?(?:smtp|x-postfix|x-unix|x-local|mta|esmtp)\s*;\s*/i;
const BANNER_THEN_CODE = /^[23]\d\d[\s-].{0,200}?\s(?=[45]\d\d[\s-])/;
const TRAILING_COMMAND = /\s*\(in reply to [^)]{1,60}\)\s*$/i;
// Postfix access(5) / policy-daemon actions and qpsmtpd/Haraka constants, handed over as text.
const POLICY_ACTION = /^(DEFER_IF_PERMIT|DEFER_IF_REJECT|DEFER|DENYSOFT|TEMPFAIL|REJECT|DENY)\b[:\s]*/;

/** Parse one reply; never throws, whatever it is given. */
export function parseSmtpReply(input: unknown): ParsedSmtpReply {
  const raw = typeof input === 'string' ? input.slice(0, MAX_INPUT) : '';
  const lines = raw
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

  let basic = 0;
  let enhanced: string | undefined;
  let actionClass: 0 | 4 | 5 = 0;
  const parts: string[] = [];

  lines.forEach((original, index) => {
    let line = original;
    if (index === 0) {
      line = stripPrefixes(line);
      const action = POLICY_ACTION.exec(line);
      if (action) {
        actionClass =
          action[1]!.startsWith('DEFER') || action[1] === 'DENYSOFT' || action[1] === 'TEMPFAIL' ? 4 : 5;
        line = line.slice(action[0].length);
      }
    }
    const code = LEADING_CODE.exec(line);
    if (code && (basic === 0 || Number(code[1]) === basic)) {
      if (basic === 0 && Number(code[1]) >= 400) basic = Number(code[1]);
      line = line.slice(code[0].length);
    }
    const leadingEnhanced = LEADING_ENHANCED.exec(line);
    if (leadingEnhanced) {
      const [whole, codeClass] = leadingEnhanced;
      if (enhanced === undefined && codeClass !== 'x' && !whole.includes('x')) enhanced = whole.trim();
      line = line.slice(whole.length);
      if (index === 0) line = line.replace(DSN_PREFIX, '');
    }
    parts.push(line);
  });

  let text = parts.join(' ');
  if (basic !== 0) text = removeInlineContinuations(text, basic, enhanced);
  text = text.replace(TRAILING_COMMAND, '').replace(/\s+/g, ' ').trim();
  if (enhanced === undefined) {
    const embedded = EMBEDDED_ENHANCED.exec(text.split(QUOTED_REPLY, 1)[0] ?? '');
    if (embedded) enhanced = embedded[0];
  }

  const replyClass = classOf(basic, enhanced, actionClass);
  return enhanced === undefined ? { basic, replyClass, text } : { basic, enhanced, replyClass, text };
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

// Continuation markers left inside joined lines: `… from 550-5.7.26 Gmail requires …`, and the
// last line's `450 4.2.1` when it repeats the first line's codes.
const INLINE_CONTINUATION =
  /(^|\s)([245]\d\d)(?:-([245x]\.[\dx]{1,3}\.[\dx]{1,3}(?=\s|$))?| ([245]\.\d{1,3}\.\d{1,3})(?=\s|$))/g;

function removeInlineContinuations(text: string, basic: number, enhanced: string | undefined): string {
  return text.replace(INLINE_CONTINUATION, (whole, space: string, code: string, _dashed, spaced?: string) => {
    if (Number(code) !== basic) return whole;
    if (spaced !== undefined && spaced !== enhanced) return whole;
    return space === '' ? '' : ' ';
  });
}

function classOf(basic: number, enhanced: string | undefined, actionClass: 0 | 4 | 5): 0 | 4 | 5 {
  if (basic >= 400 && basic < 500) return 4;
  if (basic >= 500 && basic < 600) return 5;
  if (enhanced?.startsWith('4.')) return 4;
  if (enhanced?.startsWith('5.')) return 5;
  return actionClass;
}
