/**
 * Pushing mailover's list to each provider's own list through its official SDK, against the
 * sandbox's implementation of the real write endpoints: what each provider can hold goes there,
 * the rest is reported with why; pushes resume where the last ended; a provider that refuses is
 * reported while the others get theirs; learned entries are pushed as they are learned when asked,
 * and a failing push never stops a webhook. docs/suppression.md, "Pushing to the providers".
 */
import { createMailer, type Mailer, type PushReport } from '@mailover/core';
import { mailgunSuppressions } from '@mailover/mailgun';
import { postmarkSuppressions } from '@mailover/postmark';
import { resendSuppressions } from '@mailover/resend';
import { buildWebhook, type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid, sendgridSuppressions } from '@mailover/sendgrid';
import { sesSuppressions } from '@mailover/ses';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const NO_SUCH_USER =
  '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in local recipient table';

let sandbox: Sandbox;
const mailers: Mailer[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
  for (const list of Object.values(sandbox.suppressions)) list.length = 0;
  sandbox.reset();
});
afterAll(() => sandbox.close());

function targets(overrides: { sendgridKey?: string } = {}) {
  const { credentials, endpoints } = sandbox;
  return {
    sendgrid: sendgridSuppressions({
      apiKey: overrides.sendgridKey ?? credentials.sendgrid.apiKey,
      endpoint: endpoints.sendgrid,
    }),
    ses: sesSuppressions({
      region: credentials.ses.region,
      credentials: credentials.ses,
      endpoint: endpoints.ses,
    }),
    mailgun: mailgunSuppressions({
      apiKey: credentials.mailgun.apiKey,
      domain: credentials.mailgun.domain,
      endpoint: endpoints.mailgun,
    }),
    postmark: postmarkSuppressions({
      serverToken: credentials.postmark.serverToken,
      endpoint: endpoints.postmark,
    }),
    resend: resendSuppressions({ apiKey: credentials.resend.apiKey, endpoint: endpoints.resend }),
  };
}

function freshMailer(options: Parameters<typeof createMailer>[0]['suppression'] = {}): Mailer {
  const { credentials, endpoints } = sandbox;
  const mailer = createMailer({
    providers: [
      sendgrid({
        apiKey: credentials.sendgrid.apiKey,
        endpoint: endpoints.sendgrid,
        ...sandbox.webhooks.adapterOptions.sendgrid,
      }),
    ],
    suppression: options,
  });
  mailers.push(mailer);
  return mailer;
}

/** One entry of each kind, learned or added from different places. */
async function seedList(mailer: Mailer) {
  const list = mailer.suppressions;
  await list.add({ address: 'bounced@example.org', reason: 'hard_bounce', provider: 'sendgrid' });
  await list.add({ address: 'complained@example.org', reason: 'complaint', provider: 'ses' });
  await list.add({ address: 'unsubscribed@example.org', reason: 'unsubscribe' });
  await list.add({ address: 'news-only@example.org', reason: 'unsubscribe', scope: 'marketing' });
  await list.add({ address: 'manual@example.org', reason: 'manual' });
  await list.add({ address: 'full@example.org', reason: 'soft_bounce' });
}

const on = (kind: keyof Sandbox['suppressions']) =>
  sandbox.suppressions[kind].map((entry) => `${entry.list} ${entry.address}`).sort();

const skippedReasons = (report: PushReport) =>
  Object.fromEntries(report.skipped.map((skip) => [skip.reason, skip.count]));

describe('push through the official SDKs', () => {
  it('each provider gets what it has a list for; the rest is reported with why', async () => {
    const mailer = freshMailer();
    await seedList(mailer);
    const all = targets();
    const [sg, ses, mg, pm] = await mailer.suppressions.push([
      all.sendgrid,
      all.ses,
      all.mailgun,
      all.postmark,
    ]);

    // SendGrid: only global unsubscribes can be added; the bounce came from SendGrid itself.
    expect(on('sendgrid')).toEqual([
      'unsubscribes manual@example.org',
      'unsubscribes unsubscribed@example.org',
    ]);
    expect(sg).toMatchObject({ provider: 'sendgrid', pushed: 2, fromProvider: 1 });
    expect(skippedReasons(sg!)).toEqual({ complaint: 1, unsubscribe: 1, soft_bounce: 1 });
    expect(sg!.skipped.find((skip) => skip.reason === 'complaint')?.why).toMatch(/cannot add spam reports/);
    expect(sg!.skipped.find((skip) => skip.reason === 'unsubscribe')).toMatchObject({
      why: expect.stringMatching(/scoped to the stream marketing/),
      examples: ['news-only@example.org'],
    });

    // SES: BOUNCE and COMPLAINT only; the complaint came from SES.
    expect(on('ses')).toEqual(['bounces bounced@example.org']);
    expect(ses).toMatchObject({ pushed: 1, fromProvider: 1 });
    expect(skippedReasons(ses!)).toEqual({ unsubscribe: 2, manual: 1, soft_bounce: 1 });

    // Mailgun: bounces, complaints and unsubscribes (tag *), every lasting reason of scope *.
    expect(on('mailgun')).toEqual([
      'bounces bounced@example.org',
      'complaints complained@example.org',
      'unsubscribes manual@example.org',
      'unsubscribes unsubscribed@example.org',
    ]);
    expect(sandbox.suppressions.mailgun.find((entry) => entry.list === 'bounces')?.reason).toMatch(
      /^550 suppressed by mailover \(hard_bounce, learned from sendgrid\)/,
    );
    expect(mg).toMatchObject({ pushed: 4, fromProvider: 0 });
    expect(skippedReasons(mg!)).toEqual({ unsubscribe: 1, soft_bounce: 1 });

    // Postmark: manual suppressions only, in the configured stream (outbound).
    expect(on('postmark')).toEqual([
      'unsubscribes manual@example.org',
      'unsubscribes unsubscribed@example.org',
    ]);
    expect(pm).toMatchObject({ pushed: 2 });
    expect(skippedReasons(pm!)).toEqual({ hard_bounce: 1, complaint: 1, unsubscribe: 1, soft_bounce: 1 });
    expect(pm!.skipped.find((skip) => skip.reason === 'hard_bounce')?.why).toMatch(
      /only manual suppressions/,
    );
    for (const report of [sg, ses, mg, pm]) expect(report!.failed).toBeUndefined();

    // Resend (private-beta API): manual suppressions only, like Postmark.
    const [re] = await mailer.suppressions.push(all.resend);
    expect(on('resend')).toEqual([
      'unsubscribes manual@example.org',
      'unsubscribes unsubscribed@example.org',
    ]);
    expect(re).toMatchObject({ provider: 'resend', pushed: 2 });
    expect(skippedReasons(re!)).toEqual({ hard_bounce: 1, complaint: 1, unsubscribe: 1, soft_bounce: 1 });
  });

  it('Resend: its list read back through the SDK, 100 a page with the after cursor', async () => {
    for (let index = 0; index < 250; index++) {
      sandbox.suppressions.resend.push({
        address: `r${index}@example.org`,
        list: index % 10 === 0 ? 'complaints' : 'bounces',
        createdAt: Date.UTC(2026, 5, 1),
      });
    }
    sandbox.suppressions.resend.push({ address: 'by-hand@example.org', list: 'unsubscribes', createdAt: 0 });
    const mailer = freshMailer();
    expect(await mailer.suppressions.sync(targets().resend)).toEqual({ added: 251, refused: [] });
    expect(await mailer.suppressions.has('r249@example.org')).toMatchObject({
      reason: 'hard_bounce',
      provider: 'resend',
    });
    expect(await mailer.suppressions.has('r240@example.org')).toMatchObject({ reason: 'complaint' });
    expect(await mailer.suppressions.has('by-hand@example.org')).toMatchObject({ reason: 'manual' });
    const wrong = resendSuppressions({ apiKey: 're_wrong', endpoint: sandbox.endpoints.resend });
    await expect(mailer.suppressions.sync(wrong)).rejects.toThrow(/403 invalid_api_key/);
  });

  it('resumes where the last push ended; from: "start" pushes everything again', async () => {
    const mailer = freshMailer();
    const { mailgun } = targets();
    for (let index = 0; index < 2_500; index++) {
      await mailer.suppressions.add({ address: `u${index}@example.org`, reason: 'unsubscribe' });
    }
    expect((await mailer.suppressions.push(mailgun))[0]).toMatchObject({ pushed: 2_500 });
    expect(sandbox.suppressions.mailgun).toHaveLength(2_500);
    expect((await mailer.suppressions.push(mailgun))[0]).toMatchObject({ pushed: 0 });
    await mailer.suppressions.add({ address: 'late@example.org', reason: 'complaint' });
    expect((await mailer.suppressions.push(mailgun))[0]).toMatchObject({ pushed: 1 });
    expect(on('mailgun')).toContain('complaints late@example.org');
    expect((await mailer.suppressions.push(mailgun, { from: 'start' }))[0]).toMatchObject({ pushed: 2_501 });
    expect(sandbox.suppressions.mailgun).toHaveLength(2_501); // adding again changes nothing there
    // After a compaction the mark is from an older index: the next push starts over (harmless).
    await mailer.suppressions.remove('u0@example.org');
    await mailer.suppressions.compact();
    expect((await mailer.suppressions.push(mailgun))[0]).toMatchObject({ pushed: 2_500 });
  });

  it('a provider that refuses is reported and resumed later; the others still get theirs', async () => {
    const mailer = freshMailer();
    await seedList(mailer);
    const wrong = targets({ sendgridKey: 'SG.wrong' });
    const [sg, mg] = await mailer.suppressions.push([wrong.sendgrid, wrong.mailgun]);
    expect(sg).toMatchObject({ pushed: 0, failed: expect.stringMatching(/Unauthorized|401|invalid/i) });
    expect(sg!.failed).not.toContain('SG.wrong');
    expect(mg).toMatchObject({ pushed: 4 });
    expect(on('sendgrid')).toEqual([]);
    // With the right key the next push sends what the failed one did not.
    expect((await mailer.suppressions.push(targets().sendgrid))[0]).toMatchObject({ pushed: 2 });
    expect(on('sendgrid')).toHaveLength(2);
  });

  it('sync with push: each provider gets what the others taught', async () => {
    sandbox.suppressions.sendgrid.push({
      address: 'sg-bounce@example.org',
      list: 'bounces',
      reason: NO_SUCH_USER,
      createdAt: Date.UTC(2026, 5, 1),
    });
    sandbox.suppressions.ses.push({
      address: 'ses-complaint@example.org',
      list: 'complaints',
      createdAt: Date.UTC(2026, 5, 2),
    });
    sandbox.suppressions.postmark.push({
      address: 'pm-unsub@example.org',
      list: 'unsubscribes',
      createdAt: Date.UTC(2026, 5, 3),
    });
    const mailer = freshMailer();
    const all = targets();
    const report = await mailer.suppressions.sync([all.sendgrid, all.ses, all.mailgun, all.postmark], {
      push: true,
    });
    expect(report).toMatchObject({ added: 3, refused: [] });
    expect(report.pushed?.map((pushed) => [pushed.provider, pushed.pushed])).toEqual([
      ['sendgrid', 1], // the Postmark unsubscribe
      ['ses', 1], // the SendGrid bounce
      ['mailgun', 3],
      ['postmark', 0], // a bounce and a complaint it cannot hold; its own unsubscribe is not sent back
    ]);
    expect(on('ses')).toEqual(['bounces sg-bounce@example.org', 'complaints ses-complaint@example.org']);
    // Read back through the SDK: SES's list now has SendGrid's bounce.
    const again = freshMailer();
    expect(await again.suppressions.sync(all.ses)).toMatchObject({ added: 2 });
    expect(await again.suppressions.has('sg-bounce@example.org')).toMatchObject({
      reason: 'hard_bounce',
      provider: 'ses',
    });
  });

  it('a bad target is a ConfigurationError naming where', async () => {
    const mailer = freshMailer();
    await expect(mailer.suppressions.push([{} as never])).rejects.toThrow(
      /suppressions.push: targets\[0\] is not/,
    );
    expect(() => freshMailer({ pushOnLearn: [{ provider: 'x' } as never] })).toThrow(
      /suppression.pushOnLearn\[0\] is not a provider's suppression list/,
    );
  });
});

describe('pushOnLearn', () => {
  async function learnBounce(mailer: Mailer, recipient: string) {
    const sent = await mailer.send({ from: 'shop@example.test', to: recipient, subject: 'Hi', text: 'Hi' });
    const accepted = sandbox.messages.find((entry) => entry.providerMessageId === sent.providerMessageId)!;
    const built = buildWebhook(
      'sendgrid',
      { type: 'bounced', message: accepted, recipient, time: Date.now(), smtpReply: NO_SUCH_USER },
      sandbox.webhooks.keys,
    );
    const response = await mailer.webhooks.handle(
      'sendgrid',
      new Request('http://127.0.0.1/webhooks/sendgrid', {
        method: 'POST',
        headers: built.headers,
        body: built.body,
      }),
    );
    expect(response.status).toBe(200);
  }

  it('a bounce learned from SendGrid reaches SES and Mailgun, not SendGrid itself', async () => {
    const all = targets();
    const mailer = freshMailer({ pushOnLearn: [all.sendgrid, all.ses, all.mailgun] });
    await learnBounce(mailer, 'gone@example.org');
    await vi.waitFor(() => {
      expect(on('ses')).toEqual(['bounces gone@example.org']);
      expect(on('mailgun')).toEqual(['bounces gone@example.org']);
    });
    expect(on('sendgrid')).toEqual([]);
    // Manual adds are not pushed on learn: the next explicit push sends them.
    await mailer.suppressions.add({ address: 'by-hand@example.org', reason: 'hard_bounce' });
    await learnBounce(mailer, 'gone-too@example.org'); // pushed in order: had by-hand been queued, it would be there first
    await vi.waitFor(() => expect(on('ses')).toContain('bounces gone-too@example.org'));
    expect(on('ses')).toEqual(['bounces gone-too@example.org', 'bounces gone@example.org']);
  });

  it('a provider refusing the push is a warning; the webhook was answered and mailover still stops the mail', async () => {
    const warnings: string[] = [];
    const listen = (warning: Error) => warnings.push(warning.message);
    process.on('warning', listen);
    try {
      const { credentials, endpoints } = sandbox;
      const refusing = sesSuppressions({
        region: credentials.ses.region,
        credentials: { accessKeyId: credentials.ses.accessKeyId, secretAccessKey: 'wrong-secret' },
        endpoint: endpoints.ses,
      });
      const mailer = freshMailer({ pushOnLearn: [refusing] });
      await learnBounce(mailer, 'dead@example.org');
      await vi.waitFor(() =>
        expect(warnings.join('\n')).toMatch(/could not push 1 learned suppression\(s\) to ses/),
      );
      expect(warnings.join('\n')).not.toContain('wrong-secret');
      expect(await mailer.suppressions.has('dead@example.org')).toMatchObject({ reason: 'hard_bounce' });
      expect(on('ses')).toEqual([]);
    } finally {
      process.off('warning', listen);
    }
  });
});
