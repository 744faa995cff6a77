/**
 * classifySmtpReply: one of the fourteen categories for an SMTP reply, from its text rules first,
 * then its enhanced code, then its basic code. The rules are tables (rules.ts, codes.ts); this
 * file only weighs them.
 */
import { BASIC_CODES, categoryFor, lookupEnhanced } from './codes.js';
import { WORDING } from './explanations.js';
import { type ParsedSmtpReply, parseSmtpReply } from './parse.js';
import { GAVE_UP_PATTERNS, TEXT_RULES, type TextRule } from './rules.js';
import type { SmtpReplyCategory, SmtpReplyClassification } from './types.js';

// Code-table weights: below every text rule that names a phenomenon (see rules.ts).
const ENHANCED_EXACT_WEIGHT = 50;
const ENHANCED_CATCH_ALL_WEIGHT = 30;
const ENHANCED_SUBJECT_WEIGHT = 25;
const BASIC_WEIGHT = 10;

const TRANSIENT_CATEGORIES: ReadonlySet<SmtpReplyCategory> = new Set([
  'greylisting',
  'rate_limit',
  'mailbox_full',
  'mailbox_busy',
  'dns',
  'connection',
  'server_busy',
  'other_transient',
]);

interface Candidate {
  readonly category: SmtpReplyCategory;
  readonly weight: number;
}

/** Classify one SMTP reply (any shape: multi-line, prefixed, codeless). Pure; never throws. */
export function classifySmtpReply(text: string): SmtpReplyClassification {
  const reply = parseSmtpReply(text);
  const best = strongest([...textCandidates(reply), ...codeCandidates(reply)]);
  const category = best?.category ?? (reply.replyClass === 5 ? 'other_permanent' : 'other_transient');
  const transient = isTransient(reply, category);
  const wording = WORDING[category];
  const meaning = reply.enhanced ? lookupEnhanced(reply.enhanced)?.entry.meaning : undefined;
  return {
    basic: reply.basic,
    ...(reply.enhanced ? { enhanced: reply.enhanced } : {}),
    category,
    transient,
    text: reply.text,
    explanation: meaning
      ? `${wording.explanation}; ${reply.enhanced} means ${meaning}.`
      : `${wording.explanation}.`,
    advice: transient ? wording.adviceTransient : wording.advicePermanent,
  };
}

function textCandidates(reply: ParsedSmtpReply): Candidate[] {
  return TEXT_RULES.filter((rule) => applies(rule, reply) && rule.pattern.test(reply.text));
}

function applies(rule: TextRule, reply: ParsedSmtpReply): boolean {
  if (rule.classes && !rule.classes.includes(reply.replyClass)) return false;
  if (rule.basics && !rule.basics.includes(reply.basic)) return false;
  if (rule.unlessEnhanced && reply.enhanced && rule.unlessEnhanced.test(reply.enhanced)) return false;
  if (rule.onlyEnhanced && !(reply.enhanced && rule.onlyEnhanced.test(reply.enhanced))) return false;
  return true;
}

function codeCandidates(reply: ParsedSmtpReply): Candidate[] {
  const candidates: Candidate[] = [];
  if (reply.enhanced) {
    const found = lookupEnhanced(reply.enhanced);
    if (found) {
      const weight = !found.exact
        ? ENHANCED_SUBJECT_WEIGHT
        : found.entry.catchAll
          ? ENHANCED_CATCH_ALL_WEIGHT
          : ENHANCED_EXACT_WEIGHT;
      candidates.push({ category: categoryFor(found.entry.category, reply.replyClass), weight });
    }
  }
  const basic = BASIC_CODES[reply.basic];
  if (basic) candidates.push({ category: basic, weight: BASIC_WEIGHT });
  return candidates;
}

// The heaviest candidate; on a tie the first, so table order breaks ties.
function strongest(candidates: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) {
    if (!best || candidate.weight > best.weight) best = candidate;
  }
  return best;
}

// The code class decides when there is one; a reply saying the sender gave up is final anyway;
// a reply with no code at all is as transient as its category usually is.
function isTransient(reply: ParsedSmtpReply, category: SmtpReplyCategory): boolean {
  if (GAVE_UP_PATTERNS.some((pattern) => pattern.test(reply.text))) return false;
  if (reply.replyClass !== 0) return reply.replyClass === 4;
  return TRANSIENT_CATEGORIES.has(category);
}
