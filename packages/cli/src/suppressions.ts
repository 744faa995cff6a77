/**
 * `mailover suppressions …`: the suppression list of a running store (the one every mailer on it
 * checks), from the shell, on Redis or PostgreSQL. docs/suppression.md, "From the shell".
 */
import { readFile } from 'node:fs/promises';
import {
  MailoverError,
  type Store,
  SUPPRESSION_REASONS,
  type SuppressionReason,
  suppressionsIn,
} from '@mailover/core';
import type { Output } from './index.js';

export const SUPPRESSIONS_USAGE = `Usage: mailover suppressions <command> --store <url> [--prefix P | --schema S] [--json]
  list   [--scope S] [--limit N] [--cursor C]   one page (oldest first); prints the next cursor
  has    <address> [--stream S]                  whether mail to it is stopped, and why
  add    <address> [--reason R] [--scope S]      reason: ${SUPPRESSION_REASONS.join(', ')} (default manual)
  remove <address> [--scope S]
  import <file> [--format csv|json]              format from the file name when not given
  export [--format csv|json] [--scope S]         the whole list on standard output
  compact                                        drop the index items of removed and expired entries

--store: the store's URL (default: the MAILOVER_STORE_URL variable):
         redis://… or rediss://… (Redis), postgres://… or postgresql://… (PostgreSQL).
--prefix: Redis only, the key prefix given to redisStore (default mailover:).
--schema: PostgreSQL only, the schema given to postgresStore (default mailover); it must exist.`;

/** The flags after the command, and the words that are not flags. */
function parse(args: readonly string[]): { words: string[]; flags: Map<string, string> } {
  const words: string[] = [];
  const flags = new Map<string, string>();
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    if (!argument.startsWith('--')) {
      words.push(argument);
      continue;
    }
    const value = args[index + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${argument} needs a value`);
    flags.set(argument.slice(2), value);
    index++;
  }
  return { words, flags };
}

class UsageError extends Error {}

const STORE_EXAMPLES = '--store redis://127.0.0.1:6379 or --store postgres://user@127.0.0.1:5432/db';

/**
 * The store the URL names. A URL is never echoed back (it may hold a password): an error names
 * only its scheme.
 */
async function openStore(flags: Map<string, string>): Promise<Store & { close(): Promise<void> }> {
  const url = flags.get('store') ?? process.env.MAILOVER_STORE_URL;
  if (!url) throw new UsageError(`give the store with ${STORE_EXAMPLES} (or set MAILOVER_STORE_URL)`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || !URL.canParse(url)) {
    throw new UsageError(`--store is not a URL (scheme://host…); use ${STORE_EXAMPLES}`);
  }
  const redis = scheme === 'redis' || scheme === 'rediss';
  const postgres = scheme === 'postgres' || scheme === 'postgresql';
  if (!redis && !postgres) {
    throw new UsageError(
      `--store: a ${scheme}:// URL is not a store this command can open; use ${STORE_EXAMPLES}`,
    );
  }
  if (redis && flags.has('schema'))
    throw new UsageError('--schema is for a PostgreSQL store; with Redis use --prefix');
  if (postgres && flags.has('prefix'))
    throw new UsageError('--prefix is for a Redis store; with PostgreSQL use --schema');
  if (redis) {
    const { redisStore } = await import('@mailover/redis');
    return redisStore({ url }, { prefix: flags.get('prefix') ?? 'mailover:' });
  }
  const { postgresStore } = await import('@mailover/postgres');
  try {
    return postgresStore(
      { connectionString: url },
      { schema: flags.get('schema') ?? 'mailover', createSchema: false },
    );
  } catch (error) {
    // A schema that is not a plain identifier: the store says why.
    throw new UsageError(`--schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function suppressionsCommand(
  args: readonly string[],
  json: boolean,
  output: Output,
): Promise<number> {
  let store: (Store & { close(): Promise<void> }) | undefined;
  try {
    const [command, ...rest] = args;
    if (command === undefined || command === 'help') {
      (command === undefined ? output.err : output.out)(SUPPRESSIONS_USAGE);
      return command === undefined ? 2 : 0;
    }
    const { words, flags } = parse(rest);
    const [argument] = words;
    const needsArgument = ['has', 'add', 'remove', 'import'].includes(command);
    if (needsArgument && argument === undefined)
      throw new UsageError(`${command} needs ${command === 'import' ? 'a file' : 'an address'}`);
    if (!['list', 'has', 'add', 'remove', 'import', 'export', 'compact'].includes(command)) {
      throw new UsageError(`unknown command '${command}'`);
    }
    const scope = flags.get('scope');
    store = await openStore(flags);
    const list = suppressionsIn(store);
    const print = (value: unknown, text: string) => output.out(json ? JSON.stringify(value) : text);
    switch (command) {
      case 'list': {
        const limit = flags.has('limit') ? Number(flags.get('limit')) : 100;
        const page = await list.list({
          limit,
          ...(flags.has('cursor') ? { cursor: flags.get('cursor')! } : {}),
          ...(scope ? { scope } : {}),
        });
        const lines = page.entries.map(
          (entry) =>
            `${entry.address}\t${entry.reason}\t${entry.scope}\t${new Date(entry.since).toISOString()}`,
        );
        print(page, [...lines, page.next ? `next page: --cursor ${page.next}` : '(last page)'].join('\n'));
        return 0;
      }
      case 'has': {
        const entry = await list.has(argument!, flags.get('stream'));
        print(
          entry ?? null,
          entry
            ? `suppressed: ${entry.reason} (scope ${entry.scope}) since ${new Date(entry.since).toISOString()}`
            : 'not suppressed',
        );
        return entry ? 0 : 1;
      }
      case 'add': {
        const reason = flags.get('reason') ?? 'manual';
        const entry = await list.add({
          address: argument!,
          reason: reason as SuppressionReason,
          ...(scope ? { scope } : {}),
          event: 'cli',
        });
        print(entry, `added ${entry.address} (${entry.reason}, scope ${entry.scope})`);
        return 0;
      }
      case 'remove': {
        const removed = await list.remove(argument!, scope);
        print({ removed }, removed ? `removed ${argument}` : `${argument} was not on the list`);
        return removed ? 0 : 1;
      }
      case 'import': {
        const format = flags.get('format') ?? (argument!.toLowerCase().endsWith('.json') ? 'json' : 'csv');
        if (format !== 'csv' && format !== 'json')
          throw new UsageError(`--format must be csv or json (got ${format})`);
        const report = await list.import(await readFile(argument!, 'utf8'), format);
        print(
          report,
          [
            `imported ${report.added}`,
            ...report.refused.map((entry) => `line ${entry.line}: ${entry.problem}`),
          ].join('\n'),
        );
        return report.refused.length === 0 ? 0 : 1;
      }
      case 'compact': {
        const report = await list.compact();
        print(
          report,
          `kept ${report.kept} index items, dropped ${report.dropped} stale ones (index generation ${report.generation})`,
        );
        return 0;
      }
      default: {
        const format = flags.get('format') ?? 'csv';
        if (format !== 'csv' && format !== 'json')
          throw new UsageError(`--format must be csv or json (got ${format})`);
        output.out((await list.export(format, scope)).trimEnd());
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`mailover suppressions: ${error.message}\n\n${SUPPRESSIONS_USAGE}`);
      return 2;
    }
    output.err(
      `mailover suppressions: ${MailoverError.isInstance(error) || error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  } finally {
    await store?.close();
  }
}
