/**
 * The sandbox's timeline over the real SDKs' requests: every provider's faulted calls and the copy
 * that got through line up under one Message-ID (docs/sandbox-view.md), whatever each SDK's format.
 */
import { startSandbox } from '@mailover/sandbox';
import { expect, it } from 'vitest';
import { demoMailer } from '../demo-mailer.js';

it('places the faulted calls of SendGrid, SES and Mailgun and the Postmark copy on one timeline', async () => {
  const sandbox = await startSandbox();
  const mailer = demoMailer(sandbox);
  try {
    sandbox.faults.set('sendgrid', { kind: 'outage' });
    sandbox.faults.set('ses', { kind: 'server_error' });
    sandbox.faults.set('mailgun', { kind: 'account_suspended' });
    const result = await mailer.send({
      from: 'shop@example.test',
      to: 'ada@example.org',
      subject: 'Across four',
      text: 'hi',
      attachments: [{ filename: 'a.txt', content: 'a' }],
    });
    expect(result.provider).toBe('postmark');
    const [copy] = (await (await fetch(`${sandbox.url}/_sandbox/inbox`)).json()) as { id: number }[];
    const timeline = (await (
      await fetch(`${sandbox.url}/_sandbox/messages/${copy!.id}/timeline`)
    ).json()) as {
      providers: string[];
      entries: { kind: string; provider?: string; title: string }[];
    };
    expect(timeline.providers).toEqual(['sendgrid', 'ses', 'mailgun', 'postmark']);
    const calls = timeline.entries.filter((entry) => entry.kind === 'call');
    expect(calls.length).toBe(result.attempts.length);
    expect(calls.at(-1)).toMatchObject({ provider: 'postmark', title: 'POST /email → 200' });
    expect(timeline.entries.filter((entry) => entry.kind === 'failover').map((entry) => entry.title)).toEqual(
      ['failover sendgrid → ses', 'failover ses → mailgun', 'failover mailgun → postmark'],
    );
  } finally {
    await mailer.close();
    await sandbox.close();
  }
}, 60_000);
