/** What classifySmtpReply reads beyond the category: success, retry delay, receiving system, blocklist. */
import { describe, expect, it } from 'vitest';
import { classifySmtpReply } from '../src/index.js';

describe('a 2xx is a success, not a deferral', () => {
  it.each([
    '250 2.0.0 Ok: queued as 4Bx',
    '250 2.6.0 <a@b> [InternalId=1] Queued mail for delivery',
    'smtp; 250 2.1.5 Ok',
    '250 OK id=1abc-000',
    '250 2.0.0 OK 1504548007 y202si6984453itc.115 - gsmtp',
  ])('%s', (reply) => {
    const result = classifySmtpReply(reply);
    expect(result).toMatchObject({ category: 'accepted', transient: false });
    expect(result.basic).toBeGreaterThanOrEqual(200);
    expect(result.basic).toBeLessThan(300);
    expect(result.explanation).toMatch(/accepted/);
    expect(result.explanation).not.toMatch(/deferred/i);
    expect(result.retryAfterMs).toBeUndefined();
    expect(result.blocklist).toBeUndefined();
  });

  it('does not take a number in a codeless text for a 2xx', () => {
    expect(classifySmtpReply('Mailbox quota: 250 MB exceeded').category).toBe('mailbox_full');
  });
});

describe('retryAfterMs: the delay a server asks for', () => {
  it.each([
    ['451 4.7.1 Greylisted, please try again in 300 seconds', 300_000],
    ['450 4.7.1 Service unavailable, retry in 5 minutes', 300_000],
    ['451 4.7.1 Please try again after 10 min', 600_000],
    ['450 <a@b>: Recipient address rejected: Greylisted for 5 minutes', 300_000],
    ['451 Greylisted, please try again in 900 seconds', 900_000],
    ['451 4.7.1 Greylisting in action, please come back in 00:05:00', 300_000],
    ['421 4.7.0 Temporarily blocked for 2 hours', 7_200_000],
  ])('%s → %d ms', (reply, milliseconds) => {
    expect(classifySmtpReply(reply).retryAfterMs).toBe(milliseconds);
  });

  it.each([
    '554 4.4.7 Message expired: unable to deliver in 840 minutes',
    '550 5.7.1 Greylisted for 300 seconds, then rejected',
    '451 4.7.1 Try again later',
    '451 Greylisted for %v seconds please try again',
    '421 4.7.0 Try again in 30 days',
  ])('none for %s', (reply) => {
    expect(classifySmtpReply(reply).retryAfterMs).toBeUndefined();
  });
});

describe('system: who wrote the reply', () => {
  it.each([
    [
      '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to https://go.microsoft.com/fwlink/?LinkID=526655 AS(7171)',
      'Microsoft 365 / Outlook.com',
    ],
    [
      '451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS77712344) [x.prod.protection.outlook.com]',
      'Microsoft 365 / Outlook.com',
    ],
    ['550-5.1.1 The email account that you tried to reach does not exist. x12si - gsmtp', 'Gmail'],
    [
      '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
      'Yahoo',
    ],
    [
      '550 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
      'Apple iCloud',
    ],
    [
      '451 Internal resources are temporarily unavailable - https://community.mimecast.com/docs/DOC-1369#451',
      'Mimecast',
    ],
    ['554 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.1', 'Proofpoint'],
    [
      '554 Service unavailable; Client host [192.0.2.1] blocked using Barracuda Reputation, see http://www.barracudanetworks.com/reputation/',
      'Barracuda',
    ],
    [
      '421 mwinf5c79 ME Trop de connexions, veuillez verifier votre configuration. OFR005_104 [104]',
      'Orange',
    ],
  ])('%s → %s', (reply, system) => {
    expect(classifySmtpReply(reply).system).toBe(system);
  });

  it('says nothing when the reply does not identify its system', () => {
    expect(
      classifySmtpReply('550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown').system,
    ).toBeUndefined();
  });
});

describe('blocklist: the list the reply names', () => {
  it.each([
    ['554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org', 'Spamhaus ZEN'],
    [
      '554 Service unavailable; Client host [192.0.2.1] blocked using sbl-xbl.spamhaus.org',
      'Spamhaus SBL/XBL',
    ],
    [
      '550 5.7.1 Your email was rejected due to having a domain present in the Spamhaus DBL -- see https://www.spamhaus.org/dbl/',
      'Spamhaus DBL',
    ],
    ['554 Service unavailable; Client host [192.0.2.1] blocked using bl.spamcop.net', 'SpamCop'],
    ['521 5.7.1 Service unavailable; client [192.0.2.1] blocked using dnsbl.sorbs.net', 'SORBS'],
    ['554 Client host [192.0.2.1] blocked using b.barracudacentral.org', 'Barracuda BRBL'],
    [
      '550 5.7.1 Poor Reputation Sender. - https://csi.cloudmark.com/reset-request/?ip=192.0.2.1',
      'Cloudmark CSI',
    ],
    [
      '554 Connection refused. This IP address is listed on the Exploits Block List (XBL). IB105',
      'Spamhaus XBL',
    ],
    [
      '550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/',
      'Microsoft blocklist',
    ],
  ])('%s → %s', (reply, blocklist) => {
    const result = classifySmtpReply(reply);
    expect(result.blocklist).toBe(blocklist);
  });

  it("names no list for a block by the receiver's own judgement", () => {
    expect(classifySmtpReply('550 5.7.1 Client host blocked for spamming issues').blocklist).toBeUndefined();
  });
});

describe('boundaries from the labelling guide', () => {
  it.each([
    ['421 Max message per connection reached, closing transmission channel', 'rate_limit'],
    ['421 Too many connections', 'rate_limit'],
    ['Server busy, too many connections.', 'rate_limit'],
    ['432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded', 'rate_limit'],
    ['451 There seems to be a technical problem on our end', 'server_busy'],
    ['450 4.2.0 <a@b> - Recipient temporarily unavailable', 'other_transient'],
    ['451 4.7.1 Greylisting in effect, sending server blacklisted', 'blocklisted'],
    ['421 4.7.0 TLS required for RCPT domain, closing connection.', 'auth_required'],
    ['4.7.323 tlsa-invalid: The domain failed dane validation', 'connection'],
    ['550 5.4.1 Recipient address rejected: Access denied. AS(201806281)', 'recipient_unknown'],
    ['450 4.1.8 <a@b>: Sender address rejected: Domain not found', 'dns'],
  ])('%s → %s', (reply, category) => {
    expect(classifySmtpReply(reply).category).toBe(category);
  });
});
