/**
 * A greylisting loop, narrated. SendGrid (rotating IPs) keeps getting `450 4.2.0 Greylisted` from
 * a postgrey-guarded domain, every retry from a new IP; mailover reads SendGrid's signed deferral
 * webhooks, sees the loop, re-sends through Postmark on a dedicated (fixed) IP, and from then on
 * routes that domain to Postmark first. Everything runs against the local sandbox, time scaled:
 * one real second stands for ten minutes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMailer } from '@mailover/core';
import { postmark } from '@mailover/postmark';
import { type OutcomeScript, startSandbox } from '@mailover/sandbox';
import { sendgrid } from '@mailover/sendgrid';

const MINUTE = 100; // ms: 1 s of this demo = 10 min of a real greylisting loop
const GREYLISTING_DOMAIN = 'greylisting.example';

// What the recipients' servers do: the greylisting domain runs postgrey (keyed by /24, 5 min delay).
// SendGrid retries from a different /24 each time, so it never passes; Postmark's dedicated IP
// passes on its first retry after the delay.
const outcome: OutcomeScript = (message, recipient) => {
  if (!recipient.endsWith(`@${GREYLISTING_DOMAIN}`)) {
    return [
      {
        type: 'delivered',
        afterMs: 2 * MINUTE,
        smtpReply: '250 2.0.0 Ok: queued',
        attempt: 1,
        sendingIp: '198.51.100.7',
      },
    ];
  }
  const reply = `450 4.2.0 <${recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${GREYLISTING_DOMAIN}.html`;
  if (message.provider === 'postmark') {
    return [
      {
        type: 'delivered',
        afterMs: 6 * MINUTE,
        smtpReply: '250 2.0.0 Ok: queued as 4F1A2',
        attempt: 2,
        sendingIp: '203.0.113.25',
      },
    ];
  }
  return [1, 2, 3, 4, 5].map((attempt) => ({
    type: 'deferred' as const,
    afterMs: 10 * MINUTE,
    smtpReply: reply,
    attempt,
    sendingIp: `167.89.${attempt * 13}.${40 + attempt}`,
  }));
};

const started = Date.now();
const say = (text: string) => {
  const minutes = Math.round((Date.now() - started) / MINUTE);
  console.log(`[+${String(minutes).padStart(3)} min] ${text}`);
};

let mailer: ReturnType<typeof createMailer> | undefined;
const hooks = createServer((request, response) => {
  const provider = (request.url ?? '').slice(1);
  mailer?.webhooks.node(provider)(request, response);
});
await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
const hookBase = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
const sandbox = await startSandbox({
  webhooks: { urls: { sendgrid: `${hookBase}/sendgrid`, postmark: `${hookBase}/postmark` }, outcome },
});

mailer = createMailer({
  providers: [
    sendgrid({
      apiKey: sandbox.credentials.sendgrid.apiKey,
      endpoint: sandbox.endpoints.sendgrid,
      ...sandbox.webhooks.adapterOptions.sendgrid,
    }),
    postmark({
      ip: 'fixed', // a Postmark server on a dedicated IP
      serverToken: sandbox.credentials.postmark.serverToken,
      endpoint: sandbox.endpoints.postmark,
      ...sandbox.webhooks.adapterOptions.postmark,
    }),
  ],
  // Two greylisting deferrals, or deferrals from two /24s, make a loop (the default policy).
  greylisting: { deferrals: 2, windowMs: 30 * MINUTE },
});

mailer.on('sent', (event) =>
  say(`${event.provider} accepted ${event.id.slice(0, 8)} (${event.providerMessageId.slice(0, 12)}…)`),
);
mailer.on('delivery', (event) => {
  const where = event.sendingIp ? ` from ${event.sendingIp}` : '';
  const smtp =
    event.smtp && event.type !== 'delivered'
      ? `: ${event.smtp.text.slice(0, 60)}… → ${event.smtp.classification.category}`
      : '';

  say(`  ${event.provider} webhook: ${event.type} ${event.recipient}${where}${smtp}`);
});
mailer.on('greylist-loop', (event) => say(`★ loop detected for ${event.recipient}: ${event.detail}`));
mailer.on('greylist-failover', (event) =>
  say(`★ re-sent to ${event.recipient} only, through ${event.provider} (fixed IP), same Message-ID`),
);
mailer.on('domain-learned', (event) =>
  say(`★ remembering: ${event.domain} greylists → ${event.provider} first`),
);
mailer.on('domain-route', (event) =>
  say(`★ ${event.domain} is known to greylist: routing straight to ${event.provider}`),
);

say(`priority: sendgrid (rotating IPs) → postmark (dedicated IP). ${GREYLISTING_DOMAIN} runs postgrey.`);
const first = await mailer.send({
  from: 'shop@example.com',
  to: `ada@${GREYLISTING_DOMAIN}`,
  subject: 'Your login code',
  text: '493021',
});
const other = await mailer.send({
  from: 'shop@example.com',
  to: 'carol@open.example',
  subject: 'Receipt',
  text: 'Thanks',
});

// Wait for the loop to be detected and resolved.
while (
  !(await mailer.status(first.id))?.history.some(
    (entry) => entry.type === 'delivered' && entry.provider === 'postmark',
  )
) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const second = await mailer.send({
  from: 'shop@example.com',
  to: `bob@${GREYLISTING_DOMAIN}`,
  subject: 'Your login code',
  text: '118877',
});
await sandbox.webhooks.settled();
await mailer.idle();

console.log('\nWhere each message ended up (mailer.status):');
for (const sent of [first, other, second]) {
  const status = await mailer.status(sent.id);
  for (const [recipient, state] of Object.entries(status?.recipients ?? {})) {
    console.log(`  ${recipient.padEnd(28)} ${state.state.padEnd(10)} via ${state.provider}`);
  }
}
const ada = await mailer.status(first.id);
console.log(
  `\nada's history: ${ada?.history.map((entry) => `${entry.type}(${entry.provider})`).join(' → ')}`,
);
console.log(
  `\nWithout mailover, ada's code would still be waiting: SendGrid retries from a new /24 each time and postgrey never sees the same triplet twice.`,
);

await mailer.close();
await sandbox.close();
hooks.close();
