import { createMailer } from '@mailover/core';
import { startSandbox } from '@mailover/sandbox';
import { afterAll, expect, it } from 'vitest';
import { resend } from '../src/index.js';

const sandbox = await startSandbox();
afterAll(() => sandbox.close());

it('the sandbox view places a faulted Resend call and the accepted copy on one timeline, by Message-ID', async () => {
  // One reset for the next Resend call, set through the view's control API as a script would.
  const fault = await fetch(`${sandbox.url}/_sandbox/faults/resend/next`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'outage' }),
  });
  expect(fault.status).toBeLessThan(300);
  const provider = resend({ apiKey: sandbox.credentials.resend.apiKey, endpoint: sandbox.endpoints.resend });
  const result = await createMailer({ providers: [provider], retry: { retries: 1, minDelayMs: 1 } }).send({
    from: 'shop@example.com',
    to: 'ada@example.org',
    subject: 'Receipt',
    text: 'Paid.',
  });
  expect(result.attempts.map((attempt) => attempt.code)).toEqual(['provider_unavailable', 'ok']);

  const inbox = (await (await fetch(`${sandbox.url}/_sandbox/inbox`)).json()) as {
    id: string;
    provider: string;
    messageId: string;
  }[];
  const copy = inbox.find((entry) => entry.messageId === result.messageId);
  expect(copy?.provider).toBe('resend');
  const timeline = (await (await fetch(`${sandbox.url}/_sandbox/messages/${copy!.id}/timeline`)).json()) as {
    messageId: string;
    entries: { kind: string; tone: string; provider: string }[];
  };
  expect(timeline.messageId).toBe(result.messageId);
  const calls = timeline.entries.filter((entry) => entry.kind === 'call' && entry.provider === 'resend');
  // The faulted call was never parsed, yet it is placed on this message's timeline.
  expect(calls.map((entry) => entry.tone)).toEqual(['fault', expect.not.stringMatching(/^fault$/)]);
});
