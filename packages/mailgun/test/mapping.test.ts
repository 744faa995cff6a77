import { describe, expect, it } from 'vitest';
import { toMailgunRequest } from '../src/mapping.js';
import { testMessage } from './support.js';

describe('toMailgunRequest', () => {
  it('keeps mailover’s id in v:mailover_id even when metadata uses that key', () => {
    const request = toMailgunRequest(testMessage({ metadata: { mailover_id: 'spoofed', tenant: 'acme' } }));
    expect(request['v:mailover_id']).toBe('msg_01HTESTMAILGUN');
    expect(request['v:tenant']).toBe('acme');
  });

  it('quotes display names that need it, so a comma does not split the address', () => {
    const request = toMailgunRequest(testMessage());
    expect(request.to).toEqual(['"To, Person" <to@example.org>']);
    expect(request.from).toBe('Sender Name <sender@example.test>');
  });

  it('leaves out empty optional fields rather than sending blanks', () => {
    const request = toMailgunRequest(testMessage());
    for (const field of [
      'cc',
      'bcc',
      'html',
      'h:Reply-To',
      'o:tag',
      'attachment',
      'inline',
      'o:sending-ip',
    ]) {
      expect(request).not.toHaveProperty(field);
    }
  });

  it('never sends to a re-send recipient the message did not list (issue #12)', () => {
    const message = testMessage();
    const own = message.to[0]!.address;
    const request = toMailgunRequest(message, { recipients: ['New@Example.edu', own.toUpperCase()] });
    expect(JSON.stringify([request.to, request.cc, request.bcc])).not.toContain('New@Example.edu');
    expect(String(request.to)).toContain(own);
    expect(() => toMailgunRequest(message, { recipients: ['New@Example.edu'] })).toThrow(/not|none/);
  });
});
