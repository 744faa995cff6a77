/**
 * Every key the engine writes to a Store, in one place. These keys are a stored format: a Redis or
 * PostgreSQL store keeps them across upgrades, and instances of two versions may share one store
 * during a rolling deploy. A key's spelling never changes within a format version; a change that
 * needs one comes with a new version and a migration note. The format: docs/store-keys.md.
 *
 * Recipients and domains are lower-cased in every key: providers report addresses in their own
 * case, and one (message, recipient) must always meet its own key.
 */

/** The version of the key format below. */
export const STORE_FORMAT_VERSION = 1;

const lower = (text: string) => text.toLowerCase();

/** Strip angle brackets, so `<id@host>` (a send response) and `id@host` (its events) meet. */
function bare(providerMessageId: string): string {
  return providerMessageId.startsWith('<') || providerMessageId.endsWith('>')
    ? providerMessageId.replace(/^<|>$/g, '')
    : providerMessageId;
}

export const storeKeys = {
  /** The message record (recipients, accepting provider, content kept for a re-send). */
  message: (id: string) => `msg:${id}`,
  /** The message's history lines (a list). */
  history: (id: string) => `hist:${id}`,
  /** A provider's message id → the mailover id, for events that carry only the former. */
  providerMessage: (provider: string, providerMessageId: string) =>
    `pmid:${provider}:${bare(providerMessageId)}`,
  /** The provider that re-sent the message to this recipient (a greylisting failover). */
  resent: (id: string, recipient: string) => `failover-done:${id}:${lower(recipient)}`,
  /** Greylisting deferrals of one (message, recipient) (a list). */
  evidence: (id: string, recipient: string) => `grey:${id}:${lower(recipient)}`,
  /** Set once that evidence list reached its cap: nothing more is appended. */
  evidenceFull: (id: string, recipient: string) => `grey-full:${id}:${lower(recipient)}`,
  /** At most one greylisting failover per (message, recipient): a claim. */
  greylistClaim: (id: string, recipient: string) => `claim:greylist:${id}:${lower(recipient)}`,
  /** A recipient domain remembered as greylisting: the fixed-IP provider first until it expires. */
  domain: (domain: string) => `domain:${lower(domain)}`,
  /** A mail exchanger remembered as greylisting (MX memory): new domains behind it go to the fixed IP first. */
  mxHost: (host: string) => `mx:${lower(host)}`,
  /** A webhook event already stored (dedupe): a claim. */
  event: (provider: string, eventId: string) => `event:${provider}:${eventId}`,
  /** A webhook replay token (Mailgun's token, an SNS message id): a claim. */
  replayToken: (key: string) => `once:${key}`,
  /** Until when a provider's circuit is open, shared between instances. */
  breaker: (provider: string) => `breaker:${provider}`,
  /** A provider's shared token bucket (`Store.reserveToken`). */
  rateLimit: (provider: string) => `rate:${provider}`,
  /**
   * One suppressed address in one scope (`*`: every message; else a stream name): the entry, as
   * JSON. The address is the normalized mailbox (docs/suppression.md), lower-cased.
   */
  suppression: (scope: string, address: string) => `suppress:${scope}:${lower(address)}`,
  /**
   * The suppression index of one generation (a list): every suppression added, in order, as
   * `scope` TAB `address` (TAB the entry's tag, for an item a compaction carried over). What paging
   * walks. Generation 0 is the index before any compaction.
   */
  suppressionIndex: (generation = 0) =>
    generation === 0 ? 'suppress-index' : `suppress-index:${generation}`,
  /** Which index generation readers walk and writers append to (`<read>` or `<read>><write>`). */
  suppressionGeneration: () => 'suppress-generation',
  /** Held (a claim) by the one process compacting the suppression index. */
  suppressionCompaction: () => 'suppress-compacting',
  /** Where the last push of the list to a provider ended (a position in the index). */
  suppressionPushed: (provider: string) => `suppress-pushed:${provider}`,
} as const;

/** Ids of scheduled jobs (`Scheduler.schedule`): one job per (message, recipient) and kind. */
export const jobIds = {
  greylistRecheck: (id: string, recipient: string) => `recheck:${id}:${lower(recipient)}`,
  greylistFailover: (id: string, recipient: string) => `failover:${id}:${lower(recipient)}`,
} as const;
