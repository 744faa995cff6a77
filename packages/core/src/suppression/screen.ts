/**
 * The check before every provider call (first send, retry, failover, greylisting re-send): which of
 * this call's recipients are suppressed for the message's stream. One Store read per recipient
 * and scope; nothing at all for a message sent with the override. docs/suppression.md, "The check".
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
  /** The entry stopping `address` (in the message's own spelling; keys lower-case it), or undefined. */
  async function stopping(scopes: readonly string[], address: string): Promise<Suppression | undefined> {
    for (const scope of scopes) {
      const raw = await store.get(storeKeys.suppression(scope, address));
      if (raw === undefined) continue;
      const entry = JSON.parse(raw) as Suppression;
      if (entry.expiresAt === undefined || entry.expiresAt > clock.now()) return entry;
    }
    return undefined;
  }

  async function screen(
    message: NormalizedMessage,
    recipients: readonly string[] | undefined,
    scopes: readonly string[],
  ): Promise<Screened | undefined> {
    const addresses = recipients ?? everyRecipient(message);
    let remaining: string[] | undefined;
    let suppressed: SuppressedRecipient[] | undefined;
    for (let index = 0; index < addresses.length; index++) {
      const address = addresses[index]!;
      const entry = await stopping(scopes, address);
      if (!entry) {
        remaining?.push(address);
        continue;
      }
      remaining ??= addresses.slice(0, index);
      suppressed ??= [];
      suppressed.push({ address, reason: entry.reason, since: entry.since, scope: entry.scope });
    }
    return suppressed ? { remaining: remaining!, suppressed } : undefined;
  }

  const everyScope = [EVERY_STREAM];
  return (message, recipients) => {
    const options = message.suppression;
    if (options?.override) return undefined;
    const stream = options?.stream;
    return screen(
      message,
      recipients,
      stream && stream !== EVERY_STREAM ? [EVERY_STREAM, stream] : everyScope,
    );
  };
}

function everyRecipient(message: NormalizedMessage): string[] {
  const addresses: string[] = [];
  for (const list of [message.to, message.cc, message.bcc])
    for (const entry of list) addresses.push(entry.address);
  return addresses;
}
