import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('mailover explain', () => {
  it('explains a greylisting reply in words, with whether to retry', async () => {
    const result = await run(
      'explain',
      '450 4.2.0 <ada@example.edu>: Recipient address rejected: Greylisted',
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/category:\s+greylisting/);
    expect(result.out).toMatch(/retry:\s+yes/);
    expect(result.out).toMatch(/what to do:/);
  });

  it('--json prints the classification', async () => {
    const result = await run(
      'explain',
      '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown',
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({
      basic: 550,
      enhanced: '5.1.1',
      category: 'recipient_unknown',
      transient: false,
    });
  });

  it('says a 2xx is a success, not a deferral', async () => {
    const result = await run('explain', '250 2.0.0 Ok: queued as 4Bx');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/category:\s+accepted/);
    expect(result.out).toMatch(/retry:\s+no — the reply is a success/);
    expect(result.out).not.toMatch(/deferred/i);
    expect(JSON.parse((await run('explain', '250 2.0.0 Ok', '--json')).out)).toMatchObject({
      category: 'accepted',
      transient: false,
    });
  });

  it('shows the delay the server asks for, the receiving system and the blocklist', async () => {
    const greylisted = await run('explain', '451 4.7.1 Greylisted, please try again in 300 seconds');
    expect(greylisted.out).toMatch(/wait:\s+5 minutes, as the server asks/);
    const blocked = await run(
      'explain',
      '550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus. (AS16012611) [x.prod.protection.outlook.com]',
    );
    expect(blocked.out).toMatch(/category:\s+blocklisted/);
    expect(blocked.out).toMatch(/system:\s+Microsoft 365 \/ Outlook\.com/);
    expect(blocked.out).toMatch(/blocklist:\s+Spamhaus/);
    const json = JSON.parse(
      (await run('explain', '451 4.7.1 Greylisted, please try again in 300 seconds - gsmtp', '--json')).out,
    );
    expect(json).toMatchObject({ category: 'greylisting', retryAfterMs: 300_000, system: 'Gmail' });
  });

  it('leaves out the lines a reply gives nothing for', async () => {
    const result = await run(
      'explain',
      '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown',
    );
    expect(result.out).not.toMatch(/wait:|system:|blocklist:/);
  });

  it('bad input: a clear message and a non-zero exit', async () => {
    expect(await run('explain')).toMatchObject({
      code: 2,
      err: expect.stringContaining('give the SMTP reply'),
    });
    expect(await run('frobnicate')).toMatchObject({
      code: 2,
      err: expect.stringContaining("unknown command 'frobnicate'"),
    });
    expect((await run()).code).toBe(2);
    expect((await run('sandbox', '--port', 'abc')).code).toBe(2);
    expect(await run('explain', `550 ${'x'.repeat(2_001)}`)).toMatchObject({
      code: 2,
      err: expect.stringContaining('over 2 000 characters'),
    });
  });
});
