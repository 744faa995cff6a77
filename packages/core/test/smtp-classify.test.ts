/**
 * The labelled replies in shared/data/smtp-replies.jsonl: accuracy, per-category recall and
 * confusions are printed; rows marked `ambiguous` are scored apart and gate nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifySmtpReply, SMTP_REPLY_CATEGORIES, type SmtpReplyCategory } from '../src/index.js';

interface LabelledReply {
  readonly reply: string;
  readonly category: SmtpReplyCategory;
  readonly transient: boolean;
  readonly ambiguous?: boolean;
  readonly origin?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
// shared/ sits beside the repository, locally and in CI.
const dataPath = [
  resolve(here, '../../../../shared/data/smtp-replies.jsonl'),
  resolve(here, '../../../shared/data/smtp-replies.jsonl'),
].find((path) => existsSync(path));

const rows: LabelledReply[] = dataPath
  ? readFileSync(dataPath, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LabelledReply)
  : [];

interface Score {
  readonly total: number;
  readonly correct: number;
  readonly transientAgree: number;
  readonly recall: Map<SmtpReplyCategory, { hit: number; of: number }>;
  readonly confusions: Map<string, string[]>;
}

function score(subset: readonly LabelledReply[]): Score {
  const recall = new Map<SmtpReplyCategory, { hit: number; of: number }>();
  const confusions = new Map<string, string[]>();
  let correct = 0;
  let transientAgree = 0;
  for (const row of subset) {
    const result = classifySmtpReply(row.reply);
    const entry = recall.get(row.category) ?? { hit: 0, of: 0 };
    entry.of += 1;
    if (result.category === row.category) {
      correct += 1;
      entry.hit += 1;
    } else {
      const key = `${row.category} -> ${result.category}`;
      confusions.set(key, [...(confusions.get(key) ?? []), row.reply.slice(0, 100)]);
    }
    if (result.transient === row.transient) transientAgree += 1;
    recall.set(row.category, entry);
  }
  return { total: subset.length, correct, transientAgree, recall, confusions };
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 100 : (100 * part) / whole;
}

function report(title: string, result: Score): string {
  const lines = [
    `${title}: ${result.correct}/${result.total} categories right (${percent(result.correct, result.total).toFixed(1)}%), transient agrees ${result.transientAgree}/${result.total} (${percent(result.transientAgree, result.total).toFixed(1)}%)`,
  ];
  for (const category of SMTP_REPLY_CATEGORIES) {
    const entry = result.recall.get(category);
    if (entry) lines.push(`  recall ${category.padEnd(18)} ${entry.hit}/${entry.of}`);
  }
  for (const [key, replies] of [...result.confusions].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(
      `  confused ${key} (${replies.length}): ${replies.map((reply) => JSON.stringify(reply)).join(' | ')}`,
    );
  }
  return lines.join('\n');
}

describe.skipIf(!dataPath)('classifySmtpReply on the labelled real replies', () => {
  const clear = rows.filter((row) => !row.ambiguous);
  const ambiguous = rows.filter((row) => row.ambiguous);
  const clearScore = score(clear);
  const ambiguousScore = score(ambiguous);

  it('prints the scores (ambiguous rows apart)', () => {
    console.log(report('Unambiguous rows', clearScore));
    console.log(report('Ambiguous rows (reported apart, not gated)', ambiguousScore));
    expect(clear.length).toBeGreaterThan(200);
  });

  it('recognises at least 98% of unambiguous greylisting replies', () => {
    const greylisting = clearScore.recall.get('greylisting')!;
    expect(percent(greylisting.hit, greylisting.of)).toBeGreaterThanOrEqual(98);
  });

  it('gets at least 95% of unambiguous categories right', () => {
    expect(percent(clearScore.correct, clearScore.total)).toBeGreaterThanOrEqual(95);
  });

  it('agrees on transient for at least 95% of unambiguous rows', () => {
    expect(percent(clearScore.transientAgree, clearScore.total)).toBeGreaterThanOrEqual(95);
  });
});
