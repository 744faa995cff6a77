/**
 * Tables looked up by outside input have no prototype (lookup-table.ts): a key such as
 * `constructor` finds nothing instead of something of Object.prototype.
 */
import { normalizeMessage } from '@mailover/core/message';
import { describe, expect, it } from 'vitest';
import { lookupTable } from '../src/lookup-table.js';

const valid = { from: 'shop@example.com', to: 'ada@example.org', subject: 's', text: 't' };

describe('lookupTable', () => {
  it('finds its own keys only, and is frozen', () => {
    const table = lookupTable({ delivered: 'delivered' });
    expect(table.delivered).toBe('delivered');
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])
      expect(table[key], key).toBeUndefined();
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('keeps Object.prototype out of message errors and header checks', () => {
    let message = '';
    try {
      normalizeMessage({ ...valid, constructor: 1 } as never);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/constructor: is not a known field/);
    expect(message).not.toMatch(/function|native code/);
    // Header names that are Object.prototype's own keys are ordinary custom headers.
    const headers = normalizeMessage({ ...valid, headers: { toString: 'a', valueOf: 'b' } }).headers;
    expect(headers).toMatchObject({ toString: 'a', valueOf: 'b' });
  });
});
