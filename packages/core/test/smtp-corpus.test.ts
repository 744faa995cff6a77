/**
 * classifySmtpReply on the labelled corpus of real replies (data/smtp-replies): the data's own
 * rules (sources, licences, no duplicates, a fixed split by source), then the scores, with floors,
 * on the dev rows and on the held-out rows the rules were never written against. The figures are
 * printed; bench/classify/score.ts prints the full report.
 */
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, loadCorpus } from '../../../bench/classify/corpus.js';
import { formatScore, scoreRows } from '../../../bench/classify/score.js';
import { SMTP_REPLY_CATEGORIES } from '../src/index.js';
import { normalised } from '../../../scripts/smtp-corpus/dedup.js';

const corpus = loadCorpus();

// Measured on 2026-12-03, seventh session (docs/smtp-classifier.md, "The learned model"): held-out
// category 90.4 % (264 of 292), transient 99.7 % (338 of 339), greylisting 19/19 with no false call,
// after a model trained on dev rows took over where no text rule matched and at most the basic code
// decided (fourth session, rules alone: 88.0 %, 98.5 %). A second reader's rules on the
// content_rejected / policy_reputation boundary then reached 91.1 % (266 of 292; held-out read twice
// in that pass). The eighth session's 181 dev rows and the rules generalised from them reached
// 91.4 % (267 of 292; held-out read once). The 92 % category target is not met; the floors sit just
// below what is reached (one row of slack each), and never go down.
const HELD_OUT_CATEGORY_FLOOR = 0.91;
const HELD_OUT_TRANSIENT_FLOOR = 0.995;
// Greylisting on held-out: at least this many labelled rows, so its recall means something.
const HELD_OUT_GREYLISTING_ROWS = 19;

describe(`the corpus (${CORPUS_DIR})`, () => {
  it('holds at least 1,000 distinct real replies, each with its source, licence and group', () => {
    expect(corpus.rows.length).toBeGreaterThanOrEqual(1_000);
    const categories = new Set<string>(SMTP_REPLY_CATEGORIES);
    for (const row of corpus.rows) {
      expect(row.reply.trim(), row.id).not.toBe('');
      expect(categories.has(row.category), `${row.id}: ${row.category}`).toBe(true);
      expect(typeof row.transient, row.id).toBe('boolean');
      expect(row.source, row.id).toMatch(/^https?:\/\//);
      expect(row.licence.length, row.id).toBeGreaterThan(2);
      expect(row.group.length, row.id).toBeGreaterThan(2);
    }
  });

  it('has no two rows that are the same reply', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const row of corpus.rows) {
      const key = normalised(row.reply);
      const first = seen.get(key);
      if (first) duplicates.push(`${first} = ${row.id}`);
      else seen.set(key, row.id);
    }
    expect(duplicates).toEqual([]);
    expect(new Set(corpus.rows.map((row) => row.id)).size).toBe(corpus.rows.length);
  });

  it('holds out whole source groups, every one of them present in the data', () => {
    const groups = new Set(corpus.rows.map((row) => row.group));
    for (const group of corpus.heldOutGroups) expect(groups.has(group), group).toBe(true);
    expect(corpus.heldOut.length).toBeGreaterThan(250);
    expect(corpus.dev.length + corpus.heldOut.length).toBe(corpus.rows.length);
    // No group is on both sides.
    const devGroups = new Set(corpus.dev.map((row) => row.group));
    expect([...corpus.heldOutGroups].filter((group) => devGroups.has(group))).toEqual([]);
  });

  it('has every category, accepted included', () => {
    const present = new Set(corpus.rows.map((row) => row.category));
    expect([...SMTP_REPLY_CATEGORIES].filter((category) => !present.has(category))).toEqual([]);
  });
});

describe('classifySmtpReply on the corpus', () => {
  const dev = scoreRows(corpus.dev);
  const heldOut = scoreRows(corpus.heldOut);

  it('prints the scores', () => {
    console.log(formatScore('dev', dev));
    console.log(formatScore('held-out', heldOut));
    expect(dev.rows + heldOut.rows).toBeGreaterThan(850);
  });

  // Floors: just below what the classifier reaches (docs/smtp-classifier.md); the targets are
  // 92 % category, 98 % greylisting recall at 95 % precision and 99 % transient on held-out.
  it('held-out: category accuracy', () => {
    expect(heldOut.categoryAccuracy).toBeGreaterThanOrEqual(HELD_OUT_CATEGORY_FLOOR);
  });

  it('held-out: greylisting recall and precision', () => {
    expect(heldOut.greylisting.support).toBeGreaterThanOrEqual(HELD_OUT_GREYLISTING_ROWS);
    expect(heldOut.greylisting.recall).toBeGreaterThanOrEqual(0.98);
    expect(heldOut.greylisting.precision).toBeGreaterThanOrEqual(0.95);
  });

  it('held-out: transient flag', () => {
    expect(heldOut.transientAccuracy).toBeGreaterThanOrEqual(HELD_OUT_TRANSIENT_FLOOR);
  });

  it('dev: category, greylisting and transient', () => {
    // In-sample for the rules and the model alike (99.3 % = 1134 of 1142, 99.7 % in the seventh
    // session; 99.2 % = 1295 of 1305, 99.7 % in the eighth): these catch a regression, they do not measure generalisation (scripts/smtp-corpus/cv.ts
    // does).
    expect(dev.categoryAccuracy).toBeGreaterThanOrEqual(0.992);
    expect(dev.greylisting.recall).toBeGreaterThanOrEqual(0.98);
    expect(dev.greylisting.precision).toBeGreaterThanOrEqual(0.95);
    expect(dev.transientAccuracy).toBeGreaterThanOrEqual(0.995);
  });

  it('calls every 2xx accepted, never transient', () => {
    const accepted = corpus.rows.filter((row) => /^(?:smtp; ?)?2\d\d[ -]/i.test(row.reply));
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    for (const row of accepted) expect(scoreRows([row]).categoryAccuracy, row.reply).toBe(1);
  });
});
