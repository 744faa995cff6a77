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
  });
});
