/**
 * Pushing mailover's list to the providers' own lists (docs/suppression.md, "Pushing to the
 * providers"): explicitly, from where the last push to that provider ended, or, opted in, each
 * learned entry as it is learned. An entry goes only where the provider has a list meaning the
 * same thing (the target says which); the rest is counted in the report with why. A push that
 * fails never touches sending: the explicit one reports it, the learned one warns.
 */
import { ConfigurationError } from '../adapter-kit.js';
import { MailoverError } from '../errors.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import { FOREVER_MS } from './generations.js';
import type { SuppressionList } from './list.js';
import type { SuppressionTarget } from './sync.js';
import type { Suppression, SuppressionReason } from './types.js';

/** What one push to one provider did. */
export interface PushReport {
  readonly provider: string;
  /** Entries the provider accepted. */
  readonly pushed: number;
  /** Entries left out because the provider has no list meaning the same, counted by reason and why. */
  readonly skipped: readonly {
    readonly reason: SuppressionReason;
    readonly why: string;
    readonly count: number;
    /** Up to 5 of the addresses. */
    readonly examples: readonly string[];
  }[];
  /** Entries that came from this provider (learned or synced from it): not sent back. */
  readonly fromProvider: number;
  /** Set when the provider refused a batch: the push stopped there and the next one resumes there. */
  readonly failed?: string;
}

/** Options of `suppressions.push`. */
export interface PushOptions {
  /** `'last'` (default): from where the last push to each provider ended. `'start'`: the whole list. */
  readonly from?: 'last' | 'start';
}

export function checkTargets(targets: readonly SuppressionTarget[], where: string): void {
  for (const [index, target] of targets.entries()) {
    if (
      typeof target !== 'object' ||
      target === null ||
      typeof target.push !== 'function' ||
      typeof target.cannotHold !== 'function' ||
      !(target.pushBatch >= 1)
    ) {
      throw new ConfigurationError(
        `${where}[${index}] is not a provider's suppression list; pass what sendgridSuppressions(), sesSuppressions(), mailgunSuppressions() or postmarkSuppressions() return`,
      );
    }
  }
}

/** Push the list to one provider, from its mark (or the start), page by page. */
export async function pushTo(
  list: SuppressionList,
  store: Store,
  target: SuppressionTarget,
  options: PushOptions = {},
): Promise<PushReport> {
  const markKey = storeKeys.suppressionPushed(target.provider);
  let mark = options.from === 'start' ? undefined : await store.get(markKey);
  let pushed = 0;
  let fromProvider = 0;
  const skipped = new Map<
    string,
    { reason: SuppressionReason; why: string; count: number; examples: string[] }
  >();
  const report = (failed?: string): PushReport => ({
    provider: target.provider,
    pushed,
    skipped: [...skipped.values()],
    fromProvider,
    ...(failed === undefined ? {} : { failed }),
  });
  for (;;) {
    const page = await list.pageFrom(mark, 1_000);
    const pending: Suppression[] = [];
    for (const entry of page.entries) {
      if (entry.provider === target.provider) {
        fromProvider += 1;
        continue;
      }
      const why = target.cannotHold(entry);
      if (why === undefined) {
        pending.push(entry);
        continue;
      }
      const key = `${entry.reason}\t${why}`;
      const counted = skipped.get(key) ?? { reason: entry.reason, why, count: 0, examples: [] };
      counted.count += 1;
      if (counted.examples.length < 5) counted.examples.push(entry.address);
      skipped.set(key, counted);
    }
    for (let start = 0; start < pending.length; start += target.pushBatch) {
      const batch = pending.slice(start, start + target.pushBatch);
      try {
        await target.push(batch);
      } catch (error) {
        // The mark stays at the last whole page: the next push sends this page again (adding an
        // address a provider already holds changes nothing there).
        return report(messageOf(error));
      }
      pushed += batch.length;
    }
    await store.set(markKey, page.mark, FOREVER_MS);
    mark = page.mark;
    if (!page.more) return report();
  }
}

/** How many learned entries may wait for one provider before new ones are left to the next explicit push. */
const QUEUE_LIMIT = 10_000;

/**
 * `suppression.pushOnLearn`: each learned entry is queued for every target that can hold it and
 * did not report it, and sent in batches, one batch at a time per provider, never awaited by the
 * webhook that taught it. A failure is a process warning; `suppressions.push()` catches up.
 */
export function learnedPusher(targets: readonly SuppressionTarget[]): (entry: Suppression) => void {
  const queues = targets.map((target) => ({
    target,
    waiting: [] as Suppression[],
    running: false,
    full: false,
  }));
  const drain = async (queue: (typeof queues)[number]) => {
    queue.running = true;
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, queue.target.pushBatch);
      try {
        await queue.target.push(batch);
      } catch (error) {
        process.emitWarning(
          `mailover: could not push ${batch.length} learned suppression(s) to ${queue.target.provider}: ${messageOf(error)}; mailover still stops mail to them, and the next suppressions.push() sends them`,
        );
      }
    }
    queue.running = false;
  };
  return (entry) => {
    for (const queue of queues) {
      if (entry.provider === queue.target.provider || queue.target.cannotHold(entry) !== undefined) continue;
      if (queue.waiting.length >= QUEUE_LIMIT) {
        if (!queue.full) {
          queue.full = true;
          process.emitWarning(
            `mailover: over ${QUEUE_LIMIT} learned suppressions wait to be pushed to ${queue.target.provider}; newer ones are left to the next suppressions.push()`,
          );
        }
        continue;
      }
      queue.full = false;
      queue.waiting.push(entry);
      if (!queue.running) void drain(queue);
    }
  };
}

function messageOf(error: unknown): string {
  if (MailoverError.isInstance(error) || error instanceof Error) return error.message;
  return String(error);
}
