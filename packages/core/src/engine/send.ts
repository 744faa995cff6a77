/**
 * `send()` and `sendMany()`: validate once, carry the send's suppression options, then dispatch,
 * through the idempotency claim when the message has a key (docs/idempotency.md).
 *
 * `send` is a plain function returning the dispatch's promise, not an async function around it:
 * that was one more promise layer on every send (docs/performance.md). Everything it throws comes
 * back as a rejection, as from an async function.
 */
import { numberOption } from '../config/check.js';
import { MailoverError, ValidationError } from '../errors.js';
import type { NormalizeOptions } from '../message/normalize.js';
import type { MessageInput, NormalizedMessage } from '../message/types.js';
import { suppressionScope } from '../suppression/address.js';
import type { Clock } from '../time.js';
import type { Dispatch } from './dispatch.js';
import type { MailerEmitter } from './events.js';
import { deadlineOf, type Idempotency } from './idempotency.js';
import type { SendManyOutcome } from './mailer.js';
import type { SendManyOptions, SendOptions, SendResult } from './types.js';
import { loadedValidator, loadValidator } from './validator.js';

export type Send = (input: MessageInput, sendOptions?: SendOptions) => Promise<SendResult>;

export function createSend(parts: {
  readonly options: NormalizeOptions;
  readonly clock: Clock;
  readonly emitter: MailerEmitter;
  readonly idempotency: Idempotency;
  readonly dispatch: Dispatch;
}): Send {
  const { options, clock, emitter, idempotency, dispatch } = parts;

  function validated(input: MessageInput, normalize: NonNullable<ReturnType<typeof loadedValidator>>) {
    try {
      return normalize(input, options);
    } catch (error) {
      if (ValidationError.isInstance(error)) {
        emitter.emit('failed', {
          id: '',
          messageId: '',
          code: error.code,
          attempts: [],
          message: error.message,
        });
      }
      throw error;
    }
  }

  return function send(input, sendOptions = {}): Promise<SendResult> {
    const normalize = loadedValidator();
    // Loaded once, on the first send; later sends call it straight away.
    if (!normalize) return loadValidator().then(() => send(input, sendOptions));
    try {
      let message = validated(input, normalize);
      if (sendOptions.stream !== undefined || sendOptions.ignoreSuppressions === true) {
        message = { ...message, suppression: suppressionOf(sendOptions) };
      }
      // Idempotent send (docs/idempotency.md): one provider call per key, whoever asks.
      if (message.idempotencyKey !== undefined) {
        const claimed = message;
        return idempotency.run(claimed, deadlineOf(sendOptions, clock.now()), () =>
          dispatch(claimed, sendOptions),
        );
      }
      return dispatch(message, sendOptions);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** Send many, `concurrency` at a time. Never rejects for one message: each gets a result or an error. */
export async function sendMany(
  send: Send,
  messages: Iterable<MessageInput>,
  manyOptions: SendManyOptions = {},
): Promise<SendManyOutcome[]> {
  const inputs = [...messages];
  const outcomes: SendManyOutcome[] = new Array(inputs.length);
  // NaN here once meant "send nothing, report nothing".
  const concurrency = numberOption('sendMany', 'concurrency', manyOptions.concurrency, 8, {
    integer: true,
    min: 1,
  });
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      try {
        outcomes[index] = { status: 'sent', result: await send(inputs[index]!, manyOptions) };
      } catch (error) {
        outcomes[index] = { status: 'failed', error: asMailoverError(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker));
  return outcomes;
}

/** The send's suppression options, checked: they travel with the message to any re-send. */
function suppressionOf(sendOptions: SendOptions): NonNullable<NormalizedMessage['suppression']> {
  const { stream, ignoreSuppressions } = sendOptions;
  return {
    ...(stream === undefined ? {} : { stream: suppressionScope(stream, 'stream') }),
    ...(ignoreSuppressions === true ? { override: true } : {}),
  };
}

function asMailoverError(error: unknown): MailoverError {
  if (MailoverError.isInstance(error)) return error;
  return new MailoverError(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
}
