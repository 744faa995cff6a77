/**
 * The labelled corpus of real SMTP replies (data/smtp-replies/, described in its README) and its
 * fixed split by source: rows of the held-out groups are never used while writing rules.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SmtpReplyCategory } from '@mailover/core';

/** One labelled reply, as stored in replies.jsonl. */
export interface LabelledReply {
  readonly id: string;
  readonly reply: string;
  readonly category: SmtpReplyCategory;
  readonly transient: boolean;
  /** The text alone cannot decide the category: scored apart, gates nothing. */
  readonly ambiguous?: boolean;
  /** The source unit the split is made by (one repository, sample family or web site). */
  readonly group: string;
  readonly source: string;
  readonly licence: string;
  readonly note?: string;
}

export interface Corpus {
  readonly rows: readonly LabelledReply[];
  readonly heldOutGroups: ReadonlySet<string>;
  /** Rows the rules may be written against. */
  readonly dev: readonly LabelledReply[];
  /** Rows from the held-out groups: scored, never read while writing rules. */
  readonly heldOut: readonly LabelledReply[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** data/smtp-replies at the repository root. */
export const CORPUS_DIR = resolve(here, '../../data/smtp-replies');

export function loadCorpus(directory: string = CORPUS_DIR): Corpus {
  const rows = readFileSync(resolve(directory, 'replies.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledReply);
  const heldOutGroups = new Set(
    readFileSync(resolve(directory, 'held-out-groups.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return {
    rows,
    heldOutGroups,
    dev: rows.filter((row) => !heldOutGroups.has(row.group)),
    heldOut: rows.filter((row) => heldOutGroups.has(row.group)),
  };
}
