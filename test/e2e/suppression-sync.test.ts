/**
 * Importing each provider's own suppression list through its official SDK, against the sandbox's
 * implementation of the real endpoints with paging (SendGrid limit/offset, SES NextToken, Mailgun's
 * paging links; Postmark's dump comes whole). docs/suppression.md, "Sync with the providers".
 */
import { ConfigurationError, createMailer, type Mailer, type SuppressionSource } from '@mailover/core';
import { mailgunSuppressions } from '@mailover/mailgun';
import { postmarkSuppressions } from '@mailover/postmark';
import { type Sandbox, type SandboxSuppression, startSandbox } from '@mailover/sandbox';
import { sendgrid, sendgridSuppressions } from '@mailover/sendgrid';
import { sesSuppressions } from '@mailover/ses';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const NO_SUCH_USER =
  '550 5.1.1 <x@example.org>: Recipient address rejected: User unknown in local recipient table';
const SPAMHAUS = '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org';
const CREATED = Date.UTC(2026, 5, 1, 12, 0, 0);

let sandbox: Sandbox;
let mailer: Mailer;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(async () => {
  await mailer?.close();
  for (const list of Object.values(sandbox.suppressions)) list.length = 0;
});
afterAll(() => sandbox.close());

/** A fresh mailer (its own memory store) with nothing suppressed. */
function freshMailer(): Mailer {
  const { credentials, endpoints } = sandbox;
  mailer = createMailer({
    providers: [sendgrid({ apiKey: credentials.sendgrid.apiKey, endpoint: endpoints.sendgrid })],
  });
  return mailer;
}

function seed(
  list: SandboxSuppression[],
  count: number,
  entry: (index: number) => Omit<SandboxSuppression, 'createdAt'>,
) {
  for (let index = 0; index < count; index++) list.push({ createdAt: CREATED, ...entry(index) });
}

async function everything(target: Mailer) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await target.suppressions.list({ limit: 1_000, ...(cursor ? { cursor } : {}) });
    all.push(...page.entries);
    cursor = page.next;
  } while (cursor);
  return all;
}

/** Counts the source's pages while the mailer syncs from it. */
function counted(source: SuppressionSource): { source: SuppressionSource; pages: () => number } {
  let pages = 0;
  return {
    source: {
      provider: source.provider,
      page: (cursor) => {
        pages += 1;
        return source.page(cursor);
      },
    },
    pages: () => pages,
  };
}

describe('sync through the official SDKs', () => {
  it('SendGrid: bounces, blocks, spam reports and unsubscribes, 500 a page; a block about the sender is left out', async () => {
    const list = sandbox.suppressions.sendgrid;
    seed(list, 1_203, (index) => ({
      address: `bounce${index}@example.org`,
      list: 'bounces',
      reason: NO_SUCH_USER,
    }));
    seed(list, 2, (index) => ({ address: `blocked${index}@example.org`, list: 'blocks', reason: SPAMHAUS }));
    seed(list, 3, (index) => ({ address: `spam${index}@example.org`, list: 'spam_reports' }));
    seed(list, 4, (index) => ({ address: `unsub${index}@example.org`, list: 'unsubscribes' }));
    const { credentials, endpoints } = sandbox;
    const { source, pages } = counted(
      sendgridSuppressions({ apiKey: credentials.sendgrid.apiKey, endpoint: endpoints.sendgrid }),
    );
    const report = await freshMailer().suppressions.sync(source);
    expect(report).toEqual({ added: 1_210, refused: [] });
    expect(pages()).toBe(6); // 3 pages of bounces, then one of each other list
    const all = await everything(mailer);
    expect(all).toHaveLength(1_210);
    expect(all.filter((entry) => entry.reason === 'hard_bounce')).toHaveLength(1_203);
    expect(all.filter((entry) => entry.reason === 'complaint')).toHaveLength(3);
    expect(all.filter((entry) => entry.reason === 'unsubscribe')).toHaveLength(4);
    expect(await mailer.suppressions.has('blocked0@example.org')).toBeUndefined();
    expect(await mailer.suppressions.has('bounce1202@example.org')).toMatchObject({
      provider: 'sendgrid',
      since: CREATED,
    });
  });

  it('SendGrid: a wrong key is refused by the API, not silently an empty list', async () => {
    const source = sendgridSuppressions({ apiKey: 'SG.wrong', endpoint: sandbox.endpoints.sendgrid });
    await expect(freshMailer().suppressions.sync(source)).rejects.toThrow();
  });

  it('SES: the account-level list, 1 000 a page through NextToken', async () => {
    seed(sandbox.suppressions.ses, 2_345, (index) => ({
      address: `ses${index}@example.org`,
      list: index % 5 === 0 ? 'complaints' : 'bounces',
    }));
    const { credentials, endpoints } = sandbox;
    const { source, pages } = counted(
      sesSuppressions({
        region: credentials.ses.region,
        credentials: credentials.ses,
        endpoint: endpoints.ses,
      }),
    );
    expect(await freshMailer().suppressions.sync(source)).toEqual({ added: 2_345, refused: [] });
    expect(pages()).toBe(3);
    const all = await everything(mailer);
    expect(all.filter((entry) => entry.reason === 'complaint')).toHaveLength(469);
    expect(await mailer.suppressions.has('ses2344@example.org')).toMatchObject({
      reason: 'hard_bounce',
      provider: 'ses',
      since: CREATED,
    });
  });

  it('Mailgun: bounces, complaints and unsubscribes following the paging links', async () => {
    const list = sandbox.suppressions.mailgun;
    seed(list, 2_100, (index) => ({
      address: `mg${index}@example.org`,
      list: 'bounces',
      reason: NO_SUCH_USER,
    }));
    seed(list, 1, () => ({ address: 'mg-listed@example.org', list: 'bounces', reason: SPAMHAUS }));
    seed(list, 2, (index) => ({ address: `mg-spam${index}@example.org`, list: 'complaints' }));
    seed(list, 2, (index) => ({ address: `mg-unsub${index}@example.org`, list: 'unsubscribes' }));
    const { credentials, endpoints } = sandbox;
    const { source, pages } = counted(
      mailgunSuppressions({
        apiKey: credentials.mailgun.apiKey,
        domain: credentials.mailgun.domain,
        endpoint: endpoints.mailgun,
      }),
    );
    expect(await freshMailer().suppressions.sync(source)).toEqual({ added: 2_104, refused: [] });
    // bounces: 3 full pages and an empty one; complaints and unsubscribes: one page and an empty one each.
    expect(pages()).toBe(8);
    expect(await mailer.suppressions.has('mg2099@example.org')).toMatchObject({
      reason: 'hard_bounce',
      since: CREATED,
    });
    expect(await mailer.suppressions.has('mg-listed@example.org')).toBeUndefined();
    expect(await mailer.suppressions.has('mg-unsub1@example.org')).toMatchObject({ reason: 'unsubscribe' });
  });

  it('Postmark: the suppression dump of a stream', async () => {
    const list = sandbox.suppressions.postmark;
    seed(list, 3, (index) => ({ address: `pm${index}@example.org`, list: 'bounces' }));
    seed(list, 1, () => ({ address: 'pm-spam@example.org', list: 'complaints' }));
    seed(list, 1, () => ({ address: 'pm-unsub@example.org', list: 'unsubscribes' }));
    const { credentials, endpoints } = sandbox;
    const source = postmarkSuppressions({
      serverToken: credentials.postmark.serverToken,
      endpoint: endpoints.postmark,
    });
    expect(await freshMailer().suppressions.sync(source)).toEqual({ added: 5, refused: [] });
    expect((await everything(mailer)).map((entry) => [entry.address, entry.reason])).toEqual([
      ['pm0@example.org', 'hard_bounce'],
      ['pm1@example.org', 'hard_bounce'],
      ['pm2@example.org', 'hard_bounce'],
      ['pm-spam@example.org', 'complaint'],
      ['pm-unsub@example.org', 'unsubscribe'],
    ]);
  });

  it('a bad page size or stream list is a ConfigurationError naming the option', () => {
    for (const make of [
      () => sendgridSuppressions({ pageSize: 501 }),
      () => sesSuppressions({ pageSize: Number.NaN }),
      () => mailgunSuppressions({ pageSize: 0 }),
    ]) {
      expect(make).toThrow(ConfigurationError);
      expect(make).toThrow(/pageSize/);
    }
    expect(() => postmarkSuppressions({ streams: [] })).toThrow(/streams/);
  });
});
