/**
 * The suppression list end to end, through the real SDKs and the sandbox: a signed SendGrid hard
 * bounce, then SendGrid down; the next message to that address is not sent to SES, one to another
 * address is. And each adapter sends only the recipients the engine leaves in. docs/suppression.md.
 */
import { createMailer, type Mailer, SendError } from '@mailover/core';
import { buildWebhook, type Sandbox, type SandboxProviderKind, startSandbox } from '@mailover/sandbox';
import { sandboxProviders } from './sandbox-providers.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const KINDS: SandboxProviderKind[] = ['sendgrid', 'ses', 'mailgun', 'postmark'];
const NO_SUCH_USER =
  "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. Learn more at https://support.google.com/mail/?p=NoSuchUser";

let sandbox: Sandbox;
let mailer: Mailer;

beforeAll(async () => {
  sandbox = await startSandbox();
  mailer = createMailer({
    providers: sandboxProviders(sandbox),
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 },
    breaker: false,
  });
});

afterEach(() => {
  sandbox.faults.clear();
  sandbox.reset();
});

afterAll(async () => {
  await mailer.close();
  await sandbox.close();
});

const message = (to: string | string[]) => ({
  from: 'Shop <shop@example.test>',
  to,
  subject: 'Receipt',
  text: 'Thanks',
});

/** POST a webhook the way SendGrid would: signed with the sandbox's key, to the mailer's handler. */
async function postWebhook(kind: SandboxProviderKind, built: ReturnType<typeof buildWebhook>) {
  const response = await mailer.webhooks.handle(
    kind,
    new Request(`http://127.0.0.1/webhooks/${kind}`, {
      method: 'POST',
      headers: built.headers,
      body: built.body,
    }),
  );
  expect(response.status).toBe(200);
  return response.json() as Promise<{ stored: number }>;
}

/** Send through SendGrid, then post SendGrid's signed bounce of that message with `reply`. */
async function sendThenBounce(recipient: string, reply: string) {
  const sent = await mailer.send(message(recipient), { providers: ['sendgrid'] });
  expect(sent.provider).toBe('sendgrid');
  const accepted = sandbox.messages.find((entry) => entry.providerMessageId === sent.providerMessageId)!;
  const bounce = buildWebhook(
    'sendgrid',
    { type: 'bounced', message: accepted, recipient, time: Date.now(), smtpReply: reply },
    sandbox.webhooks.keys,
  );
  expect(await postWebhook('sendgrid', bounce)).toMatchObject({ stored: 1 });
}

describe('a SendGrid hard bounce, then SendGrid down', () => {
  it('the next message to that address is not sent to SES; one to another address is', async () => {
    await sendThenBounce('dead@example.org', NO_SUCH_USER);
    expect(await mailer.suppressions.has('dead@example.org')).toMatchObject({
      reason: 'hard_bounce',
      provider: 'sendgrid',
    });

    sandbox.reset();
    sandbox.faults.set('sendgrid', { kind: 'outage' });
    const error = (await mailer
      .send(message('dead@example.org'), { providers: ['sendgrid', 'ses'] })
      .catch((caught) => caught)) as SendError;
    expect(SendError.isInstance(error) && error.code).toBe('recipient_suppressed');
    expect(sandbox.requests).toMatchObject({ sendgrid: 0, ses: 0 });

    const other = await mailer.send(message('alive@example.org'), { providers: ['sendgrid', 'ses'] });
    expect(other.provider).toBe('ses');
    expect(sandbox.requests.sendgrid).toBeGreaterThan(0);
    expect(sandbox.messages.map((entry) => entry.provider)).toEqual(['ses']);
  });

  it('a bounce about the sender (Spamhaus) leaves the recipient on the list of the living', async () => {
    await sendThenBounce(
      'listed@example.org',
      '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
    );
    expect(await mailer.suppressions.has('listed@example.org')).toBeUndefined();
  });
});

describe.each(KINDS)('%s sends only the recipients left after the check', (kind) => {
  it('a suppressed cc and bcc are not in the request', async () => {
    await mailer.suppressions.add({ address: `cc-${kind}@example.org`, reason: 'complaint' });
    await mailer.suppressions.add({ address: `bcc-${kind}@example.org`, reason: 'hard_bounce' });
    const result = await mailer.send(
      {
        ...message(`to-${kind}@example.org`),
        cc: [`cc-${kind}@example.org`, `cc2-${kind}@example.org`],
        bcc: `bcc-${kind}@example.org`,
      },
      { providers: [kind] },
    );
    expect(result.suppressed?.map((entry) => entry.address)).toEqual([
      `cc-${kind}@example.org`,
      `bcc-${kind}@example.org`,
    ]);
    const [accepted] = sandbox.messages;
    const all = [...accepted!.to, ...accepted!.cc, ...accepted!.bcc].map((entry) => entry.address);
    expect(all.sort()).toEqual([`cc2-${kind}@example.org`, `to-${kind}@example.org`]);
  });
});
