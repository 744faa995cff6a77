/**
 * What a reply tells beyond its category: the delay the server asks for, the receiving system
 * that wrote it, and the blocklist it names. Each comes from the reply's own words (vendor
 * signatures, list names), never guessed from the code; docs/smtp-classifier.md lists them.
 */
import { AlternativeMatcher, type Keyed, keyId, keyOf, Words } from './word-index.js';

interface Named extends Keyed {
  readonly name: string;
  readonly pattern: RegExp;
}

/** Receiving systems by their signatures in replies, first match wins. */
export const SYSTEMS: readonly Named[] = [
  {
    name: 'Microsoft 365 / Outlook.com',
    keys: [
      'outlook',
      'protection',
      'office',
      'microsoft',
      'hotmail',
      'live',
      'as',
      'resolver',
      'storedrv',
      'prx',
      'attr',
      'sender',
    ],
    pattern:
      /\boutlook\.com\b|\bprotection\.outlook\b|\boffice ?365\b|\bmicrosoft\b|\bhotmail\b|\bpostmaster\.live\.com\b|\bAS\(\d{4,12}\)|\bRESOLVER\.[A-Z]{3}\b|\bSTOREDRV\b|\bPRX\d\b|\bATTR\d{1,3}\b|\bsender\.office\.com\b/i,
  },
  {
    name: 'Gmail',
    keys: ['gsmtp', 'google', 'gmail', 'gcdp'],
    pattern: /\bgsmtp\b|\bsupport\.google\.com\b|\bgmail\b|\bgoogle\.com\b|\bgcdp\b/i,
  },
  {
    name: 'Yahoo',
    keys: ['yahoo', 'yahoodns', 'yahooinc', 'postmaster', 'ts', 'tss', 'verizonmedia', 'aol'],
    pattern: /\byahoo|\[TSS?\d{2}\]|\bpostmaster\.verizonmedia\.com\b|\baol\.com\b/i,
  },
  {
    name: 'Apple iCloud',
    keys: ['icloud', 'apple', 'me', 'cs', 'ht', 'hme'],
    pattern: /\bicloud\.com\b|\bapple\.com\b|\bme\.com\b|\[CS\d{2}\]|\bHT204137\b|\[HME\d\]/i,
  },
  { name: 'Mimecast', keys: ['mimecast'], pattern: /\bmimecast\b/i },
  {
    name: 'Proofpoint',
    keys: ['proofpoint', 'pphosted', 'ppe'],
    pattern: /\bproofpoint\b|\bpphosted\b|\bppe-hosted\b/i,
  },
  { name: 'Barracuda', keys: ['barracuda', 'barracudanetworks'], pattern: /\bbarracuda/i },
  {
    name: 'Orange',
    keys: ['ofr', 'lpn', 'orange', 'wanadoo', 'mwinf'],
    pattern: /\b(?:OFR|LPN)\d{3}_\d{3}\b|\bOFR_\d{3}\b|\borange\.fr\b|\bwanadoo\b|\bmwinf\w{1,20} ME\b/i,
  },
  { name: 'Comcast', keys: ['comcast', 'bl', 'rl'], pattern: /\bcomcast\b|\b(?:BL|RL)\d{6}\b/i },
  {
    name: 'GMX / WEB.DE',
    keys: ['gmx', 'web', 'nemesis', 'mail'],
    pattern: /\bgmx\.(?:net|com|de)\b|\bweb\.de\b|\bnemesis esmtp\b|\bmail\.com \(mx/i,
  },
  { name: 'Yandex', keys: ['yandex', 'ya'], pattern: /\byandex\b|\bya\.cc\b/i },
  { name: 'Mail.ru', keys: ['mail'], pattern: /\bmail\.ru\b/i },
  {
    name: 'QQ Mail (Tencent)',
    keys: ['qq', 'exmail', 'tencent'],
    pattern: /\bqq\.com\b|\bexmail\.qq\b|\btencent\b/i,
  },
  { name: 'Zoho', keys: ['zoho'], pattern: /\bzoho\b/i },
  {
    name: 'GoDaddy',
    keys: ['ib', 'secureserver', 'godaddy'],
    pattern: /\bIB\d{3}\b|\bsecureserver\.net\b|\bgodaddy\b/i,
  },
  {
    name: 'Spectrum / Charter',
    keys: ['aup', 'charter', 'spectrum'],
    pattern: /\bAUP#\w{1,20}|\bcharter\.net\b|\bspectrum\b/i,
  },
  { name: 'Amazon SES', keys: ['amazonses'], pattern: /\bamazonses\.com\b/i },
  {
    name: 'Trend Micro',
    keys: ['trend', 'trendmicro', 'mail'],
    pattern: /\btrend ?micro\b|\bmail-abuse\.com\b/i,
  },
];

/** Blocklists by name or lookup host; the most specific name first. */
export const BLOCKLISTS: readonly Named[] = [
  { name: 'Spamhaus ZEN', keys: ['zen'], pattern: /\bzen\.spamhaus\b|\bspamhaus zen\b/i },
  { name: 'Spamhaus SBL/XBL', keys: ['sbl'], pattern: /\bsbl-xbl\.spamhaus\b/i },
  { name: 'Spamhaus XBL', keys: ['xbl', 'exploits'], pattern: /\bXBL\b|\bexploits block list\b/i },
  { name: 'Spamhaus SBL', keys: ['sbl'], pattern: /\bSBL\b/i },
  { name: 'Spamhaus PBL', keys: ['pbl'], pattern: /\bPBL\b/i },
  { name: 'Spamhaus DBL', keys: ['dbl'], pattern: /\bDBL\b/i },
  { name: 'Spamhaus CSS', keys: ['css'], pattern: /\bCSS\b/ },
  { name: 'Spamhaus', keys: ['spamhaus'], pattern: /\bspamhaus\b/i },
  { name: 'SpamCop', keys: ['spamcop'], pattern: /\bspamcop\b/i },
  { name: 'SORBS', keys: ['sorbs'], pattern: /\bsorbs\b/i },
  {
    name: 'Barracuda BRBL',
    keys: ['barracudacentral', 'barracuda', 'brbl'],
    pattern: /\bbarracudacentral\b|\bbarracuda ?(?:reputation|rbl|central)\b|\bbrbl\b/i,
  },
  { name: 'Cloudmark CSI', keys: ['cloudmark', 'csi'], pattern: /\bcloudmark\b|\bcsi\.cloudmark\b/i },
  { name: 'UCEPROTECT', keys: ['uceprotect'], pattern: /\buceprotect\b/i },
  { name: 'Mailspike', keys: ['mailspike'], pattern: /\bmailspike\b/i },
  { name: 'PSBL', keys: ['psbl'], pattern: /\bpsbl\b/i },
  { name: 'Invaluement', keys: ['invaluement'], pattern: /\binvaluement\b/i },
  { name: 'SenderScore', keys: ['senderscore'], pattern: /\bsenderscore\b/i },
  { name: 'CBL (Abuseat)', keys: ['cbl', 'abuseat'], pattern: /\bCBL\b|\babuseat\b/i },
  { name: 'URIBL', keys: ['uribl'], pattern: /\buribl\b/i },
  { name: 'SURBL', keys: ['surbl'], pattern: /\bsurbl\b/i },
  { name: 'DSBL', keys: ['dsbl'], pattern: /\bdsbl\b/i },
  {
    name: 'Proofpoint Dynamic Reputation',
    keys: ['dnsbl', 'proofpoint'],
    pattern: /\bproofpoint\.com\/dnsbl/i,
  },
  {
    name: 'Trend Micro ERS',
    keys: ['trend', 'mail'],
    pattern: /\btrend micro email reputation\b|\bmail-abuse\.com\b/i,
  },
  { name: 'Microsoft blocklist', keys: ['banned'], pattern: /\bbanned sending ip\b/i },
];

const SYSTEM_MATCHER = new AlternativeMatcher(SYSTEMS);
const BLOCKLIST_MATCHER = new AlternativeMatcher(BLOCKLISTS);
const always = (): boolean => true;

const ownWords = new Words();

/** The receiving system the reply identifies, if any; `words` when the caller already read them. */
export function systemOf(text: string, words: Words = ownWords.read(text)): string | undefined {
  const found = SYSTEM_MATCHER.first(text, words, always);
  return found === -1 ? undefined : SYSTEMS[found]!.name;
}

/** The blocklist the reply names, if any; `words` when the caller already read them. */
export function blocklistOf(text: string, words: Words = ownWords.read(text)): string | undefined {
  const found = BLOCKLIST_MATCHER.first(text, words, always);
  return found === -1 ? undefined : BLOCKLISTS[found]!.name;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000 };
/** Longest delay read from a reply: a week (anything longer is not a retry hint). */
const MAX_RETRY_AFTER_MS = 7 * 24 * 3_600_000;
// "try again in 300 seconds", "retry in 5 minutes", "after 10 min", "Greylisted for 300 seconds",
// "come back in 5 minutes": a retry word, then (within a few words) a number and a unit.
const RETRY_WORDS =
  /\b(?:try(?:ing)? again|try later|retry(?:ing)?|come back|resend(?:ing)?|greylisted|graylisted|wait(?:ing)?|deferred|delayed|blocked|after)\b/gi;
const DELAY = /^[^.;\d]{0,30}?\b(\d{1,6}) ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\b/i;
// milter-greylist: "come back in 00:05:00".
const CLOCK_DELAY = /^[^.;\d]{0,20}?\b(\d{1,2}):(\d{2}):(\d{2})\b/;

// retryAfterMsOf only scans replies with a digit and one of its words.
const RETRY_KEYS = [
  'try',
  'trying',
  'retry',
  'retrying',
  'come',
  'resend',
  'resending',
  'greylisted',
  'graylisted',
  'wait',
  'waiting',
  'deferred',
  'delayed',
  'blocked',
  'after',
].map((word) => keyId(keyOf(word)));
const DIGIT = /\d/;

/** The delay the reply asks for before a retry, in ms, when it states one; `words` when already read. */
export function retryAfterMsOf(text: string, words: Words = ownWords.read(text)): number | undefined {
  if (!words.hasAny(RETRY_KEYS) || !DIGIT.test(text)) return undefined;
  RETRY_WORDS.lastIndex = 0;
  for (let found = RETRY_WORDS.exec(text); found !== null; found = RETRY_WORDS.exec(text)) {
    const rest = text.slice(found.index + found[0].length, found.index + found[0].length + 60);
    const delay = DELAY.exec(rest);
    if (delay) {
      const milliseconds = Number(delay[1]) * UNIT_MS[delay[2]![0]!.toLowerCase()]!;
      if (milliseconds > 0 && milliseconds <= MAX_RETRY_AFTER_MS) return milliseconds;
    }
    const clock = CLOCK_DELAY.exec(rest);
    if (clock) {
      const milliseconds = ((Number(clock[1]) * 60 + Number(clock[2])) * 60 + Number(clock[3])) * 1_000;
      if (milliseconds > 0 && milliseconds <= MAX_RETRY_AFTER_MS) return milliseconds;
    }
  }
  return undefined;
}

/** Every expression retryAfterMsOf runs, for the ReDoS check (smtp-rules.test.ts). */
export const DETAIL_EXPRESSIONS: readonly RegExp[] = [RETRY_WORDS, DELAY, CLOCK_DELAY, DIGIT];
