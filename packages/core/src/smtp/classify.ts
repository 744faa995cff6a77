/**
 * classifySmtpReply: a category for an SMTP reply, from its text rules first, then its enhanced
 * code, then its basic code; where none of those is more than the basic code, a learned model
 * (model.ts); `accepted` for any 2xx. The rules are tables (rules.ts, codes.ts, details.ts), the
 * model's weights a generated module (model-weights.ts); this file only weighs them.
 * docs/smtp-classifier.md explains the design and the corpus it is scored on.
 */
import { BASIC_CODES, categoryFor, lookupEnhanced } from './codes.js';
import { blocklistOf, retryAfterMsOf, systemOf } from './details.js';
import { WORDING } from './explanations.js';
import { type LinearModel, linearModel, modelCategory } from './model.js';
import { MODEL_WEIGHTS } from './model-weights.js';
import { type ParsedSmtpReply, parseSmtpReply } from './parse.js';
import {
  GAVE_UP_PATTERN,
  SAYS_PERMANENT_PATTERN,
  SAYS_TEMPORARY_PATTERN,
  GREYLISTING_CODE,
  TEXT_RULES,
  type TextRule,
} from './rules.js';
import type { SmtpReplyCategory, SmtpReplyClassification } from './types.js';
import { AlternativeMatcher, keyId, keyOf, Words } from './word-index.js';

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

// Heaviest first, ties in table order: the first rule that applies and matches is the best one.
const RULES_BY_WEIGHT: readonly TextRule[] = TEXT_RULES.map((rule, order) => ({ rule, order }))
  .sort((a, b) => b.rule.weight - a.rule.weight || a.order - b.order)
  .map(({ rule }) => rule);
// Each rule's top-level alternatives, in rule order, looked up by the words they start with.
const RULE_MATCHER = new AlternativeMatcher(RULES_BY_WEIGHT);
const words = new Words();
// GAVE_UP_PATTERN only runs on replies with one of its words.
const GAVE_UP_KEYS = ['going', 'expired', 'queue', 'giving', 'retry', 'retrying'].map((word) =>
  keyId(keyOf(word)),
);
// SAYS_TEMPORARY_PATTERN / SAYS_PERMANENT_PATTERN only run on codeless replies with one of these.
const TEMPORARY_KEYS = ['temp', 'temporary', 'temporarily', 'retry', 'try'].map((word) => keyId(keyOf(word)));
const PERMANENT_KEYS = ['permanent', 'permanently'].map((word) => keyId(keyOf(word)));

export interface Candidate {
  readonly category: SmtpReplyCategory;
  readonly weight: number;
}

/** Classify one SMTP reply (any shape: multi-line, prefixed, codeless). Pure; never throws. */
export function classifySmtpReply(text: string): SmtpReplyClassification {
  const reply = parseSmtpReply(text);
  words.read(reply.text);
  const accepted = reply.replyClass === 2;
  const category = accepted ? 'accepted' : categoryOf(reply);
  const transient = isTransient(reply, category);
  const wording = WORDING[category];
  // A 2.x.x needs no gloss (RFC 3463's 2.0.0 reads "other undefined status").
  const meaning = reply.enhanced && !accepted ? lookupEnhanced(reply.enhanced)?.entry.meaning : undefined;
  const result: {
    -readonly [K in keyof SmtpReplyClassification]: SmtpReplyClassification[K];
  } = { basic: reply.basic, category, transient, text: reply.text, explanation: '', advice: '' };
  if (reply.enhanced) result.enhanced = reply.enhanced;
  result.explanation = meaning
    ? `${wording.explanation}; ${reply.enhanced} means ${meaning}.`
    : `${wording.explanation}.`;
  result.advice = transient ? wording.adviceTransient : wording.advicePermanent;
  const retryAfterMs = transient ? retryAfterMsOf(reply.text, words) : undefined;
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  const system = systemOf(reply.text, words);
  if (system !== undefined) result.system = system;
  const blocklist = accepted ? undefined : blocklistOf(reply.text, words);
  if (blocklist !== undefined) result.blocklist = blocklist;
  return result;
}

function categoryOf(reply: ParsedSmtpReply): SmtpReplyCategory {
  const best = heavier(strongestTextRule(reply), codeCandidate(reply));
  const category = best?.category ?? fallbackCategory(reply);
  if (!modelMayDecide(category, best?.weight ?? 0)) return category;
  model ??= linearModel(MODEL_WEIGHTS);
  return modelCategory(model, reply) ?? category;
}

// Where the rules are not confident, the learned model (model.ts) decides: when no text rule
// matched and no code table said more than the basic code does, and the model knows at least one
// of the reply's words (docs/smtp-classifier.md, "The learned model": the design chosen by
// cross-validation by source group on the dev rows). It never overrides a text rule, an enhanced
// code or the greylisting code rule, and has no `greylisting` or `accepted` class.
const MODEL_DECIDES_UP_TO = BASIC_WEIGHT;
let model: LinearModel | undefined;

/** Whether the learned model decides over the rules' `category` found at `weight` (0: nothing matched). */
export function modelMayDecide(category: SmtpReplyCategory, weight: number): boolean {
  return category !== 'greylisting' && category !== 'accepted' && weight <= MODEL_DECIDES_UP_TO;
}

/** What the text rules and the code tables say of a reply, before any learned model. */
export interface RulesVerdict {
  /** The heaviest text rule that matched and applies. */
  readonly rule?: TextRule;
  /** The heaviest code-table candidate. */
  readonly code?: Candidate;
  /** The rules' category: the heavier of the two, else other_permanent for a 5xx, other_transient otherwise. */
  readonly category: SmtpReplyCategory;
}

function verdictOf(reply: ParsedSmtpReply, skipAlternative?: (alternative: number) => boolean): RulesVerdict {
  const rule = strongestTextRule(reply, skipAlternative);
  const code = codeCandidate(reply);
  return { rule, code, category: heavier(rule, code)?.category ?? fallbackCategory(reply) };
}

/** The text rule, unless a code candidate weighs more. */
function heavier(rule: TextRule | undefined, code: Candidate | undefined): TextRule | Candidate | undefined {
  return !code || (rule && rule.weight >= code.weight) ? rule : code;
}

/** The category of a reply nothing recognised: its code class decides. */
function fallbackCategory(reply: ParsedSmtpReply): SmtpReplyCategory {
  return reply.replyClass === 5 ? 'other_permanent' : 'other_transient';
}

/**
 * For scripts/smtp-corpus/cv.ts: the rules' verdict on one reply, with some rule alternatives
 * (numbers in ruleAlternatives()) left out, and the transient flag a category gives it.
 */
export function rulesVerdictForStudy(
  text: string,
  skipAlternative?: (alternative: number) => boolean,
): {
  readonly reply: ParsedSmtpReply;
  readonly verdict: RulesVerdict;
  transientFor(category: SmtpReplyCategory): boolean;
} {
  const reply = parseSmtpReply(text);
  words.read(reply.text);
  const verdict =
    reply.replyClass === 2 ? { category: 'accepted' as const } : verdictOf(reply, skipAlternative);
  const transient = new Map<SmtpReplyCategory, boolean>();
  return {
    reply,
    verdict,
    transientFor(category) {
      let known = transient.get(category);
      if (known === undefined) {
        words.read(reply.text);
        known = isTransient(reply, category);
        transient.set(category, known);
      }
      return known;
    },
  };
}

/** The text rules' alternatives in matcher order, with the rule each belongs to (for cv.ts). */
export function ruleAlternatives(): readonly { readonly rule: TextRule; readonly pattern: RegExp }[] {
  return RULE_MATCHER.alternatives.map((alternative) => ({
    rule: RULES_BY_WEIGHT[alternative.entry]!,
    pattern: alternative.pattern,
  }));
}

/** The heaviest text rule that matches and applies; `skipAlternative` leaves some out (cv.ts only). */
function strongestTextRule(
  reply: ParsedSmtpReply,
  skipAlternative?: (alternative: number) => boolean,
): TextRule | undefined {
  const found = RULE_MATCHER.first(
    reply.text,
    words,
    (entry, alternative) =>
      (skipAlternative === undefined || !skipAlternative(alternative)) &&
      applies(RULES_BY_WEIGHT[entry]!, reply),
  );
  return found === -1 ? undefined : RULES_BY_WEIGHT[found];
}

export function applies(rule: TextRule, reply: ParsedSmtpReply): boolean {
  if (rule.classes && !rule.classes.includes(reply.replyClass as 0 | 4 | 5)) return false;
  if (rule.basics && !rule.basics.includes(reply.basic)) return false;
  if (rule.unlessEnhanced && reply.enhanced && rule.unlessEnhanced.test(reply.enhanced)) return false;
  return true;
}

// The heaviest of what the enhanced code, the basic code and the greylisting code rule say.
function codeCandidate(reply: ParsedSmtpReply): Candidate | undefined {
  let best: Candidate | undefined;
  if (
    reply.enhanced === GREYLISTING_CODE.enhanced &&
    (GREYLISTING_CODE.basics as readonly number[]).includes(reply.basic)
  ) {
    best = { category: 'greylisting', weight: GREYLISTING_CODE.weight };
  }
  if (reply.enhanced) {
    const found = lookupEnhanced(reply.enhanced);
    if (found) {
      const weight = !found.exact
        ? ENHANCED_SUBJECT_WEIGHT
        : found.entry.catchAll
          ? ENHANCED_CATCH_ALL_WEIGHT
          : ENHANCED_EXACT_WEIGHT;
      if (!best || weight > best.weight) {
        best = { category: categoryFor(found.entry.category, reply.replyClass), weight };
      }
    }
  }
  const basic = BASIC_CODES[reply.basic];
  if (basic && (!best || BASIC_WEIGHT > best.weight)) best = { category: basic, weight: BASIC_WEIGHT };
  return best;
}

// The code class decides when there is one; a reply saying the sender gave up is final anyway;
// a reply with no code at all is as transient as its category usually is, unless it says
// "temporary" or "permanent" itself.
function isTransient(reply: ParsedSmtpReply, category: SmtpReplyCategory): boolean {
  if (reply.replyClass === 2) return false;
  if (words.hasAny(GAVE_UP_KEYS) && GAVE_UP_PATTERN.test(reply.text)) return false;
  if (reply.replyClass !== 0) return reply.replyClass === 4;
  if (words.hasAny(PERMANENT_KEYS) && SAYS_PERMANENT_PATTERN.test(reply.text)) return false;
  if (words.hasAny(TEMPORARY_KEYS) && SAYS_TEMPORARY_PATTERN.test(reply.text)) return true;
  return TRANSIENT_CATEGORIES.has(category);
}
