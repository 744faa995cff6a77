/**
 * Memory: heap bytes each tracked message costs in the in-memory store beyond its own content, and
 * whether the heap stays flat over a long soak (the store is bounded). Sends go through
 * `mockProvider` from `@mailover/core/testing`, so only mailover's own memory is measured.
 * Needs `--expose-gc`.
 */
import { randomUUID } from 'node:crypto';
import { createMailer, type Mailer, memoryStore } from '@mailover/core';
import { type MockProvider, mockProvider } from '@mailover/core/testing';
import { benchMessage, HTML, SUBJECT, TEXT } from '../overhead/fixtures.js';
import { cpuMicros, round, writeResults } from '../overhead/results.js';

const QUICK = process.env.BENCH_QUICK === '1';
const TRACKED = QUICK ? 5_000 : 20_000;
const SOAK = QUICK ? 120_000 : 400_000;
const SAMPLE_EVERY = QUICK ? 20_000 : 25_000;
const BATCH = 1_000;

if (!global.gc) throw new Error('run with node --expose-gc');
const collect = global.gc;

function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** A provider that accepts everything with a unique id; its call log is emptied after each batch. */
function acceptingProvider(id: string, ip: 'rotating' | 'fixed'): MockProvider {
  return mockProvider({ id, ip, script: () => ({ ok: true, providerMessageId: randomUUID() }) });
}

async function sendBatches(mailer: Mailer, providers: readonly MockProvider[], count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += BATCH) {
    const outcomes = await mailer.sendMany(
      Array.from({ length: Math.min(BATCH, count - sent) }, benchMessage),
      { concurrency: 8 },
    );
    if (outcomes.some((outcome) => outcome.status === 'failed')) throw new Error('a send failed');
    // The mock keeps every call for assertions; here that would be the test's memory, not mailover's.
    for (const provider of providers) (provider.calls as unknown[]).length = 0;
  }
}

async function bytesPerMessage(keepContent: boolean) {
  const rotating = acceptingProvider('rotating', 'rotating');
  // With a fixed-IP provider present, greylisting detection is on and the content of each message
  // accepted by a rotating one is kept, so it can be re-sent.
  const providers = keepContent ? [rotating, acceptingProvider('fixed', 'fixed')] : [rotating];
  const mailer = createMailer({ providers });
  await sendBatches(mailer, providers, 2_000); // warm-up: code, maps and pools reach their size
  const before = heapAfterGc();
  await sendBatches(mailer, providers, TRACKED);
  const perMessage = (heapAfterGc() - before) / TRACKED;
  // One-byte strings in V8: a stored copy of the content costs about its length in bytes.
  const contentBytes = keepContent ? SUBJECT.length + TEXT.length + HTML.length : 0;
  await mailer.close();
  return {
    configuration: keepContent
      ? 'content kept (a fixed-IP provider is configured)'
      : 'default (content not kept)',
    messages: TRACKED,
    heapBytesPerMessage: Math.round(perMessage),
    contentBytes,
    bytesBeyondContent: Math.round(perMessage - contentBytes),
  };
}

async function soak() {
  const store = memoryStore();
  const provider = acceptingProvider('rotating', 'rotating');
  const mailer = createMailer({ providers: [provider], store });
  const samples: { sent: number; heapMiB: number; storeEntries: number; cpuMicrosPerSend: number }[] = [];
  const baseline = heapAfterGc();
  for (let sent = 0; sent < SOAK; ) {
    const cpuBefore = cpuMicros();
    await sendBatches(mailer, [provider], SAMPLE_EVERY);
    // CPU must stay flat too: a full store evicts on every write.
    const cpuMicrosPerSend = round((cpuMicros() - cpuBefore) / SAMPLE_EVERY, 1);
    sent += SAMPLE_EVERY;
    const sample = {
      sent,
      heapMiB: round((heapAfterGc() - baseline) / 2 ** 20),
      storeEntries: store.size,
      cpuMicrosPerSend,
    };
    console.log(JSON.stringify(sample));
    samples.push(sample);
  }
  await mailer.close();
  // Once the store is full (100 000 keys, three per message), the heap must stop growing.
  const fullAt = samples.findIndex((sample) => sample.storeEntries >= 100_000);
  const settled = samples.slice(Math.max(fullAt, 0) + 1);
  const growthMiB = settled.length > 1 ? round(settled.at(-1)!.heapMiB - settled[0]!.heapMiB) : undefined;
  return {
    messages: SOAK,
    samples,
    growthAfterFullMiB: growthMiB,
    cpuMicrosPerSendBeforeFull: samples[0]!.cpuMicrosPerSend,
    cpuMicrosPerSendAfterFull: settled.at(-1)?.cpuMicrosPerSend,
  };
}

const perMessage = [await bytesPerMessage(false), await bytesPerMessage(true)];
for (const row of perMessage) console.log(JSON.stringify(row));
const soakResult = await soak();
console.log(JSON.stringify({ growthAfterFullMiB: soakResult.growthAfterFullMiB }));
const path = writeResults('memory', {
  method:
    'Heap used after two forced GCs, before and after sending N messages through mockProvider ' +
    '(@mailover/core/testing) with the default in-memory store; per message = delta / N; content = the ' +
    'subject, text and HTML a kept message stores. Soak: heap after GC every few thousand messages, ' +
    "relative to the start, with the store's entry count (bounded at 100 000) and the CPU per send " +
    '(mock provider: mailover alone).',
  perMessage,
  soak: soakResult,
});
console.log(`wrote ${path}`);
