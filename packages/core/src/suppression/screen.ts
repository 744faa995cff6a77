/**
 * The check before every provider call (first send, retry, failover, greylisting re-send): which of
 * this call's recipients are suppressed for the message's stream. One Store read per recipient
 * and scope, all at once; nothing at all for a message sent with the override. docs/suppression.md, "The check".
 */
import type { NormalizedMessage } from '../message/types.js';
import type { SuppressedRecipient } from '../send-result.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../time.js';
import { EVERY_STREAM, type Suppression } from './types.js';

/** This call's recipients once the suppressed ones are taken out. */
export interface Screened {
  readonly remaining: readonly string[];
  readonly suppressed: readonly SuppressedRecipient[];
}

/** Resolves to undefined when nobody is suppressed (the call goes as it was). */
export type Screen = (
  message: NormalizedMessage,
  recipients: readonly string[] | undefined,
) => Promise<Screened | undefined> | undefined;

export function createScreen(store: Store, clock: Clock): Screen {
  /**
   * A store that cannot answer (Redis down) must not stop mail: the check is skipped for this call,
   * with a warning, as domain memory is (docs/suppression.md, "When the Store is down").
   */
  function unchecked(error: unknown): undefined {
    process.emitWarning(
      `mailover: the suppression list could not be read; sending without the check: ${String(error)}`,
    );
    return undefined;
  }

  /**
   * What the reads found: `raws[index * scopes.length + s]` is `addresses[index]` in `scopes[s]`.
   * The first live entry in scope order stops a recipient.
   */
  function decide(
    addresses: readonly string[],
    scopes: readonly string[],
    raws: readonly (string | undefined)[],
  ): Screened | undefined {
    try {
      const now = clock.now();
      const remaining: string[] = [];
      const suppressed: SuppressedRecipient[] = [];
      for (let index = 0; index < addresses.length; index++) {
        let entry: Suppression | undefined;
        for (let scope = 0; scope < scopes.length && !entry; scope++) {
          const raw = raws[index * scopes.length + scope];
          if (raw === undefined) continue;
          const found = JSON.parse(raw) as Suppression;
          if (found.expiresAt === undefined || found.expiresAt > now) entry = found;
        }
        const address = addresses[index]!;
        if (!entry) remaining.push(address);
        else suppressed.push({ address, reason: entry.reason, since: entry.since, scope: entry.scope });
      }
      return suppressed.length > 0 ? { remaining, suppressed } : undefined;
    } catch (error) {
      return unchecked(error);
    }
  }

  const everyScope = [EVERY_STREAM];
  return (message, recipients) => {
    const options = message.suppression;
    if (options?.override) return undefined;
    const stream = options?.stream;
    const scopes = stream && stream !== EVERY_STREAM ? [EVERY_STREAM, stream] : everyScope;
    const addresses = recipients ?? everyRecipient(message);
    try {
      // The common send, one recipient and no stream: one read, no Promise.all. This runs before
      // every provider call, so its promise count shows in the overhead (docs/performance.md).
      if (addresses.length === 1 && scopes.length === 1) {
        return store
          .get(storeKeys.suppression(EVERY_STREAM, addresses[0]!))
          .then((raw) => (raw === undefined ? undefined : decide(addresses, scopes, [raw])), unchecked);
      }
      // One read per recipient and scope, all at once: on Redis a message to 50 recipients costs
      // one round trip's time, not 50.
      const reads: Promise<string | undefined>[] = [];
      for (const address of addresses)
        for (const scope of scopes) reads.push(store.get(storeKeys.suppression(scope, address)));
      return Promise.all(reads).then(
        (raws) => (raws.every((raw) => raw === undefined) ? undefined : decide(addresses, scopes, raws)),
        unchecked,
      );
    } catch (error) {
      return unchecked(error);
    }
  };
}

function everyRecipient(message: NormalizedMessage): string[] {
  const addresses: string[] = [];
  for (const list of [message.to, message.cc, message.bcc])
    for (const entry of list) addresses.push(entry.address);
  return addresses;
}
