/**
 * What the codes alone say, as data: RFC 3463 / RFC 5248 enhanced status codes and RFC 5321
 * basic codes, each with the category it suggests when the text says nothing stronger.
 */
import type { SmtpReplyCategory } from './types.js';

/** A category, or one for each class when 4.x.x and 5.x.x of the same code mean different things. */
type ByClass = SmtpReplyCategory | { readonly 4: SmtpReplyCategory; readonly 5: SmtpReplyCategory };

export interface EnhancedCodeEntry {
  /** The registry's meaning, in a few words, for explanations. */
  readonly meaning: string;
  readonly category: ByClass;
  /**
   * Catch-all codes (X.7.0, X.7.1, X.0.0) are sent for every kind of refusal; they weigh less
   * than a specific code so that weaker text cues can still decide.
   */
  readonly catchAll?: boolean;
}

const TRANSIENT_OR_PERMANENT = { 4: 'other_transient', 5: 'other_permanent' } as const;

/** Keyed by `subject.detail`. */
export const ENHANCED_CODES: Readonly<Record<string, EnhancedCodeEntry>> = {
  '0.0': { meaning: 'other undefined status', category: TRANSIENT_OR_PERMANENT, catchAll: true },
  '1.0': { meaning: 'other address status', category: { 4: 'other_transient', 5: 'recipient_unknown' } },
  '1.1': { meaning: 'bad destination mailbox address', category: 'recipient_unknown' },
  '1.2': { meaning: 'bad destination system address', category: { 4: 'dns', 5: 'recipient_unknown' } },
  '1.3': { meaning: 'bad destination mailbox address syntax', category: 'other_permanent' },
  '1.4': { meaning: 'destination mailbox address ambiguous', category: 'recipient_unknown' },
  '1.5': { meaning: 'destination address valid', category: TRANSIENT_OR_PERMANENT },
  '1.6': { meaning: 'destination mailbox has moved', category: 'recipient_unknown' },
  '1.7': { meaning: "bad sender's mailbox address syntax", category: { 4: 'dns', 5: 'other_permanent' } },
  '1.8': { meaning: "bad sender's system address", category: 'dns' },
  '1.10': { meaning: 'recipient domain accepts no mail (null MX)', category: 'recipient_unknown' },
  '2.0': {
    meaning: 'other or undefined mailbox status',
    category: { 4: 'other_transient', 5: 'recipient_unknown' },
  },
  // Gmail sends 4.2.1 for "receiving mail too quickly"; 5.2.1 is a disabled mailbox.
  '2.1': {
    meaning: 'mailbox disabled, not accepting messages',
    category: { 4: 'rate_limit', 5: 'recipient_unknown' },
  },
  '2.2': { meaning: 'mailbox full', category: 'mailbox_full' },
  '2.3': { meaning: 'message length exceeds administrative limit', category: 'other_permanent' },
  '2.4': { meaning: 'mailing list expansion problem', category: TRANSIENT_OR_PERMANENT },
  // X.3.x is the destination system's own status (RFC 3463): a 4.3.0 is its temporary trouble.
  '3.0': {
    meaning: 'other or undefined mail system status',
    category: { 4: 'server_busy', 5: 'other_permanent' },
  },
  '3.1': { meaning: 'mail system full', category: 'server_busy' },
  '3.2': { meaning: 'system not accepting network messages', category: 'server_busy' },
  '3.3': { meaning: 'system not capable of selected features', category: 'other_permanent' },
  '3.4': { meaning: 'message too big for system', category: 'other_permanent' },
  '3.5': { meaning: 'system incorrectly configured', category: TRANSIENT_OR_PERMANENT },
  '3.6': { meaning: 'requested priority was changed', category: TRANSIENT_OR_PERMANENT },
  '4.0': { meaning: 'other or undefined network or routing status', category: 'connection' },
  '4.1': { meaning: 'no answer from host', category: 'connection' },
  '4.2': { meaning: 'bad connection', category: 'connection' },
  '4.3': { meaning: 'directory server failure', category: 'dns' },
  '4.4': { meaning: 'unable to route', category: 'dns' },
  '4.5': { meaning: 'mail system congestion', category: 'server_busy' },
  '4.6': { meaning: 'routing loop detected', category: 'other_permanent' },
  '4.7': { meaning: 'delivery time expired', category: TRANSIENT_OR_PERMANENT },
  '5.0': { meaning: 'other or undefined protocol status', category: TRANSIENT_OR_PERMANENT },
  '5.1': { meaning: 'invalid command', category: 'other_permanent' },
  '5.2': { meaning: 'syntax error', category: 'other_permanent' },
  '5.3': { meaning: 'too many recipients', category: 'rate_limit' },
  '5.4': { meaning: 'invalid command arguments', category: 'other_permanent' },
  '5.5': { meaning: 'wrong protocol version', category: 'other_permanent' },
  '5.6': { meaning: 'authentication exchange line too long', category: 'auth_required' },
  '6.0': { meaning: 'other or undefined media error', category: 'content_rejected' },
  '6.1': { meaning: 'media not supported', category: 'content_rejected' },
  '6.2': { meaning: 'conversion required and prohibited', category: 'content_rejected' },
  '6.3': { meaning: 'conversion required but not supported', category: 'content_rejected' },
  '6.4': { meaning: 'conversion with loss performed', category: 'content_rejected' },
  '6.5': { meaning: 'conversion failed', category: 'content_rejected' },
  '6.6': { meaning: 'message content not available', category: 'content_rejected' },
  '6.7': { meaning: 'non-ASCII addresses not permitted', category: 'other_permanent' },
  '6.8': { meaning: 'UTF-8 string reply required', category: 'other_permanent' },
  '6.9': { meaning: 'UTF-8 header message cannot be transferred', category: 'content_rejected' },
  '7.0': { meaning: 'other or undefined security status', category: 'policy_reputation', catchAll: true },
  '7.1': {
    meaning: 'delivery not authorized, message refused',
    category: 'policy_reputation',
    catchAll: true,
  },
  '7.2': { meaning: 'mailing list expansion prohibited', category: 'policy_reputation' },
  '7.3': { meaning: 'security conversion required but not possible', category: 'policy_reputation' },
  '7.4': { meaning: 'security features not supported', category: 'policy_reputation' },
  '7.5': { meaning: 'cryptographic failure', category: 'policy_reputation' },
  '7.6': { meaning: 'cryptographic algorithm not supported', category: 'policy_reputation' },
  '7.7': { meaning: 'message integrity failure', category: 'content_rejected' },
  '7.8': { meaning: 'authentication credentials invalid', category: 'auth_required' },
  '7.9': { meaning: 'authentication mechanism is too weak', category: 'auth_required' },
  '7.10': { meaning: 'encryption needed', category: 'auth_required' },
  '7.11': {
    meaning: 'encryption required for requested authentication mechanism',
    category: 'auth_required',
  },
  '7.12': { meaning: 'a password transition is needed', category: 'auth_required' },
  '7.13': { meaning: 'user account disabled', category: 'auth_required' },
  '7.14': { meaning: 'trust relationship required', category: 'auth_required' },
  '7.15': { meaning: 'priority level is unacceptable', category: 'policy_reputation' },
  '7.16': { meaning: 'message is too big for the specified priority', category: 'other_permanent' },
  '7.17': { meaning: 'mailbox owner has changed', category: 'recipient_unknown' },
  '7.18': { meaning: 'domain owner has changed', category: 'recipient_unknown' },
  '7.19': { meaning: 'RRVS test cannot be completed', category: TRANSIENT_OR_PERMANENT },
  '7.20': { meaning: 'no passing DKIM signature found', category: 'policy_reputation' },
  '7.21': { meaning: 'no acceptable DKIM signature found', category: 'policy_reputation' },
  '7.22': { meaning: 'no valid author-matched DKIM signature found', category: 'policy_reputation' },
  '7.23': { meaning: 'SPF validation failed', category: 'policy_reputation' },
  '7.24': { meaning: 'SPF validation error', category: 'policy_reputation' },
  '7.25': { meaning: 'reverse DNS validation failed', category: 'dns' },
  '7.26': { meaning: 'multiple authentication checks failed', category: 'policy_reputation' },
  '7.27': { meaning: 'sender address has null MX', category: 'dns' },
  '7.28': { meaning: 'mail flood detected', category: 'policy_reputation' },
  '7.29': { meaning: 'ARC validation failure', category: 'policy_reputation' },
  '7.30': { meaning: 'REQUIRETLS support required', category: 'policy_reputation' },
};

/** When only the subject is known (`4.4.318`, `5.7.606`): what the whole subject is about. */
export const ENHANCED_SUBJECTS: Readonly<Record<string, EnhancedCodeEntry>> = {
  '0': { meaning: 'undefined status', category: TRANSIENT_OR_PERMANENT },
  '1': { meaning: 'an addressing problem', category: { 4: 'other_transient', 5: 'recipient_unknown' } },
  '2': { meaning: 'a mailbox problem', category: { 4: 'mailbox_busy', 5: 'recipient_unknown' } },
  '3': { meaning: 'a mail system problem', category: { 4: 'server_busy', 5: 'other_permanent' } },
  '4': { meaning: 'a network or routing problem', category: 'connection' },
  '5': { meaning: 'a mail delivery protocol problem', category: TRANSIENT_OR_PERMANENT },
  '6': { meaning: 'a message content or media problem', category: 'content_rejected' },
  '7': { meaning: 'a security or policy problem', category: 'policy_reputation' },
};

/** RFC 5321 basic codes: the last resort when neither text nor enhanced code decided. */
export const BASIC_CODES: Readonly<Record<number, SmtpReplyCategory>> = {
  421: 'server_busy',
  426: 'connection',
  450: 'other_transient',
  451: 'other_transient',
  452: 'server_busy',
  454: 'other_transient',
  500: 'other_permanent',
  501: 'other_permanent',
  502: 'other_permanent',
  503: 'other_permanent',
  504: 'other_permanent',
  521: 'recipient_unknown',
  530: 'auth_required',
  534: 'auth_required',
  535: 'auth_required',
  538: 'auth_required',
  550: 'recipient_unknown',
  551: 'recipient_unknown',
  552: 'mailbox_full',
  553: 'other_permanent',
  554: 'other_permanent',
  556: 'recipient_unknown',
};

interface EnhancedLookup {
  readonly entry: EnhancedCodeEntry;
  readonly exact: boolean;
}

// Replies use a few dozen enhanced codes: each is looked up once.
const lookedUp = new Map<string, EnhancedLookup | undefined>();
const LOOKUP_CACHE_LIMIT = 1_000;

/** Look up an enhanced code: the exact entry, else its subject's. */
export function lookupEnhanced(enhanced: string): EnhancedLookup | undefined {
  if (lookedUp.has(enhanced)) return lookedUp.get(enhanced);
  const found = lookupUncached(enhanced);
  if (lookedUp.size < LOOKUP_CACHE_LIMIT) lookedUp.set(enhanced, found);
  return found;
}

function lookupUncached(enhanced: string): EnhancedLookup | undefined {
  const [, subject = '', detail = ''] = enhanced.split('.');
  const exact = ENHANCED_CODES[`${subject}.${detail}`];
  if (exact) return { entry: exact, exact: true };
  const bySubject = ENHANCED_SUBJECTS[subject];
  return bySubject ? { entry: bySubject, exact: false } : undefined;
}

/** Resolve a by-class category for a reply class (4 or 5; 0 reads as transient). */
export function categoryFor(category: ByClass, replyClass: number): SmtpReplyCategory {
  if (typeof category === 'string') return category;
  return replyClass === 5 ? category[5] : category[4];
}
