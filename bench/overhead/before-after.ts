/**
 * Two builds of mailover in one run: `mailer.send()` of another checkout's built packages against
 * this checkout's, and both against the same official SDK called directly, in turns, in one process,
 * against one sandbox. Run-to-run noise on a shared VM (±0.03 in the ratio) is larger than most
 * changes; sides that take turns within one run share the machine's drift, so their difference is
 * the code's. bench/README.md, "Before and after in one run".
 *
 *   npx tsx bench/build-dist.ts                            # this checkout's dist
 *   (cd ../other && build its dist the same way)           # the other checkout's dist
 *   npx tsx bench/overhead/before-after.ts ../other [provider …]
 *
 * Both builds must use the same SDK versions (compare their lockfiles), or the SDK's change is
 * measured too. Providers the other build has no adapter for are left out.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { type AdapterFactories, adapterFor, benchMessage, PROVIDER_KINDS, rawSenderFor } from './fixtures.js';
import { bootstrapMedianInterval, median, round, writeResults } from './results.js';
import { BLOCK, everyProvider, ROUNDS, type Send, sampleInTurns } from './sampling.js';

type Mailer = { send(message: unknown): Promise<unknown>; close(): Promise<void> };
interface Build {
  readonly label: string;
  readonly createMailer: (options: { providers: unknown[] }) => Mailer;
  readonly adapters: AdapterFactories;
}

const [otherPath, ...only] = process.argv.slice(2);
if (!otherPath) {
  console.error('usage: before-after.ts <other checkout, built> [provider …]');
  process.exit(2);
}
const THIS_ROOT = resolve(import.meta.dirname, '../..');

async function loadBuild(root: string, label: string): Promise<Build> {
  const entry = (name: string) => pathToFileURL(resolve(root, `packages/${name}/dist/index.js`)).href;
  if (!existsSync(new URL(entry('core')))) {
    throw new Error(`${label}: no built core in ${root}; build its dist first (bench/build-dist.ts)`);
  }
  const optional = async (name: string) => (existsSync(new URL(entry(name))) ? import(entry(name)) : {});
  const [core, sendgrid, ses, mailgun, postmark, resend] = await Promise.all([
    import(entry('core')),
    import(entry('sendgrid')),
    import(entry('ses')),
    import(entry('mailgun')),
    import(entry('postmark')),
    optional('resend'),
  ]);
  return {
    label,
    createMailer: core.createMailer,
    adapters: {
      sendgrid: sendgrid.sendgrid,
      ses: ses.ses,
      mailgun: mailgun.mailgun,
      postmark: postmark.postmark,
      resend: resend.resend,
    },
  };
}

const before = await loadBuild(resolve(otherPath), 'before');
const after = await loadBuild(THIS_ROOT, 'after');
const SIDES = ['sdk', 'before', 'after'] as const;
const kinds = PROVIDER_KINDS.filter(
  (kind) => (only.length === 0 || only.includes(kind)) && before.adapters[kind] && after.adapters[kind],
);

async function compare(kind: SandboxProviderKind, sandbox: Parameters<typeof adapterFor>[1]) {
  if (!kinds.includes(kind)) return undefined;
  const mailers = [before, after].map((build) =>
    build.createMailer({ providers: [adapterFor(kind, sandbox, build.adapters)] }),
  ) as [Mailer, Mailer];
  const sends: Record<(typeof SIDES)[number], Send> = {
    sdk: await rawSenderFor(kind, sandbox),
    before: () => mailers[0].send(benchMessage()),
    after: () => mailers[1].send(benchMessage()),
  };
  const samples = await sampleInTurns(SIDES, sends);
  await Promise.all(mailers.map((mailer) => mailer.close()));
  const ratio = (side: 'before' | 'after') => {
    const ratios = samples[side].map((value, index) => value / samples.sdk[index]!);
    const [low, high] = bootstrapMedianInterval(ratios);
    return { median: round(median(ratios), 3), interval95: [round(low, 3), round(high, 3)] };
  };
  const afterOverBefore = samples.after.map((value, index) => value / samples.before[index]!);
  return {
    provider: kind,
    messagesPerSide: ROUNDS * BLOCK,
    microsPerMessage: Object.fromEntries(SIDES.map((side) => [side, round(median(samples[side]), 1)])),
    ratioBefore: ratio('before'),
    ratioAfter: ratio('after'),
    afterOverBefore: round(median(afterOverBefore), 3),
  };
}

const { rows, pinned } = await everyProvider(compare);
const path = writeResults('overhead-before-after', {
  method:
    'as bench/overhead/run.ts (client CPU per message, rounds in turns, medians of per-round ratios), ' +
    'with two builds side by side in one process: "before" is the other checkout, "after" this one' +
    (pinned ? '; client pinned to CPU 0, sandbox to CPU 1.' : '.'),
  before: resolve(otherPath),
  rows,
});
console.log(`wrote ${path}`);
