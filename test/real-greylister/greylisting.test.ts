/**
 * The greylisting loop on a real greylister: Postfix + postgrey on loopback (delay 3 s, keyed by
 * /24, as postgrey ≥ 1.37 does). The "rotating" provider is SendGrid through its official SDK and
 * the sandbox, whose MTA delivers over real SMTP from a new /24 on every retry and reports each
 * 450 through a signed SendGrid webhook. The fixed-IP provider is @mailover/smtp sending from one
 * address.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMailer, type GreylistPolicy, type Mailer, type MessageStatus } from '@mailover/core';
import { type Sandbox, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { smtp } from '@mailover/smtp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, nsdUnavailableReason, startNsd } from '../dns-server/nsd.js';
import {
  RECIPIENT_LIMIT,
  type RealGreylister,
  startRealGreylister,
  TEST_DOMAIN,
  unavailableReason,
} from './harness.js';

const reason = unavailableReason();
if (reason) console.log(`real greylister suite skipped: ${reason}`);
const dnsReason = nsdUnavailableReason();
if (!reason && dnsReason) console.log(`real greylister MX-memory case skipped: ${dnsReason}`);

/** Two recipient domains whose MX is the one Postfix + postgrey (as behind a hosted filtering service). */
const SHARED_MX_DOMAINS = ['uni-a.test', 'uni-b.test'];
const SHARED_MX = 'mx.greylister.test';

const DELAY_SECONDS = 3;
// One address per /24: every retry of the rotating provider is a new postgrey triplet.
const ROTATING_POOL = Array.from({ length: 16 }, (_, index) => `127.${index + 1}.0.10`);
const FIXED_IP = '127.0.0.200';
const RETRY_MS = 3_500;

describe.skipIf(reason !== undefined)('greylisting loop on Postfix + postgrey', () => {
  let greylister: RealGreylister;
  let sandbox: Sandbox;
  let server: Server;
  let mailer: Mailer | undefined;
  let dns: DnsServer | undefined;

  beforeAll(async () => {
    greylister = await startRealGreylister(DELAY_SECONDS, [TEST_DOMAIN, ...SHARED_MX_DOMAINS]);
    if (!dnsReason) {
      dns = await startNsd({
        ...Object.fromEntries(SHARED_MX_DOMAINS.map((domain) => [domain, [`@ MX 10 ${SHARED_MX}.`]])),
        'greylister.test': [`mx A ${greylister.host}`],
      });
    }
    server = createServer((request, response) => {
      if (mailer) mailer.webhooks.node('sendgrid')(request, response);
      else response.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sandbox = await startSandbox({
      webhooks: {
        urls: { sendgrid: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` },
        smtp: {
          host: greylister.host,
          port: greylister.port,
          pool: ROTATING_POOL,
          scheduleMs: [0, RETRY_MS, RETRY_MS, RETRY_MS, RETRY_MS, RETRY_MS],
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await mailer?.close();
    await sandbox?.close();
    server?.close();
    await dns?.stop();
    await greylister?.stop();
  });

  const makeMailer = (greylisting: false | undefined | GreylistPolicy) =>
    createMailer({
      providers: [
        sendgrid({
          apiKey: sandbox.credentials.sendgrid.apiKey,
          endpoint: sandbox.endpoints.sendgrid,
          ...sandbox.webhooks.adapterOptions.sendgrid,
        }),
        smtp({
          id: 'relay',
          host: greylister.host,
          port: greylister.port,
          localAddress: FIXED_IP,
          pool: false,
          greylistingRetryAfterMs: RETRY_MS,
          tls: { rejectUnauthorized: false },
        }),
      ],
      ...(greylisting === undefined ? {} : { greylisting }),
    });

  async function waitFor(
    id: string,
    done: (status: MessageStatus | undefined) => boolean,
    timeoutMs: number,
  ): Promise<MessageStatus | undefined> {
    const deadline = Date.now() + timeoutMs;
    // Sent with send(), so accepted: the status is always a sent one.
    const read = async () => {
      const found = await mailer!.status(id);
      return found?.state === 'sent' ? found : undefined;
    };
    let status = await read();
    while (!done(status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = await read();
    }
    return status;
  }

  it('with failover off, the rotating provider loops: still undelivered when the test gives up', async () => {
    mailer = makeMailer(false);
    const recipient = `loop-${randomUUID().slice(0, 8)}@${greylister.domain}`;
    const sent = await mailer.send({
      from: 'shop@sender.test',
      to: recipient,
      subject: 'Code',
      text: '123456',
    });
    expect(sent.provider).toBe('sendgrid');
    const status = await waitFor(
      sent.id,
      (current) => (current?.history.filter((entry) => entry.type === 'deferred').length ?? 0) >= 5,
      30_000,
    );
    const deferrals = status!.history.filter((entry) => entry.type === 'deferred');
    expect(deferrals.length).toBeGreaterThanOrEqual(5);
    // postgrey's own reply, carried through SendGrid's webhook, classified as greylisting …
    expect(deferrals[0]?.smtp?.text).toMatch(/450 4\.2\.0 .*Greylisted/);
    expect(deferrals.every((entry) => entry.smtp?.category === 'greylisting')).toBe(true);
    // … from a different /24 every time: a new triplet every time.
    expect(new Set(deferrals.map((entry) => entry.sendingIp?.split('.').slice(0, 3).join('.'))).size).toBe(
      deferrals.length,
    );
    expect(status!.recipients[recipient]?.state).toBe('deferred');
    expect(greylister.logFor(recipient).some((line) => /status=sent/.test(line))).toBe(false);
    await mailer.close();
    mailer = undefined;
  }, 45_000);

  it('with failover on, the loop is detected and the fixed IP delivers; nothing lost', async () => {
    mailer = makeMailer(undefined);
    const decisions: string[] = [];
    mailer.on('greylist-loop', (event) => decisions.push(`loop:${event.rule}`));
    mailer.on('greylist-failover', (event) => decisions.push(`failover:${event.provider}`));
    const recipient = `fixed-${randomUUID().slice(0, 8)}@${greylister.domain}`;
    const sent = await mailer.send({
      from: 'shop@sender.test',
      to: recipient,
      subject: 'Code',
      text: '654321',
    });
    expect(sent.provider).toBe('sendgrid');
    const status = await waitFor(
      sent.id,
      (current) =>
        current?.history.some(
          (entry) => entry.type === 'failover-sent' || entry.type === 'failover-failed',
        ) ?? false,
      30_000,
    );
    expect(status?.history.find((entry) => entry.type === 'failover-failed')).toBeUndefined();
    expect(decisions[0]).toMatch(/^loop:(count|networks)$/);
    expect(decisions).toContain('failover:relay');
    expect(status?.recipients[recipient]).toMatchObject({ state: 'failed_over', provider: 'relay' });
    // Postfix accepted it from the fixed address, after one greylisting delay of its own.
    const lines = greylister.logFor(recipient);
    expect(lines.some((line) => line.includes(`[${FIXED_IP}]`) && line.includes('Greylisted'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(greylister.logFor(recipient).some((line) => /status=sent/.test(line))).toBe(true);
    // The next message to that domain goes to the fixed provider first.
    const next = await mailer.send({
      from: 'shop@sender.test',
      to: `next-${recipient}`,
      subject: 'Again',
      text: 'x',
    });
    expect(next.provider).toBe('relay');
  }, 45_000);

  it.skipIf(dnsReason !== undefined)(
    'MX memory: after one domain loops, a second domain behind the same MX goes to the fixed IP first, without a loop',
    async () => {
      mailer = makeMailer({ mx: { resolver: dns!.address } });
      const loops: string[] = [];
      const routes: unknown[] = [];
      mailer.on('greylist-loop', (event) => loops.push(event.recipient));
      mailer.on('domain-route', (event) => routes.push(event));
      const tag = randomUUID().slice(0, 8);
      const first = `first-${tag}@uni-a.test`;
      const second = `second-${tag}@uni-b.test`;

      // uni-a.test: the rotating provider loops, the fixed IP delivers, and uni-a.test's MX is learned.
      const sent = await mailer.send({ from: 'shop@sender.test', to: first, subject: 'Code', text: '1' });
      expect(sent.provider).toBe('sendgrid');
      const status = await waitFor(
        sent.id,
        (current) => current?.history.some((entry) => entry.type === 'failover-sent') ?? false,
        30_000,
      );
      expect(status?.recipients[first]).toMatchObject({ state: 'failed_over', provider: 'relay' });
      expect(loops).toEqual([first]);

      // uni-b.test never looped; its first message goes to the fixed IP because its MX did.
      const next = await mailer.send({ from: 'shop@sender.test', to: second, subject: 'Code', text: '2' });
      expect(next.provider).toBe('relay');
      expect(routes).toEqual([
        {
          id: next.id,
          domain: 'uni-b.test',
          provider: 'relay',
          rule: 'mx',
          mxHost: SHARED_MX,
          learnedFrom: 'uni-a.test',
        },
      ]);
      const history = (await mailer.status(next.id))?.history ?? [];
      expect(history.find((entry) => entry.type === 'routed')?.detail).toContain(
        `uni-b.test's MX ${SHARED_MX} greylisted uni-a.test before`,
      );
      // Postfix took it from the fixed address (after postgrey's one delay for that new triplet);
      // the rotating provider never carried it, so there was no loop and nothing to duplicate.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const lines = greylister.logFor(second);
      expect(lines.some((line) => /status=sent/.test(line))).toBe(true);
      expect(
        lines.filter((line) => line.includes('Greylisted')).every((line) => line.includes(`[${FIXED_IP}]`)),
      ).toBe(true);
      expect(sandbox.messages.some((message) => message.to.some((to) => to.address === second))).toBe(false);
      expect(loops).toEqual([first]);
    },
    60_000,
  );
  it('a relay with a recipient limit (Postfix smtpd_recipient_limit) gets every recipient, in transactions of the limit', async () => {
    const relay = smtp({
      host: greylister.host,
      port: greylister.limitedPort,
      localAddress: FIXED_IP,
      pool: false,
    });
    const limited = createMailer({ providers: [relay] });
    try {
      const run = randomUUID().slice(0, 8);
      const recipients = Array.from(
        { length: 2 * RECIPIENT_LIMIT + 1 },
        (_, index) => `many-${run}-${index}@${greylister.domain}`,
      );
      const sent = await limited.send({
        from: 'shop@sender.test',
        to: recipients,
        subject: 'All of you',
        text: 'x',
      });
      expect(sent.rejected).toBeUndefined();
      expect(sent.attempts).toHaveLength(1);
      // Postfix's own log: each recipient delivered (to the discard transport) once.
      const deadline = Date.now() + 10_000;
      const delivered = () =>
        recipients.filter((recipient) =>
          greylister.logFor(recipient).some((line) => /status=sent/.test(line)),
        );
      while (delivered().length < recipients.length && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(delivered()).toEqual(recipients);
      // In transactions of at most the limit: one Postfix queue id per transaction.
      const queueIds = new Set(
        recipients.flatMap((recipient) =>
          greylister.logFor(recipient).flatMap((line) => /\b([0-9A-F]{6,}): to=</.exec(line)?.[1] ?? []),
        ),
      );
      expect(queueIds.size).toBe(Math.ceil(recipients.length / RECIPIENT_LIMIT));
    } finally {
      await limited.close();
      await relay.close();
    }
  }, 30_000);
});
