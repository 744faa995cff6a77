/** Postmark's webhooks are not signed: a record's type names are looked up in tables without a prototype. */
import { describe, expect, it } from 'vitest';
import { toDeliveryEvent } from '../src/webhook-events.js';

describe('Postmark record and bounce type names', () => {
  it('that are Object.prototype keys are unknown types, never something of Object.prototype', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const record = {
        RecordType: 'Bounce',
        Type: name,
        Email: 'ada@example.org',
        BouncedAt: '2026-12-03T10:00:00Z',
        MessageID: 'b7bc2f4a-e38e-4336-af7d-e6c392c2f817',
        ID: 1,
      };
      expect(toDeliveryEvent(record, JSON.stringify(record), 'postmark').type, name).toBe('unknown');
      const other = { RecordType: name, Recipient: 'ada@example.org', ReceivedAt: '2026-12-03T10:00:00Z' };
      expect(toDeliveryEvent(other, JSON.stringify(other), 'postmark').type, name).toBe('unknown');
    }
  });
});
