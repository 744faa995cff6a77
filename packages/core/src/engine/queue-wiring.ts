/**
 * The queue side of a mailer (docs/queue.md): the idempotency claims `send()` and the worker share,
 * the queue (in memory by default), the runner that works it with the mailer's `dispatch`, and
 * `enqueue()`. The queue logic itself is `queue-runner.ts`; this file only connects it.
 */
import { numberOption } from '../config/check.js';
import type { MessageInput } from '../message/types.js';
import { memoryQueue } from '../queue/memory-queue.js';
import type { Queue } from '../queue/queue.js';
import { EnqueueTracers } from '../queue/trace-carrier.js';
import type { MailerBase } from './base.js';
import type { Dispatch } from './dispatch.js';
import { IDEMPOTENCY_LEASE_MS, Idempotency, withIdempotencyKey } from './idempotency.js';
import { createQueueRunner, type EnqueueOptions, type EnqueueResult } from './queue-runner.js';
import { loadValidator } from './validator.js';

export interface QueueSide {
  readonly idempotency: Idempotency;
  readonly queue: Queue;
  readonly runner: ReturnType<typeof createQueueRunner>;
  /** What captures the trace context at `enqueue()` (`mailer.traceEnqueues`). */
  readonly tracers: EnqueueTracers;
  enqueue(input: MessageInput, enqueueOptions?: EnqueueOptions): Promise<EnqueueResult>;
}

export function wireQueue(
  { options, resolved, clock, store, emitter }: MailerBase,
  dispatch: Dispatch,
): QueueSide {
  const { retentionMs } = resolved;
  const idempotency = new Idempotency({
    store,
    clock,
    retentionMs,
    leaseMs: numberOption(
      'createMailer',
      'idempotencyLeaseMs',
      options.idempotencyLeaseMs,
      IDEMPOTENCY_LEASE_MS,
      {
        min: 1,
        unit: 'ms',
      },
    ),
  });
  // The queue (docs/queue.md): jobs are sent by `dispatch`, as send() does.
  const queue = options.queue ?? memoryQueue(clock);
  const worker = options.worker ?? true;
  const tracers = new EnqueueTracers();
  const runner = createQueueRunner(
    {
      queue,
      store,
      clock,
      emitter,
      idempotency,
      retentionMs,
      onAmbiguous: resolved.onAmbiguous,
      dispatch,
      tracers,
    },
    worker === true ? {} : worker,
  );

  async function enqueue(input: MessageInput, enqueueOptions: EnqueueOptions = {}): Promise<EnqueueResult> {
    const normalize = await loadValidator();
    return runner.enqueue(
      normalize(withIdempotencyKey(input, enqueueOptions.idempotencyKey), options),
      enqueueOptions,
    );
  }

  return { idempotency, queue, runner, tracers, enqueue };
}
