/** How classifySmtpReply reads the shapes replies come in, and what it tells the user. */
import { describe, expect, it } from 'vitest';
import { classifySmtpReply, SMTP_REPLY_CATEGORIES } from '../src/index.js';

describe('reading the codes and the text', () => {
  it('joins multi-line replies (\\r\\n or \\n) and drops every continuation marker', () => {
    const crlf = classifySmtpReply(
      '450-4.2.1 The user you are trying to contact is receiving mail at a rate that\r\n' +
        '450-4.2.1 prevents additional messages from being delivered. Please resend your\r\n' +
        '450 4.2.1 message at a later time.',
    );
    expect(crlf).toMatchObject({ basic: 450, enhanced: '4.2.1', category: 'rate_limit', transient: true });
    expect(crlf.text).toBe(
      'The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time.',
    );
    const lf = classifySmtpReply('421-mx.example.org busy\n421 too many connections from your address');
    expect(lf).toMatchObject({ basic: 421, category: 'rate_limit' });
    expect(lf.text).toBe('mx.example.org busy too many connections from your address');
  });

  it('drops continuation markers when the lines were already joined by spaces', () => {
    const result = classifySmtpReply(
      '550-5.7.1 [192.0.2.7] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. 550 5.7.1 Please review our guidelines.',
    );
    expect(result).toMatchObject({ basic: 550, enhanced: '5.7.1', category: 'content_rejected' });
    expect(result.text).toBe(
      '[192.0.2.7] Our system has detected that this message is likely unsolicited mail. Please review our guidelines.',
    );
  });

  it('finds the enhanced code after the text, in parentheses or with a #', () => {
    expect(classifySmtpReply('451 qq temporary problem (#4.3.0)')).toMatchObject({
      basic: 451,
      enhanced: '4.3.0',
    });
    expect(classifySmtpReply('554 delivery failed [#5.4.7]')).toMatchObject({
      basic: 554,
      enhanced: '5.4.7',
    });
    expect(classifySmtpReply('553 Mail from 192.0.2.1 not allowed - 5.7.1 see our policy')).toMatchObject({
      enhanced: '5.7.1',
    });
  });

  it('never takes part of an IP address or a vendor code for an enhanced code', () => {
    expect(classifySmtpReply('550 Mail from 192.0.2.1 refused').enhanced).toBeUndefined();
    expect(classifySmtpReply('451 Resources temporarily unavailable [#4.16.1]').enhanced).toBeUndefined();
  });

  it('strips transport text before the reply', () => {
    expect(
      classifySmtpReply('smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown'),
    ).toMatchObject({
      basic: 550,
      enhanced: '5.1.1',
      category: 'recipient_unknown',
      text: '<bob@example.org>: Recipient address rejected: User unknown',
    });
    expect(
      classifySmtpReply(
        'host mx.example.org[192.0.2.7] said: 450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted (in reply to RCPT TO command)',
      ),
    ).toMatchObject({
      basic: 450,
      enhanced: '4.2.0',
      category: 'greylisting',
      text: '<bob@example.org>: Recipient address rejected: Greylisted',
    });
    expect(classifySmtpReply('Diagnostic-Code: smtp; 552 5.2.2 Mailbox full')).toMatchObject({
      basic: 552,
      enhanced: '5.2.2',
      category: 'mailbox_full',
      transient: false,
    });
    expect(
      classifySmtpReply(
        'SMTP error from remote mail server after RCPT TO:<bob@example.org>: 550 5.1.1 No such user here',
      ),
    ).toMatchObject({ basic: 550, category: 'recipient_unknown' });
    expect(classifySmtpReply('220-mx.example.org 421 4.7.0 Service refused, try later')).toMatchObject({
      basic: 421,
      enhanced: '4.7.0',
    });
  });

  it('reads an enhanced code with no basic code', () => {
    expect(classifySmtpReply('5.7.3 Authentication unsuccessful')).toMatchObject({
      basic: 0,
      enhanced: '5.7.3',
      category: 'auth_required',
      transient: false,
    });
  });

  it('classifies replies with no code from their text alone', () => {
    expect(classifySmtpReply('Greylisted, see http://postgrey.example/help/example.org.html')).toMatchObject({
      basic: 0,
      category: 'greylisting',
      transient: true,
    });
    expect(classifySmtpReply('Temporary failure, please try again later')).toMatchObject({
      category: 'greylisting',
      transient: true,
    });
    expect(classifySmtpReply('User unknown')).toMatchObject({
      category: 'recipient_unknown',
      transient: false,
    });
  });

  it('reads a policy daemon action as the class of the reply', () => {
    expect(classifySmtpReply('DEFER_IF_PERMIT Service temporarily unavailable')).toMatchObject({
      basic: 0,
      transient: true,
      text: 'Service temporarily unavailable',
    });
    expect(classifySmtpReply('REJECT Access denied')).toMatchObject({
      transient: false,
      category: 'policy_reputation',
    });
  });

  it('never throws on empty, garbage or huge input', () => {
    for (const input of ['', '   ', '\r\n\r\n', '%%%', '-', '999 ???', 'x.x.x']) {
      const result = classifySmtpReply(input);
      expect(result.category).toBe('other_transient');
      expect(result.basic).toBe(0);
      expect(result.transient).toBe(true);
    }
    expect(classifySmtpReply(undefined as unknown as string).category).toBe('other_transient');
    expect(classifySmtpReply(42 as unknown as string).category).toBe('other_transient');
    expect(classifySmtpReply('554 ???')).toMatchObject({ category: 'other_permanent', transient: false });
    expect(classifySmtpReply('5.0.0')).toMatchObject({ category: 'other_permanent', transient: false });
    const huge = classifySmtpReply(`450 4.2.0 ${'a'.repeat(200_000)}`);
    expect(huge).toMatchObject({ basic: 450, category: 'greylisting' });
  });
});

describe('the well-known traps', () => {
  it('450 4.2.0 with no explanation is greylisting', () => {
    expect(classifySmtpReply('450 4.2.0 <bob@example.org>: Recipient address rejected').category).toBe(
      'greylisting',
    );
  });

  it('says greylisting even when the enhanced code says mailbox full', () => {
    expect(classifySmtpReply('422 4.2.2 Greylisted, come back in a minute').category).toBe('greylisting');
    expect(classifySmtpReply('452 4.2.2 Insufficient quota for this mailbox').category).toBe('mailbox_full');
  });

  it('tells 452 4.5.3 too many recipients from a full mailbox', () => {
    expect(classifySmtpReply('452 4.5.3 Too many recipients').category).toBe('rate_limit');
  });

  it('tells the uses of 4.7.1 and 5.7.1 apart by their text', () => {
    expect(classifySmtpReply('451 4.7.1 Greylisted for 300 seconds').category).toBe('greylisting');
    expect(classifySmtpReply('451 4.7.1 Message deferred: sending domain failed DMARC').category).toBe(
      'policy_reputation',
    );
    expect(classifySmtpReply('554 5.7.1 <bob@example.org>: Relay access denied').category).toBe(
      'other_permanent',
    );
    expect(classifySmtpReply('554 5.7.1 Client host [192.0.2.7] blocked using bl.example.net').category).toBe(
      'blocklisted',
    );
    expect(classifySmtpReply('550 5.7.1 Message refused by local policy').category).toBe('policy_reputation');
  });

  it('reads "unusual rate of unsolicited mail" as reputation, not a plain rate limit', () => {
    expect(
      classifySmtpReply(
        '421-4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address.',
      ).category,
    ).toBe('policy_reputation');
  });

  it('does not take a greylisted sender-verification callout for greylisting of this mail', () => {
    expect(
      classifySmtpReply(
        '451-Could not complete sender verify callout: response to "RCPT TO:<a@example.com>" was: 450 4.2.0 Greylisted',
      ).category,
    ).toBe('other_transient');
    expect(
      classifySmtpReply('451-response to "RCPT TO:<a@example.com>" was: 450 4.2.0 Greylisted').enhanced,
    ).toBeUndefined();
  });

  it('is final when the sending side says it gave up, whatever the last code', () => {
    expect(
      classifySmtpReply(
        '451 Unable to connect to mx.example.org; giving up, the message has been in the queue too long',
      ),
    ).toMatchObject({ category: 'connection', transient: false });
  });
});

describe('explanation and advice', () => {
  it('gives one sentence of each for every category', () => {
    const samples = [
      '451 4.7.1 Greylisted',
      '450 4.2.1 receiving mail too quickly',
      '452 4.2.2 Mailbox full',
      '450 4.2.1 Mailbox busy',
      '550 5.7.1 policy rejection',
      '450 4.7.1 cannot find your reverse hostname',
      '421 4.4.2 connection timed out',
      '421 4.3.2 server busy',
      '530 5.7.0 Authentication required',
      '550 5.1.1 User unknown',
      '554 5.7.1 virus found',
      '554 listed on zen.example-dnsbl.org',
      '451 4.3.0 upstream error',
      '554 5.3.3 unsupported',
      '250 2.0.0 Ok: queued as 4Bx',
    ];
    const seen = new Set(samples.map((sample) => classifySmtpReply(sample).category));
    expect([...seen].sort()).toEqual([...SMTP_REPLY_CATEGORIES].sort());
    for (const sample of samples) {
      const { explanation, advice } = classifySmtpReply(sample);
      for (const sentence of [explanation, advice]) {
        expect(sentence).toMatch(/^[A-Z].*\.$/);
        expect(sentence.match(/\. [A-Z]/g)).toBeNull();
      }
    }
  });

  it('says what to do for the common deferrals', () => {
    expect(classifySmtpReply('450 4.2.1 receiving mail too quickly').advice).toMatch(/slow down/i);
    expect(classifySmtpReply('452 4.2.2 Mailbox full').advice).toMatch(/full.*retry later/i);
    expect(classifySmtpReply('451 4.7.1 Delivery not authorized, sender reputation too low').advice).toMatch(
      /SPF.*DKIM.*warm up/,
    );
    expect(classifySmtpReply('451 4.7.1 Greylisted').advice).toMatch(/same IP.*few minutes/);
  });

  it("mentions the enhanced code's meaning", () => {
    expect(classifySmtpReply('452 4.2.2 Over quota').explanation).toContain('4.2.2 means mailbox full');
    expect(classifySmtpReply('452 Over quota').explanation).not.toMatch(/\d\.\d/);
  });
});
