/**
 * Routing strategies side by side, against the local sandbox (no keys, loopback only): priority,
 * weighted and round-robin, and a per-message override, each with every provider up and then with
 * SendGrid down. Run: npx -y pnpm@10 --filter @mailover/example-provider-priority start
 */
import { startSandbox } from '@mailover/sandbox';
import { compareStrategies } from './src/compare.js';
import { formatTable } from './src/table.js';

const sandbox = await startSandbox();
const started = Date.now();
try {
  const rows = await compareStrategies({ sandbox, messages: 100, down: 'sendgrid' });
  console.log(`100 messages per line; the outage phase takes SendGrid down (503 on every call)\n`);
  console.log(formatTable(rows));
  console.log(
    `\n• priority: everything to the first provider; in the outage, one message pays the retries,` +
      `\n  the circuit opens, and the rest go straight to the next one.` +
      `\n• weighted: shares follow the weights; SendGrid's share moves to whichever provider is drawn next.` +
      `\n• round-robin: equal turns; SendGrid's turns go to the provider after it.` +
      `\n• override: mailer.send(message, { providers: ['postmark'] }) ignores the strategy and the outage.` +
      `\n\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await sandbox.close();
}
