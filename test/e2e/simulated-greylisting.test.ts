/**
 * The whole loop over HTTP on scaled time: SendGrid (official SDK → sandbox) delivers from a
 * rotating pool of 256 IPs over 16 /24s to a postgrey-guarded domain of the simulated population;
 * its signed deferral webhooks reach the mailer, which fails over to Postmark on a dedicated IP.
 *
 * SendGrid's pool rotates round-robin, so each retry leaves from a /24 the greylister has not seen
 * and SendGrid cannot get through in this test's time. With random rotation a retry may land on an
 * earlier /24 and pass: on scaled time (10 simulated minutes per 100 ms) a busy CI machine delayed
 * the failover enough for SendGrid to deliver first, which is a real race, not the one tested here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMailer, type Mailer } from '@mailover/core';
import { postmark } from '@mailover/postmark';
import { ipPool, ReceiverPopulation, type Sandbox, SCHEDULES, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';
import { afterAll, beforeAll, expect, it } from 'vitest';

let sandbox: Sandbox;
let mailer: Mailer;
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) =>
    mailer.webhooks.node((request.url ?? '').slice(1))(request, response),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sandbox = await startSandbox({
    webhooks: {
      urls: { sendgrid: `${base}/sendgrid`, postmark: `${base}/postmark` },
      simulation: {
        population: new ReceiverPopulation([
          { name: 'grey.example', behaviour: { kind: 'greylist', greylister: 'postgrey' } },
          { name: 'open.example', behaviour: { kind: 'accept' } },
        ]),
        pools: {
          sendgrid: ipPool({ size: 256, networks: 16, selection: 'round-robin', octet: 1 }),
          postmark: ipPool({ size: 1, octet: 9 }), // Postmark on one dedicated IP
        },
        schedules: { postmark: SCHEDULES.postfix },
        timeScale: 6_000, // 10 simulated minutes pass in 100 ms
      },
    },
  });
  mailer = createMailer({
    providers: [
      sendgrid({
        apiKey: sandbox.credentials.sendgrid.apiKey,
        endpoint: sandbox.endpoints.sendgrid,
        ...sandbox.webhooks.adapterOptions.sendgrid,
      }),
      postmark({
        ip: 'fixed',
        serverToken: sandbox.credentials.postmark.serverToken,
        endpoint: sandbox.endpoints.postmark,
        ...sandbox.webhooks.adapterOptions.postmark,
      }),
    ],
  });
});

afterAll(async () => {
  await mailer.close();
  await sandbox.close();
  server.close();
});

it('detects the loop from SendGrid deferrals, fails over to the fixed IP, and remembers the domain', async () => {
  const sent = await mailer.send({
    from: 'shop@example.com',
    to: 'ada@grey.example',
    subject: 'Code',
    text: '1',
  });
  const open = await mailer.send({
    from: 'shop@example.com',
    to: 'carol@open.example',
    subject: 'Hi',
    text: '2',
  });
  expect(sent.provider).toBe('sendgrid');
  const deadline = Date.now() + 15_000;
  let status = await mailer.status(sent.id);
  while (status?.recipients['ada@grey.example']?.state !== 'delivered' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = await mailer.status(sent.id);
  }
  expect(status?.recipients['ada@grey.example']).toMatchObject({ state: 'delivered', provider: 'postmark' });
  const deferrals = status!.history.filter(
    (entry) => entry.type === 'deferred' && entry.provider === 'sendgrid',
  );
  expect(deferrals.length).toBeGreaterThanOrEqual(1);
  expect(deferrals[0]?.smtp?.text).toMatch(/Greylisted, see http:\/\/postgrey/);
  expect(deferrals[0]?.smtp?.category).toBe('greylisting');
  expect(status!.history.map((entry) => entry.type)).toContain('greylist-loop');
  expect((await mailer.status(open.id))?.recipients['carol@open.example']?.state).toBe('delivered');

  const next = await mailer.send({
    from: 'shop@example.com',
    to: 'bob@grey.example',
    subject: 'Code',
    text: '3',
  });
  expect(next.provider).toBe('postmark');
});
