/**
 * The suppression write endpoints refuse what the real APIs refuse, in each provider's own error
 * format (the SDK path through them is test/e2e/suppression-push.test.ts). SES's needs a SigV4
 * signature, so only its refusal of an unsigned request is checked here.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  for (const list of Object.values(sandbox.suppressions)) list.length = 0;
});

const post = (url: string, headers: Record<string, string>, body: string, method = 'POST') =>
  fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body });

describe('suppression writes', () => {
  it('SendGrid global unsubscribes: a key, and a non-empty recipient_emails; 201 with the body', async () => {
    const url = `${sandbox.endpoints.sendgrid}v3/asm/suppressions/global`;
    const auth = { authorization: `Bearer ${sandbox.credentials.sendgrid.apiKey}` };
    expect(
      (await post(url, { authorization: 'Bearer SG.wrong' }, '{"recipient_emails":["a@example.org"]}'))
        .status,
    ).toBe(401);
    const bad = await post(url, auth, '{"recipient_emails":[]}');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      errors: [{ message: expect.stringMatching(/recipient_emails/) }],
    });
    const good = await post(url, auth, '{"recipient_emails":["a@example.org","A@example.org"]}');
    expect(good.status).toBe(201);
    expect(await good.json()).toEqual({ recipient_emails: ['a@example.org', 'A@example.org'] });
    expect(sandbox.suppressions.sendgrid).toMatchObject([{ address: 'a@example.org', list: 'unsubscribes' }]);
  });

  it('Mailgun: a JSON array of 1 to 1 000 rows with addresses', async () => {
    const url = `${sandbox.endpoints.mailgun.replace(/\/$/, '')}/v3/${sandbox.credentials.mailgun.domain}/complaints`;
    const auth = {
      authorization: `Basic ${Buffer.from(`api:${sandbox.credentials.mailgun.apiKey}`).toString('base64')}`,
    };
    expect((await post(url, auth, '{"address":"a@example.org"}')).status).toBe(400);
    expect(
      (
        await post(
          url,
          auth,
          JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ address: `a${i}@example.org` }))),
        )
      ).status,
    ).toBe(400);
    expect((await post(url, auth, '[{"address":"nobody"}]')).status).toBe(400);
    const good = await post(
      url,
      auth,
      '[{"address":"a@example.org","created_at":"Thu, 13 Oct 2011 18:02:00 +0000"}]',
    );
    expect(await good.json()).toEqual({ message: '1 addresses have been added to the complaints table' });
    expect(sandbox.suppressions.mailgun).toEqual([
      { address: 'a@example.org', list: 'complaints', createdAt: Date.UTC(2011, 9, 13, 18, 2) },
    ]);
  });

  it('Postmark: 1 to 50 addresses in a known stream; each answered with its status', async () => {
    const base = sandbox.endpoints.postmark.replace(/\/$/, '');
    const auth = { 'x-postmark-server-token': sandbox.credentials.postmark.serverToken };
    const fifty_one = JSON.stringify({
      Suppressions: Array.from({ length: 51 }, (_, i) => ({ EmailAddress: `a${i}@example.org` })),
    });
    expect((await post(`${base}/message-streams/outbound/suppressions`, auth, fifty_one)).status).toBe(422);
    expect(
      (
        await post(
          `${base}/message-streams/nope/suppressions`,
          auth,
          '{"Suppressions":[{"EmailAddress":"a@example.org"}]}',
        )
      ).status,
    ).toBe(422);
    const answer = await post(
      `${base}/message-streams/outbound/suppressions`,
      auth,
      '{"Suppressions":[{"EmailAddress":"a@example.org"},{"EmailAddress":"broken"}]}',
    );
    expect(await answer.json()).toEqual({
      Suppressions: [
        { EmailAddress: 'a@example.org', Status: 'Suppressed', Message: null },
        { EmailAddress: 'broken', Status: 'Failed', Message: 'Invalid email address.' },
      ],
    });
    expect(sandbox.suppressions.postmark).toMatchObject([{ address: 'a@example.org', list: 'unsubscribes' }]);
  });

  it('SES: an unsigned PutSuppressedDestination is refused', async () => {
    const url = `${sandbox.endpoints.ses.replace(/\/$/, '')}/v2/email/suppression/addresses`;
    const answer = await post(url, {}, '{"EmailAddress":"a@example.org","Reason":"BOUNCE"}', 'PUT');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(sandbox.suppressions.ses).toEqual([]);
  });
});
