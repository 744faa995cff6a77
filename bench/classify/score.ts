/**
 * Scores classifySmtpReply on the labelled corpus: category accuracy, per-category precision and
 * recall, greylisting precision and recall, transient agreement and a confusion matrix, on the dev
 * rows and on the held-out rows (docs/smtp-classifier.md explains the split).
 *
 *   npx tsx --conditions=mailover-source bench/classify/score.ts [--errors] [--json] [--dev-only]
 *
 * `--errors` lists the dev rows the classifier gets wrong. `--dev-only` leaves the held-out score
 * out altogether: while rules are being written, not even its counts are read. Held-out rows are only ever counted:
 * their texts are never printed, so the rules cannot be written against them.
 */
import { classifySmtpReply, SMTP_REPLY_CATEGORIES, type SmtpReplyCategory } from '@mailover/core';
import { type LabelledReply, loadCorpus } from './corpus.js';

export interface PrecisionRecall {
  /** Rows labelled with the category. */
  readonly support: number;
  /** Rows the classifier put in the category. */
  readonly predicted: number;
  readonly correct: number;
  /** correct / predicted, 1 when nothing was predicted. */
  readonly precision: number;
  /** correct / support, 1 when there is no such row. */
  readonly recall: number;
}

export interface Score {
  /** Unambiguous rows: the category score is computed on these. */
  readonly rows: number;
  readonly ambiguousRows: number;
  readonly categoryAccuracy: number;
  readonly ambiguousAccuracy: number;
  /** Over every row, ambiguous ones included: the code class decides most of them. */
  readonly transientAccuracy: number;
  readonly perCategory: Readonly<Record<string, PrecisionRecall>>;
  readonly greylisting: PrecisionRecall;
  /** confusion[label][predicted] = count, unambiguous rows. */
  readonly confusion: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Unambiguous rows classified wrong (kept for the dev report only). */
  readonly errors: readonly { readonly row: LabelledReply; readonly predicted: SmtpReplyCategory }[];
}

export function scoreRows(rows: readonly LabelledReply[]): Score {
  const clear = rows.filter((row) => !row.ambiguous);
  const ambiguous = rows.filter((row) => row.ambiguous);
  const confusion: Record<string, Record<string, number>> = Object.create(null);
  const errors: { row: LabelledReply; predicted: SmtpReplyCategory }[] = [];
  let correct = 0;
  let transientAgree = 0;
  for (const row of rows) {
    const result = classifySmtpReply(row.reply);
    if (result.transient === row.transient) transientAgree += 1;
    if (row.ambiguous) continue;
    const line = confusion[row.category] ?? Object.create(null);
    confusion[row.category] = line;
    line[result.category] = (line[result.category] ?? 0) + 1;
    if (result.category === row.category) correct += 1;
    else errors.push({ row, predicted: result.category });
  }
  const ambiguousCorrect = ambiguous.filter(
    (row) => classifySmtpReply(row.reply).category === row.category,
  ).length;
  const perCategory: Record<string, PrecisionRecall> = Object.create(null);
  for (const category of SMTP_REPLY_CATEGORIES) perCategory[category] = precisionRecall(confusion, category);
  return {
    rows: clear.length,
    ambiguousRows: ambiguous.length,
    categoryAccuracy: ratio(correct, clear.length),
    ambiguousAccuracy: ratio(ambiguousCorrect, ambiguous.length),
    transientAccuracy: ratio(transientAgree, rows.length),
    perCategory,
    greylisting: perCategory.greylisting!,
    confusion,
    errors,
  };
}

function precisionRecall(
  confusion: Readonly<Record<string, Readonly<Record<string, number>>>>,
  category: string,
): PrecisionRecall {
  const support = Object.values(confusion[category] ?? {}).reduce((sum, count) => sum + count, 0);
  const predicted = Object.values(confusion).reduce((sum, line) => sum + (line[category] ?? 0), 0);
  const correct = confusion[category]?.[category] ?? 0;
  return {
    support,
    predicted,
    correct,
    precision: ratio(correct, predicted),
    recall: ratio(correct, support),
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}

const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;

/** A plain-text report of one score; `showErrors` lists the wrong rows (dev only). */
export function formatScore(title: string, score: Score, showErrors = false): string {
  const lines = [
    `${title}: ${score.rows} unambiguous rows (+${score.ambiguousRows} ambiguous)`,
    `  category accuracy   ${percent(score.categoryAccuracy)}   (ambiguous rows: ${percent(score.ambiguousAccuracy)}, not gated)`,
    `  transient agreement ${percent(score.transientAccuracy)}   (all rows)`,
    `  greylisting         precision ${percent(score.greylisting.precision)} (${score.greylisting.correct}/${score.greylisting.predicted}), recall ${percent(score.greylisting.recall)} (${score.greylisting.correct}/${score.greylisting.support})`,
    '  per category        support  precision  recall',
  ];
  for (const [category, entry] of Object.entries(score.perCategory)) {
    if (entry.support === 0 && entry.predicted === 0) continue;
    lines.push(
      `    ${category.padEnd(18)} ${String(entry.support).padStart(7)}  ${percent(entry.precision).padStart(9)}  ${percent(entry.recall).padStart(6)}`,
    );
  }
  lines.push('  confusion (label -> predicted: count), mistakes only');
  for (const [label, line] of Object.entries(score.confusion)) {
    for (const [predicted, count] of Object.entries(line)) {
      if (predicted !== label) lines.push(`    ${label} -> ${predicted}: ${count}`);
    }
  }
  if (showErrors) {
    lines.push('  wrong rows');
    for (const { row, predicted } of score.errors) {
      lines.push(
        `    [${row.category} -> ${predicted}] ${JSON.stringify(row.reply.slice(0, 160))} (${row.group})`,
      );
    }
  }
  return lines.join('\n');
}

function main(argv: readonly string[]): void {
  const corpus = loadCorpus();
  const dev = scoreRows(corpus.dev);
  if (argv.includes('--dev-only')) {
    console.log(formatScore('dev', dev, argv.includes('--errors')));
    return;
  }
  const heldOut = scoreRows(corpus.heldOut);
  if (argv.includes('--json')) {
    const strip = ({ errors: _errors, ...rest }: Score) => rest;
    console.log(JSON.stringify({ dev: strip(dev), heldOut: strip(heldOut) }, null, 2));
    return;
  }
  console.log(formatScore('dev', dev, argv.includes('--errors')));
  console.log('');
  console.log(formatScore('held-out (texts never printed)', heldOut));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  main(process.argv.slice(2));
}
