#!/usr/bin/env node
/**
 * Adds hand-labelled rows to data/smtp-replies/replies.jsonl from a plain-text list, applying the
 * README's deduplication rule against every row already there. A duplicate of a held-out row is
 * reported by id only: its text is never printed (data/smtp-replies/README.md, "Split").
 *
 * Usage: npx tsx scripts/smtp-corpus/add-rows.ts <list> [--write]
 *
 * The list: directives set what the rows below them share, one row a line.
 *   #group owner/name            (required before the first row)
 *   #licence MIT
 *   #origin maddy                (optional)
 *   #source https://github.com/owner/name/blob/<commit>/path
 *   category<TAB>T|F[<TAB>A]<TAB>reply[<TAB>note]
 * T/F is `transient`; A marks the row ambiguous; `\n` in a reply stands for a line break (a multi-line
 * reply). Blank lines and lines starting with `//` are skipped.
 * Without --write it only prints what it would add.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalised } from './dedup.js';

const directory = resolve(dirname(fileURLToPath(import.meta.url)), '../../data/smtp-replies');
const corpusFile = resolve(directory, 'replies.jsonl');
const heldOutGroups = new Set(
  readFileSync(resolve(directory, 'held-out-groups.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#')),
);

interface Row {
  readonly id: string;
  readonly reply: string;
  readonly group: string;
  /** The row as the file holds it. */
  readonly line: string;
}

const CATEGORIES = new Set([
  'accepted',
  'greylisting',
  'rate_limit',
  'mailbox_full',
  'mailbox_busy',
  'policy_reputation',
  'blocklisted',
  'content_rejected',
  'recipient_unknown',
  'dns',
  'connection',
  'server_busy',
  'auth_required',
  'other_transient',
  'other_permanent',
]);

const [listFile, ...flags] = process.argv.slice(2);
if (!listFile) {
  console.error('usage: add-rows.ts <list> [--write]');
  process.exit(2);
}
const existing = readFileSync(corpusFile, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line): Row => ({ ...JSON.parse(line), line }));
const seen = new Map<string, { readonly id: string; readonly reply: string; readonly group: string }>(
  existing.map((row) => [normalised(row.reply), row]),
);

const shared: Record<string, string> = {};
const added: Row[] = [];
for (const [index, text] of readFileSync(listFile, 'utf8').split('\n').entries()) {
  if (text.trim() === '' || text.startsWith('//')) continue;
  const directive = /^#(group|licence|origin|source) (.+)$/.exec(text);
  if (directive) {
    shared[directive[1]] = directive[2].trim();
    continue;
  }
  const columns = text.split('\t');
  const [category, transient] = columns;
  const ambiguous = columns[2] === 'A';
  const [written, note] = columns.slice(ambiguous ? 3 : 2);
  const reply = written?.replaceAll('\\n', '\n');
  const where = `${listFile}:${index + 1}`;
  if (!CATEGORIES.has(category) || !/^[TF]$/.test(transient ?? '') || !reply) {
    console.error(`${where}: malformed row`);
    process.exit(1);
  }
  if (!shared.group || !shared.source || !shared.licence) {
    console.error(`${where}: group, source and licence must be set first`);
    process.exit(1);
  }
  const key = normalised(reply);
  const first = seen.get(key);
  if (first) {
    const side = heldOutGroups.has(first.group) ? 'a held-out row' : `dev row ${JSON.stringify(first.reply)}`;
    console.log(`skip ${where}: the same reply as ${first.id} (${side})`);
    continue;
  }
  const fields = {
    id: createHash('sha1').update(reply).digest('hex').slice(0, 10),
    reply,
    category,
    transient: transient === 'T',
    ...(ambiguous ? { ambiguous: true } : {}),
    group: shared.group,
    source: shared.source,
    licence: shared.licence,
    ...(shared.origin ? { origin: shared.origin } : {}),
    ...(note ? { note } : {}),
  };
  // The file's layout: `{"key": value, …}`, one row a line.
  const line = `{${Object.entries(fields)
    .map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`)
    .join(', ')}}`;
  seen.set(key, fields);
  added.push({ ...fields, line });
}
console.log(`${added.length} new rows`);
if (flags.includes('--write')) {
  // Sorted by group, case-insensitively, as the file is; the sort is stable.
  const key = (row: Row) => row.group.toLowerCase();
  const rows = [...existing, ...added].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  writeFileSync(corpusFile, `${rows.map((row) => row.line).join('\n')}\n`);
}
