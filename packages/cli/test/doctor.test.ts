import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, nsdUnavailableReason, startNsd } from '../../../test/dns-server/nsd.js';
import { SES_TOKENS, ZONES } from '../../doctor/test/zones.js';
import { main } from '../src/index.js';

const unavailable = nsdUnavailableReason();
if (unavailable) console.log(`mailover doctor CLI SKIPPED: ${unavailable}`);

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.skipIf(unavailable !== undefined)('mailover doctor against NSD on loopback', () => {
  let server: DnsServer;
  beforeAll(async () => {
    server = await startNsd(ZONES);
  });
  afterAll(() => server?.stop());

  it('a ready domain: exit 0, a verdict per provider, API checks skipped without credentials', async () => {
    const result = await run(
      'doctor',
      'good.test',
      '--resolver',
      server.address,
      '--providers',
      'sendgrid,ses',
      '--dkim',
      `ses=${SES_TOKENS.join(',')}`,
      '--return-path',
      'ses=bounce.good.test',
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/sendgrid \(sendgrid\): READY/);
    expect(result.out).toMatch(/ses \(ses\): READY/);
    expect(result.out).toMatch(/\[skip\] verified\s+sendgrid: API not asked/);
  });

  it('a failing domain: exit 1, and --json prints the report', async () => {
    const result = await run(
      'doctor',
      'strict.test',
      `--resolver=${server.address}`,
      '--providers',
      'mailgun',
      '--sending-domain',
      'mg.strict.test',
      '--json',
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.out);
    expect(report).toMatchObject({
      domain: 'strict.test',
      ok: false,
      providers: [{ id: 'mailgun', verdict: 'not-ready' }],
    });
  });
});

describe('mailover doctor usage', () => {
  it('bad usage: exit 2 with the reason', async () => {
    expect(await run('doctor')).toMatchObject({
      code: 2,
      err: expect.stringContaining('give exactly one domain'),
    });
    expect(await run('doctor', 'example.com', '--providers', 'sendgird')).toMatchObject({
      code: 2,
      err: expect.stringContaining("unknown provider 'sendgird'"),
    });
    expect(await run('doctor', 'example.com', '--resolver')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--resolver needs a value'),
    });
    expect(await run('doctor', 'example.com', '--resolver', 'dns.example')).toMatchObject({
      code: 2,
      err: expect.stringContaining('is not an IP address'),
    });
    expect(await run('doctor', 'example.com', '--dkim', 'postmark=x', '--providers', 'ses')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--dkim takes <provider>=<value>'),
    });
    expect(await run('doctor', 'example.com', '--timeout', 'soon')).toMatchObject({
      code: 2,
      err: expect.stringContaining('timeoutMs'),
    });
  });
});
