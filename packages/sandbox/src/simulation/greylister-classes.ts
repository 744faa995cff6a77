import type { GreylisterSpec } from './greylister.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type GreylisterClassName =
  | 'postgrey'
  | 'postgrey-legacy'
  | 'milter-greylist'
  | 'sqlgrey'
  | 'spamd'
  | 'greylistd'
  | 'mimecast'
  | 'rspamd'
  | 'spf-aware';

// Postfix policy servers answer through Postfix, which prefixes `<rcpt>: Recipient address rejected:`.
const postgreyReply = ({ recipient, domain }: { recipient: string; domain: string }) =>
  `450 4.2.0 <${recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${domain}.html`;

/**
 * The greylisters of greylisting-model.md §1 / §5.2 with their defaults, and the reply each really sends
 * (read in their sources: postgrey's `--greylist-text`, milter-greylist's quiet `smfi_setreply`,
 * sqlgrey's `Greylisted for N minutes`, spamd's `build_reply`, Debian greylistd's Exim ACL, rspamd's
 * `Try again later`, iRedAPD's `GREYLISTING_MESSAGE`; Mimecast's as senders log it).
 */
export const GREYLISTER_CLASSES: Readonly<Record<GreylisterClassName, GreylisterSpec>> = {
  postgrey: {
    name: 'postgrey',
    keying: 'network24',
    delayMs: 5 * MINUTE,
    windowMs: 2 * DAY,
    autoWhitelist: { passes: 5, scope: 'ip', countOncePerMs: HOUR },
    reply: postgreyReply,
  },
  // postgrey ≤1.36 keyed on the exact IP when the PTR held the IP's octets, as ESP PTRs do.
  'postgrey-legacy': {
    name: 'postgrey-legacy',
    keying: 'ip',
    delayMs: 5 * MINUTE,
    windowMs: 2 * DAY,
    autoWhitelist: { passes: 5, scope: 'ip', countOncePerMs: HOUR },
    reply: postgreyReply,
  },
  // Its auto-whitelist is per tuple, so it never helps a per-message VERP sender: left out.
  'milter-greylist': {
    name: 'milter-greylist',
    keying: 'ip',
    delayMs: 30 * MINUTE,
    windowMs: 5 * DAY,
    reply: () => '451 4.7.1 Greylisting in action, please come back later',
  },
  // sqlgrey de-VERPs the sender for its AWL, so one pass whitelists (sender domain, /24).
  sqlgrey: {
    name: 'sqlgrey',
    keying: 'network24',
    delayMs: 5 * MINUTE,
    windowMs: DAY,
    autoWhitelist: { passes: 1, scope: 'network24' },
    reply: ({ recipient }) =>
      `450 4.7.1 <${recipient}>: Recipient address rejected: Greylisted for 5 minutes`,
  },
  spamd: {
    name: 'spamd',
    keying: 'ip',
    delayMs: 25 * MINUTE,
    windowMs: 4 * HOUR,
    autoWhitelist: { passes: 1, scope: 'ip' },
    reply: () => '451 Temporary failure, please try again later.',
  },
  // greylistd keeps passed triplets only: nothing that helps the next VERP sender.
  greylistd: {
    name: 'greylistd',
    keying: 'ip',
    delayMs: 10 * MINUTE,
    windowMs: 8 * HOUR,
    reply: ({ ip, sender, recipient }) =>
      `451 ${ip} is not yet authorized to deliver mail from <${sender}> to <${recipient}>. Please try later.`,
  },
  mimecast: {
    name: 'mimecast',
    keying: 'ip',
    delayMs: MINUTE,
    windowMs: 12 * HOUR,
    reply: () =>
      '451 Internal resource temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451',
  },
  // The body key has no IP and either key passes, so rotation cannot hurt.
  rspamd: {
    name: 'rspamd',
    keying: 'none',
    delayMs: 5 * MINUTE,
    windowMs: DAY,
    reply: () => '451 4.7.1 Try again later',
  },
  'spf-aware': {
    name: 'spf-aware',
    keying: 'ip',
    delayMs: 15 * MINUTE,
    windowMs: DAY,
    spfBypass: true,
    reply: ({ recipient }) =>
      `451 4.7.1 <${recipient}>: Recipient address rejected: Intentional policy rejection, please try again later`,
  },
};

/** §5.2's mix of greylisters, conditional on the domain greylisting ESP mail (an assumption to sweep). */
export const GREYLISTER_WEIGHTS: Readonly<Record<GreylisterClassName, number>> = {
  postgrey: 0.3,
  'postgrey-legacy': 0.1,
  'milter-greylist': 0.1,
  sqlgrey: 0.05,
  spamd: 0.05,
  greylistd: 0.05,
  mimecast: 0.15,
  rspamd: 0.15,
  'spf-aware': 0.05,
};
