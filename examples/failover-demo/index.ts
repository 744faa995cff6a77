/**
 * The failover demo: four real provider SDKs, talking HTTP to the local sandbox, configured by
 * priority in code. Midway, SendGrid goes down and SES starts rate-limiting; watch the route.
 * No keys, no network beyond 127.0.0.1.
 */
import type { SendAttempt } from '@mailover/core';
import { startSandbox } from '@mailover/sandbox';
import { demoMailer } from './demo-mailer.js';

const keepOpen = process.argv.includes('--keep-open');
const sandbox = await startSandbox();

// Provider priority, in code: SendGrid first, then SES, Mailgun, Postmark (demo-mailer.ts).
const mailer = demoMailer(sandbox);

const notes: string[] = [];
mailer.on('circuit-open', (event) => notes.push(`circuit opened for ${event.provider} (${event.code})`));

const batch = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    from: 'Demo <demo@example.test>',
    to: `user${from + index}@example.org`,
    subject: `Order #${1000 + from + index} confirmed`,
    text: 'Thanks for your order.',
    attachments: [{ filename: 'receipt.txt', content: `receipt ${from + index}` }],
  }));

const rows: string[][] = [];
const report = (phase: string, outcomes: Awaited<ReturnType<typeof mailer.sendMany>>) => {
  outcomes.forEach((outcome, index) => {
    const attempts: readonly SendAttempt[] =
      outcome.status === 'sent'
        ? outcome.result.attempts
        : 'attempts' in outcome.error
          ? (outcome.error as { attempts: SendAttempt[] }).attempts
          : [];
    rows.push([
      phase,
      `#${rows.length + 1}`,
      outcome.status === 'sent' ? `✔ ${outcome.result.provider}` : `✘ ${outcome.error.message}`,
      String(attempts.length),
      attempts.map((attempt) => `${attempt.provider}:${attempt.code}`).join(' → '),
    ]);
    void index;
  });
};

const started = Date.now();
console.log(
  `sandbox on ${sandbox.url}; priority: ${mailer.providers.map((provider) => provider.id).join(' → ')}`,
);
console.log(`web view: ${sandbox.url}/ (pass --keep-open to look at it after the run)\n`);

report('all healthy', await mailer.sendMany(batch(0, 4), { concurrency: 2 }));

sandbox.faults.set('sendgrid', { kind: 'outage' });
sandbox.faults.set('ses', { kind: 'rate_limited', retryAfterSeconds: 1, rate: 0.5 });
notes.push('SendGrid is down (503); SES rate-limits half its requests (429, Retry-After: 1)');
report('SendGrid down, SES 429s', await mailer.sendMany(batch(4, 8), { concurrency: 4 }));

sandbox.faults.set('ses', { kind: 'account_suspended' });
notes.push('SES account suspended');
report('SES suspended too', await mailer.sendMany(batch(12, 4), { concurrency: 2 }));

const widths = [0, 1, 2, 3, 4].map((column) =>
  Math.max(
    ...[['phase', 'msg', 'result', 'calls', 'route (provider:code)'], ...rows].map(
      (row) => row[column]!.length,
    ),
  ),
);
const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
console.log(line(['phase', 'msg', 'result', 'calls', 'route (provider:code)']));
console.log(widths.map((width) => '─'.repeat(width)).join('  '));
for (const row of rows) console.log(line(row));

const byProvider = new Map<string, number>();
for (const message of sandbox.messages)
  byProvider.set(message.provider, (byProvider.get(message.provider) ?? 0) + 1);
const sent = rows.filter((row) => row[2]!.startsWith('✔')).length;
console.log(`\n${notes.map((note) => `• ${note}`).join('\n')}`);
console.log(
  `\ntotals: ${sent}/${rows.length} sent in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
    `accepted by ${[...byProvider].map(([provider, count]) => `${provider} ${count}`).join(', ')}; ` +
    `${Object.values(sandbox.requests).reduce((sum, count) => sum + count, 0)} API calls`,
);

await mailer.close();
if (keepOpen) {
  // Leave the sandbox up so its web view can be read: every message's route, fault and wait.
  console.log(`\nweb view: ${sandbox.url}/ — Ctrl-C to stop`);
  await new Promise((resolve) => process.once('SIGINT', resolve));
}
await sandbox.close();
process.exit(sent === rows.length ? 0 : 1);
