/** `mailer.suppressions`: the list's public face (docs/suppression.md, "API"). */
import { MailoverError } from '../errors.js';
import type { Store } from '../store/store.js';
import { type Clock, systemClock } from '../time.js';
import type { CompactReport } from './compact.js';
import { SuppressionList, type SuppressionListOptions } from './list.js';
import { checkTargets, type PushOptions, type PushReport, pushTo } from './push.js';
import type { SuppressionSource, SuppressionTarget } from './sync.js';
import { CSV_COLUMNS, fromCsv, fromJson, type ImportRow, toCsvLine } from './transfer.js';
import type { ListSuppressionsOptions, Suppression, SuppressionInput, SuppressionPage } from './types.js';

/** What an import or a sync did. */
export interface ImportReport {
  /** Entries written. */
  readonly added: number;
  /** Lines that could not be read or checked, each with why. */
  readonly refused: readonly { readonly line: number; readonly problem: string }[];
  /** With `sync(…, { push: true })`: what was pushed to each provider synced. */
  readonly pushed?: readonly PushReport[];
}

/** Options of `sync`. */
export interface SyncOptions extends PushOptions {
  /**
   * After importing every source, push the list to each of them (those that can be written:
   * every adapter's suppression list can): what the others taught, from where the last push ended.
   */
  readonly push?: boolean;
}

export interface Suppressions {
  /** The entry that stops mail to `address` (in `stream`, when given), or undefined. */
  has(address: string, stream?: string): Promise<Suppression | undefined>;
  /** Add or replace an entry (reason default `manual`, scope default `*`). */
  add(entry: SuppressionInput): Promise<Suppression>;
  /** Remove `address` from `scope` (default `*`); true when it was there. */
  remove(address: string, scope?: string): Promise<boolean>;
  /** One page, oldest first; pass `page.next` as `cursor` for the next. */
  list(options?: ListSuppressionsOptions): Promise<SuppressionPage>;
  /** Add every entry of a CSV or JSON export (what `export` writes; CSV needs only an `address` column). */
  import(text: string, format: 'csv' | 'json'): Promise<ImportReport>;
  /** The whole list as CSV (with a header line) or a JSON array. */
  export(format: 'csv' | 'json', scope?: string): Promise<string>;
  /**
   * Import providers' own suppressions, every page of them; with `push: true`, then push to each
   * what the others taught (docs/suppression.md, "Pushing to the providers").
   */
  sync(
    sources: SuppressionSource | readonly SuppressionSource[],
    options?: SyncOptions,
  ): Promise<ImportReport>;
  /**
   * Add the list's entries to each provider's own list through its SDK, from where the last push
   * to it ended (`from: 'start'`: all of them). Entries that came from a provider are not sent
   * back to it, and those it has no list for are counted in the report with why. A provider that
   * refuses is reported (`failed`); the others still get theirs.
   */
  push(
    targets: SuppressionTarget | readonly SuppressionTarget[],
    options?: PushOptions,
  ): Promise<PushReport[]>;
  /**
   * Drop the index items removed, expired and replaced entries left behind (about 40 bytes each).
   * Safe while mailers add and remove; one at a time per store. docs/suppression.md, "Compaction".
   */
  compact(): Promise<CompactReport>;
}

export function createSuppressions(list: SuppressionList, store: Store): Suppressions {
  async function addRows(rows: Iterable<ImportRow>): Promise<ImportReport> {
    let added = 0;
    const refused: { line: number; problem: string }[] = [];
    for (const row of rows) {
      if ('problem' in row) {
        refused.push(row);
        continue;
      }
      try {
        await list.add(row.input, true);
        added += 1;
      } catch (error) {
        if (!MailoverError.isInstance(error)) throw error;
        refused.push({ line: row.line, problem: error.message });
      }
    }
    return { added, refused };
  }

  return {
    has: (address, stream) => list.has(address, stream),
    add: (entry) => list.add({ event: 'api', ...entry }),
    remove: (address, scope) => list.remove(address, scope),
    list: (options) => list.list(options),
    compact: () => list.compact(),
    import(text, format) {
      if (format !== 'csv' && format !== 'json') {
        throw new MailoverError(
          `suppressions.import: format must be 'csv' or 'json' (got ${String(format)})`,
        );
      }
      return addRows(format === 'csv' ? fromCsv(text) : fromJson(text));
    },
    async export(format, scope) {
      if (format !== 'csv' && format !== 'json') {
        throw new MailoverError(
          `suppressions.export: format must be 'csv' or 'json' (got ${String(format)})`,
        );
      }
      const entries: Suppression[] = [];
      for await (const entry of list.all(scope)) entries.push(entry);
      if (format === 'json') return `${JSON.stringify(entries, null, 2)}\n`;
      return `${[CSV_COLUMNS.join(','), ...entries.map(toCsvLine)].join('\n')}\n`;
    },
    async sync(sources, options = {}) {
      const all = Array.isArray(sources)
        ? (sources as readonly SuppressionSource[])
        : [sources as SuppressionSource];
      let added = 0;
      const refused: { line: number; problem: string }[] = [];
      let line = 0;
      for (const source of all) {
        let cursor: string | undefined;
        do {
          const page = await source.page(cursor);
          const report = await addRows(
            page.entries.map((input) => ({
              line: ++line,
              input: { provider: source.provider, event: 'sync', ...input },
            })),
          );
          added += report.added;
          refused.push(...report.refused);
          cursor = page.next;
        } while (cursor);
      }
      if (!options.push) return { added, refused };
      const targets = all.filter(
        (source): source is SuppressionSource & SuppressionTarget =>
          typeof (source as Partial<SuppressionTarget>).push === 'function',
      );
      const pushed: PushReport[] = [];
      for (const target of targets) pushed.push(await pushTo(list, store, target, options));
      return { added, refused, pushed };
    },
    async push(targets, options = {}) {
      const all = Array.isArray(targets)
        ? (targets as readonly SuppressionTarget[])
        : [targets as SuppressionTarget];
      checkTargets(all, 'suppressions.push: targets');
      const reports: PushReport[] = [];
      for (const target of all) reports.push(await pushTo(list, store, target, options));
      return reports;
    },
  };
}

/**
 * The suppression list of a store without a mailer (the `mailover suppressions` command, scripts):
 * the same entries every mailer on that store checks.
 */
export function suppressionsIn(
  store: Store,
  options: SuppressionListOptions & { readonly clock?: Clock } = {},
): Suppressions {
  return createSuppressions(new SuppressionList(store, options.clock ?? systemClock, options), store);
}
