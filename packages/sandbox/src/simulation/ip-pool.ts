import { hashString, type Random } from './random.js';

/** How a pool picks the address for a delivery attempt. */
export type IpSelection =
  /** Independently and uniformly at each attempt (KumoMTA's default weighted round robin). */
  | 'rotating'
  /** The first pick of a message stays for its retries. */
  | 'sticky'
  /**
   * Attempt n leaves from the address after attempt n − 1's, which sits in the next /24: a message's
   * first M attempts come from M different networks (a worst case for greylisting, no luck involved).
   */
  | 'round-robin';

export interface IpPoolOptions {
  /** Addresses in the pool (N). Default 1: a fixed IP. */
  readonly size?: number;
  /** /24 networks the addresses spread over (M), evenly. Default 1. */
  readonly networks?: number;
  /** Default `'rotating'`. */
  readonly selection?: IpSelection;
  /** Second octet of the pool's 127.x.y.z addresses, so pools of different providers differ. Default 1. */
  readonly octet?: number;
  /** Where random picks come from. Default Math.random. */
  readonly random?: Random;
}

/** A provider's sending addresses: N IPs over M /24s, all on loopback (127.x.y.z). */
export interface IpPool {
  readonly addresses: readonly string[];
  readonly selection: IpSelection;
  /** The address attempt `attempt` (1-based) of `messageKey` leaves from. */
  pick(messageKey: string, attempt: number): string;
}

/**
 * Build a pool. Addresses are 127.<octet>.<network>.<host>, so a later real-SMTP mode can bind each
 * one as a loopback source address and a real greylister sees the same /24 grouping.
 */
export function ipPool(options: IpPoolOptions = {}): IpPool {
  const size = Math.max(1, Math.floor(options.size ?? 1));
  const networks = Math.min(size, Math.max(1, Math.floor(options.networks ?? 1)));
  const octet = options.octet ?? 1;
  const random = options.random ?? Math.random;
  const selection = options.selection ?? 'rotating';
  if (size / networks > 254) throw new RangeError('ipPool: more than 254 addresses in one /24');
  if (networks > 256) throw new RangeError('ipPool: more than 256 networks');
  // Address i sits in network i mod M, so every network gets ⌊N/M⌋ or ⌈N/M⌉ of them.
  const addresses = Array.from(
    { length: size },
    (_, index) => `127.${octet}.${index % networks}.${Math.floor(index / networks) + 1}`,
  );
  return {
    addresses,
    selection,
    pick(messageKey, attempt) {
      if (size === 1) return addresses[0]!;
      if (selection === 'sticky') return addresses[hashString(messageKey) % size]!;
      if (selection === 'round-robin') return addresses[(hashString(messageKey) + attempt - 1) % size]!;
      return addresses[Math.floor(random() * size)]!;
    },
  };
}
