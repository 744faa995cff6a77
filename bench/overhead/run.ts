/**
 * Overhead: client CPU per message of `mailer.send()` through each adapter against the same official
 * SDK called directly, both against one sandbox that runs in a child process (so only the client's
 * CPU is counted). Sends are sequential; the sides take turns in blocks, so drift in the machine's
 * speed falls on all of them.
 */
import { createMailer } from '@mailover/core';
import { normalizeMessage } from '@mailover/core/message';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { type SandboxProcess, startSandboxProcess } from '../throughput/sandbox-process.js';
import { adapterFor, benchMessage, PROVIDER_KINDS, rawSenderFor } from './fixtures.js';
import { cpuMicros, median, round, writeResults } from './results.js';

const QUICK = process.env.BENCH_QUICK === '1';
// JIT tiers settle only after thousands of calls; a short warm-up flatters whichever side ran more code.
const WARMUP = QUICK ? 300 : 2_000;
const ROUNDS = QUICK ? 4 : 16;
const BLOCK = 100;

type Send = () => Promise<unknown>;

async function cpuPerMessage(send: Send, count: number): Promise<number> {
  const start = cpuMicros();
  for (let index = 0; index < count; index++) await send();
  return (cpuMicros() - start) / count;
}

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
        signal: new AbortController().signal,
        attempt: 1,
        idempotencyKey: normalized.id,
      }),
    'mailer.send': () => mailer.send(benchMessage()),
  };
  for (const side of SIDES) await cpuPerMessage(sends[side], WARMUP);
  const samples = Object.fromEntries(SIDES.map((side) => [side, [] as number[]])) as Record<Side, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    // Forward, then backward: drift in the machine's speed falls on every side alike.
    for (const side of round % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      global.gc?.();
      samples[side].push(await cpuPerMessage(sends[side], BLOCK));
    }
  }
  await mailer.close();
  const ratios = samples['mailer.send'].map((value, index) => value / samples.sdk[index]!);
  const microsPerMessage = Object.fromEntries(
    SIDES.map((side) => [side, round(median(samples[side]), 1)]),
  ) as Record<Side, number>;
  return {
    provider: kind,
    messagesPerSide: ROUNDS * BLOCK,
    microsPerMessage,
    overheadMicrosPerMessage: round(microsPerMessage['mailer.send'] - microsPerMessage.sdk, 1),
    ratio: round(median(ratios), 3),
    ratioSpread: [round(Math.min(...ratios), 3), round(Math.max(...ratios), 3)],
  };
}

const sandbox = await startSandboxProcess();
const rows = [];
for (const kind of PROVIDER_KINDS) {
  const row = await compare(kind, sandbox);
  console.log(JSON.stringify(row));
  rows.push(row);
}
await sandbox.close();
const path = writeResults('overhead', {
  method:
    'process.cpuUsage() (user + system) of the client process per message, sequential sends, warmed up; ' +
    `${ROUNDS} rounds of ${BLOCK} messages per side, sides in turn (forward, then backward); medians; ` +
    'ratio = median of per-round mailer.send / sdk. ' +
    'The sandbox runs in a child process and its CPU is not counted.',
  target: 'ratio <= 1.05',
  rows,
});
console.log(`wrote ${path}`);
