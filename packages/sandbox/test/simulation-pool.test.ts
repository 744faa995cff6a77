import { describe, expect, it } from 'vitest';
import { network24 } from '../src/simulation/greylister.js';
import { ipPool } from '../src/simulation/ip-pool.js';
import { seededRandom } from '../src/simulation/random.js';

describe('ipPool', () => {
  it('spreads N loopback addresses evenly over M /24s', () => {
    const pool = ipPool({ size: 256, networks: 16, octet: 10 });
    expect(new Set(pool.addresses).size).toBe(256);
    expect(pool.addresses.every((address) => address.startsWith('127.10.'))).toBe(true);
    const perNetwork = new Map<string, number>();
    for (const address of pool.addresses) {
      perNetwork.set(network24(address), (perNetwork.get(network24(address)) ?? 0) + 1);
    }
    expect([...perNetwork.values()]).toEqual(Array(16).fill(16));
  });

  it('rotating: attempts of one message leave from many addresses', () => {
    const pool = ipPool({ size: 256, networks: 16, random: seededRandom(3) });
    const picks = new Set(Array.from({ length: 30 }, (_, index) => pool.pick('message-1', index + 1)));
    expect(picks.size).toBeGreaterThan(20);
  });

  it('sticky: every attempt of one message leaves from one address', () => {
    const pool = ipPool({ size: 256, networks: 16, selection: 'sticky' });
    const picks = new Set(Array.from({ length: 10 }, (_, index) => pool.pick('message-1', index + 1)));
    expect(picks.size).toBe(1);
  });

  it("round-robin: a message's first M attempts leave from M different /24s, then the cycle repeats", () => {
    const pool = ipPool({ size: 256, networks: 16, selection: 'round-robin' });
    for (const message of ['message-1', 'message-2']) {
      const networks = Array.from({ length: 32 }, (_, index) => network24(pool.pick(message, index + 1)));
      expect(new Set(networks.slice(0, 16)).size).toBe(16);
      expect(networks.slice(16)).toEqual(networks.slice(0, 16));
    }
    expect(pool.pick('message-1', 1)).not.toBe(pool.pick('message-2', 1));
  });

  it('a fixed IP is one address whatever the message', () => {
    const pool = ipPool({ octet: 20 });
    expect(pool.addresses).toEqual(['127.20.0.1']);
    expect(pool.pick('a', 1)).toBe(pool.pick('b', 7));
  });

  it('the same seed gives the same picks', () => {
    const picks = (seed: number) => {
      const pool = ipPool({ size: 64, random: seededRandom(seed) });
      return Array.from({ length: 10 }, (_, index) => pool.pick('m', index + 1));
    };
    expect(picks(7)).toEqual(picks(7));
    expect(picks(7)).not.toEqual(picks(8));
  });
});
