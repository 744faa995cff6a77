/**
 * Overhead: client CPU per message of `mailer.send()` through each adapter against the same official
 * SDK called directly, both against one sandbox that runs in a child process (so only the client's
 * CPU is counted). Sends are sequential; the sides take turns in short blocks, so drift in the
 * machine's speed falls on all of them. `pnpm bench` runs it on the built packages (what users
 * run); run directly, it measures whatever `@mailover/*` resolves to.
 */
import { createMailer, NEVER_ABORTED } from '@mailover/core';
import { normalizeMessage } from '@mailover/core/message';
import type { SandboxProviderKind } from '@mailover/sandbox';
import type { SandboxProcess } from '../throughput/sandbox-process.js';
import { adapterFor, benchMessage, rawSenderFor } from './fixtures.js';
import { bootstrapMedianInterval, median, round, writeResults } from './results.js';
import { BLOCK, everyProvider, ROUNDS, type Send, sampleInTurns } from './sampling.js';

/**
 * The sides, cheapest first. The middle two split the difference: `sdk + normalizeMessage` is the
 * SDK call plus the validation every send does; `adapter.send` is the adapter alone on an already
 * normalized message (what the engine hands it), without the engine around it.
 */
const SIDES = ['sdk', 'sdk + normalizeMessage', 'adapter.send', 'mailer.send'] as const;
type Side = (typeof SIDES)[number];

async function compare(kind: SandboxProviderKind, sandbox: SandboxProcess) {
  const provider = adapterFor(kind, sandbox);
  const mailer = createMailer({ providers: [provider] });
  const direct: Send = await rawSenderFor(kind, sandbox);
  const normalized = normalizeMessage(benchMessage());
  const sends: Record<Side, Send> = {
    sdk: direct,
    'sdk + normalizeMessage': () => {
      normalizeMessage(benchMessage());
      return direct();
    },
    'adapter.send': () =>
      provider.send(normalized, {
        // What the engine passes a send with no signal and no deadline, as the mailer.send side's are.
        signal: NEVER_ABORTED,
        attempt: 1,
        idempotencyKey: normalized.id,
      }),
    'mailer.send': () => mailer.send(benchMessage()),
  };
  const samples = await sampleInTurns(SIDES, sends);
  await mailer.close();
  const ratios = samples['mailer.send'].map((value, index) => value / samples.sdk[index]!);
  const microsPerMessage = Object.fromEntries(
    SIDES.map((side) => [side, round(median(samples[side]), 1)]),
  ) as Record<Side, number>;
  const total = (side: Side) => samples[side].reduce((sum, value) => sum + value, 0);
  const [low, high] = bootstrapMedianInterval(ratios);
  return {
    provider: kind,
    messagesPerSide: ROUNDS * BLOCK,
    microsPerMessage,
    overheadMicrosPerMessage: round(microsPerMessage['mailer.send'] - microsPerMessage.sdk, 1),
    // What the engine adds around the adapter: validation, the attempt loop, tracking.
    engineMicrosPerMessage: round(microsPerMessage['mailer.send'] - microsPerMessage['adapter.send'], 1),
    ratio: round(median(ratios), 3),
    ratioInterval95: [round(low, 3), round(high, 3)],
    // Every round's CPU summed, GC pauses included wherever they fell.
    ratioOfTotals: round(total('mailer.send') / total('sdk'), 3),
    ratioSpread: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
  };
}

const { rows, pinned } = await everyProvider(compare);
const path = writeResults('overhead', {
  method:
    'process.cpuUsage() (user + system) of the client process per message, sequential sends, warmed up; ' +
    `${ROUNDS} rounds of ${BLOCK} messages per side, sides in turn (forward, then backward); medians; ` +
    'ratio = median of per-round mailer.send / sdk, with a 95 % bootstrap interval of that median; ' +
    'ratioOfTotals = all mailer.send CPU / all sdk CPU. Every message has a new recipient. ' +
    'The sandbox runs in a child process and its CPU is not counted' +
    (pinned ? '; client pinned to CPU 0, sandbox to CPU 1 (taskset).' : '.'),
  packages: process.env.MAILOVER_BENCH_PACKAGES ?? 'as resolved by this process',
  target: 'ratio <= 1.05',
  rows,
});
console.log(`wrote ${path}`);
