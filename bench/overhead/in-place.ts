/**
 * What the engine costs between HTTP calls, in wall time on the client's thread: `mailer.send()`
 * through an adapter whose `send` is timed, so the time outside the provider call is the engine's
 * (validation, ordering, the suppression check, recording, the result); and `normalizeMessage`
 * alone, called right after each provider call as `send()` calls it. Against the same figures in a
 * loop of their own, where everything stays in the caches. bench/README.md, "Where the time goes".
 *   node --import tsx bench/overhead/in-place.ts [provider …]
 */
import { createMailer, NEVER_ABORTED, type Provider } from '@mailover/core';
import { normalizeMessage } from '@mailover/core/message';
import type { SandboxProviderKind } from '@mailover/sandbox';
import { pinThisProcess, startSandboxProcess } from '../throughput/sandbox-process.js';
import { adapterFor, benchMessage, PROVIDER_KINDS } from './fixtures.js';

const WARMUP = 3_000;
const SENDS = 4_000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const micros = (from: number) => (performance.now() - from) * 1000;

const kinds = process.argv
  .slice(2)
  .filter((kind): kind is SandboxProviderKind => PROVIDER_KINDS.includes(kind as SandboxProviderKind));
const pinned = pinThisProcess(0);
const sandbox = await startSandboxProcess(pinned ? { pinTo: 1 } : {});
for (const kind of kinds.length > 0 ? kinds : PROVIDER_KINDS) {
  const adapter = adapterFor(kind, sandbox);
  let inProvider = 0;
  const timed: Provider = {
    ...adapter,
    async send(message, context) {
      const started = performance.now();
      try {
        return await adapter.send(message, context);
      } finally {
        inProvider = micros(started);
      }
    },
  };
  const mailer = createMailer({ providers: [timed] });
  const engine: number[] = [];
  const validation: number[] = [];
  for (let index = 0; index < WARMUP + SENDS; index++) {
    const started = performance.now();
    await mailer.send(benchMessage());
    if (index >= WARMUP) engine.push(micros(started) - inProvider);
  }
  // normalizeMessage right after a provider call, as send() runs it after the previous send's call.
  const normalized = normalizeMessage(benchMessage());
  for (let index = 0; index < WARMUP + SENDS; index++) {
    const started = performance.now();
    normalizeMessage(benchMessage());
    if (index >= WARMUP) validation.push(micros(started));
    await adapter.send(normalized, { signal: NEVER_ABORTED, attempt: 1, idempotencyKey: normalized.id });
  }
  // The same, in a loop of its own: warm caches.
  const loopStarted = performance.now();
  for (let index = 0; index < SENDS; index++) normalizeMessage(benchMessage());
  const inLoop = micros(loopStarted) / SENDS;
  await mailer.close();
  console.log(
    JSON.stringify({
      provider: kind,
      engineOutsideProviderCallMicros: Number(median(engine).toFixed(1)),
      normalizeMessageInPlaceMicros: Number(median(validation).toFixed(1)),
      normalizeMessageInALoopMicros: Number(inLoop.toFixed(1)),
    }),
  );
}
await sandbox.close();
