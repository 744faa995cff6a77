/**
 * Leave-one-group-out cross-validation on the dev rows (docs/smtp-classifier.md, "The learned
 * model"): for each dev source group, a model is trained on the other dev groups
 * (model-training.ts) and scored on that group's rows, alone and combined with the rules in each
 * candidate design. Held-out rows are never loaded.
 *
 * The hand rules cannot be re-fitted per fold: they were written against every dev row, so their
 * figures here are in-sample. To see less of that, each design is also scored with the rules
 * "ablated": a rule alternative whose dev matches all lie in the left-out group (most likely
 * written for it) is left out for that group's rows.
 *
 *   npx tsx --conditions=mailover-source scripts/smtp-corpus/cv.ts [--cache FILE] [--options JSON] [--transient-errors] [--errors]
 *
 * `--cache FILE` keeps the per-fold model scores (the slow part, a few minutes) in FILE and reuses
 * them when the training rows and settings have not changed. `--options` overrides training
 * settings (model-training.ts) to compare them. `--transient-errors` counts, on codeless rows, the
 * two kinds of transient mistakes, and what a "final only when the model is this sure" rule gives.
 * `--errors` lists the dev rows the shipped design gets wrong with the rules ablated.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadCorpus } from '../../bench/classify/corpus.js';
import {
  applies,
  modelMayDecide,
  ruleAlternatives,
  type RulesVerdict,
  rulesVerdictForStudy,
} from '../../packages/core/src/smtp/classify.js';
import {
  linearModel,
  MODEL_CATEGORIES,
  type ModelCategory,
  scoreReply,
} from '../../packages/core/src/smtp/model.js';
import { parseSmtpReply } from '../../packages/core/src/smtp/parse.js';
import type { SmtpReplyCategory } from '../../packages/core/src/smtp/types.js';
import { TRAINING_OPTIONS, trainModel } from './model-training.js';

const corpus = loadCorpus();
const dev = corpus.dev;
const groups = [...new Set(dev.map((row) => row.group))].sort();

// Which dev groups each rule alternative matches (where its rule applies).
const parsed = dev.map((row) => parseSmtpReply(row.reply));
const alternativeGroups = ruleAlternatives().map(({ rule, pattern }) => {
  const found = new Set<string>();
  dev.forEach((row, position) => {
    const reply = parsed[position]!;
    if (reply.replyClass !== 2 && applies(rule, reply) && matchesAnywhere(pattern, reply.text))
      found.add(row.group);
  });
  return found;
});

// A sticky alternative (word-index.ts) is tried at every position; any other one scans by itself.
function matchesAnywhere(pattern: RegExp, text: string): boolean {
  if (!pattern.sticky) {
    pattern.lastIndex = 0;
    return pattern.test(text);
  }
  for (let start = 0; start < text.length; start++) {
    pattern.lastIndex = start;
    if (pattern.test(text)) return true;
  }
  return false;
}

interface Scored {
  readonly category: SmtpReplyCategory;
  readonly transient: boolean;
  readonly ambiguous: boolean;
  readonly codeless: boolean;
  readonly full: Study;
  readonly ablated: Study;
  /** The fold model's scores (MODEL_CATEGORIES order, in units of its scale) and scale. */
  readonly scores: readonly number[];
  /** How many of the row's words and pairs of words the fold model knows. */
  readonly knownWords: number;
  readonly scale: number;
}

interface Study {
  readonly verdict: RulesVerdict;
  readonly transientFor: (category: SmtpReplyCategory) => boolean;
}

// `--options JSON` overrides training settings, to compare them (the cache key includes them).
const optionsArgument = process.argv.indexOf('--options');
const trainingOptions = {
  ...TRAINING_OPTIONS,
  ...(optionsArgument === -1 ? {} : JSON.parse(process.argv[optionsArgument + 1]!)),
};

function modelScores(): { scores: number[][]; scale: number } {
  const cacheIndex = process.argv.indexOf('--cache');
  const cacheFile = cacheIndex === -1 ? undefined : process.argv[cacheIndex + 1];
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        trainingOptions,
        dev.map((row) => [row.reply, row.category, row.group, row.ambiguous]),
      ]),
    )
    .update(readFileSync(new URL('../../packages/core/src/smtp/model-features.ts', import.meta.url)))
    .update(readFileSync(new URL('./model-training.ts', import.meta.url)))
    .digest('hex');
  if (cacheFile && existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    if (cached.key === key) return cached;
  }
  const scores: number[][] = new Array(dev.length);
  for (const group of groups) {
    const model = linearModel(
      trainModel(
        dev.filter((row) => row.group !== group),
        trainingOptions,
      ),
    );
    dev.forEach((row, position) => {
      if (row.group !== group) return;
      const found = new Int32Array(MODEL_CATEGORIES.length);
      const knownWords = scoreReply(model, parsed[position]!, found);
      // The model's known words last: with none, it does not decide (classify.ts).
      scores[position] = [...Array.from(found), knownWords];
    });
  }
  const result = { key, scores, scale: trainingOptions.scale };
  if (cacheFile) writeFileSync(cacheFile, JSON.stringify(result));
  return result;
}

const { scores, scale } = modelScores();

const rows: Scored[] = dev.map((row, position) => {
  const specific = (alternative: number): boolean => {
    const found = alternativeGroups[alternative]!;
    return found.size === 1 && found.has(row.group);
  };
  const full = rulesVerdictForStudy(row.reply);
  const ablated = rulesVerdictForStudy(row.reply, specific);
  return {
    category: row.category,
    transient: row.transient,
    ambiguous: row.ambiguous === true,
    codeless: full.reply.replyClass === 0,
    full: { verdict: full.verdict, transientFor: full.transientFor },
    ablated: { verdict: ablated.verdict, transientFor: ablated.transientFor },
    scores: scores[position]!.slice(0, MODEL_CATEGORIES.length),
    knownWords: scores[position]![MODEL_CATEGORIES.length]!,
    scale,
  };
});

/** The model's best category among `allowed` (all when absent) and its softmax probability there. */
function guess(row: Scored, allowed?: ReadonlySet<string>): { category: ModelCategory; probability: number } {
  let best = -1;
  MODEL_CATEGORIES.forEach((category, index) => {
    if (allowed && !allowed.has(category)) return;
    if (best === -1 || row.scores[index]! > row.scores[best]!) best = index;
  });
  let total = 0;
  MODEL_CATEGORIES.forEach((category, index) => {
    if (allowed && !allowed.has(category)) return;
    total += Math.exp((row.scores[index]! - row.scores[best]!) / row.scale);
  });
  return { category: MODEL_CATEGORIES[best]!, probability: 1 / total };
}

const PERMANENT = new Set([
  'policy_reputation',
  'auth_required',
  'recipient_unknown',
  'content_rejected',
  'blocklisted',
  'other_permanent',
]);
/** The model's probability that the reply is in a category that is usually permanent. */
function permanentMass(row: Scored): number {
  const top = Math.max(...row.scores);
  let total = 0;
  let permanent = 0;
  MODEL_CATEGORIES.forEach((category, index) => {
    const share = Math.exp((row.scores[index]! - top) / row.scale);
    total += share;
    if (PERMANENT.has(category)) permanent += share;
  });
  return permanent / total;
}

/** The weight the rules decided with: the heavier of their rule and code candidates, 0 for none. */
const strength = (verdict: RulesVerdict): number =>
  Math.max(verdict.rule?.weight ?? 0, verdict.code?.weight ?? 0);

type Design = (row: Scored, study: Study) => SmtpReplyCategory;

const CONFUSED = new Set([
  'policy_reputation',
  'content_rejected',
  'recipient_unknown',
  'blocklisted',
  'auth_required',
]);

const designs: Record<string, Design> = {
  'rules alone': (_row, study) => study.verdict.category,
  // What classify.ts does: the model where modelMayDecide says so.
  'as shipped': (row, study) => {
    const { category } = study.verdict;
    return category !== 'accepted' && modelMayDecide(category, strength(study.verdict))
      ? guess(row).category
      : category;
  },
  'model alone': (row, study) =>
    study.verdict.category === 'greylisting' || study.verdict.category === 'accepted'
      ? study.verdict.category
      : guess(row).category,
};
// The model where the rules' decision weighs at most `weight` (0: no rule and no code matched;
// 10: the basic code alone; 25: an enhanced code's subject; 30: a catch-all code; 50: an exact
// enhanced code; 65: the weakest text rules), when it is at least `threshold` sure and knows one of
// the reply's words.
const fallback =
  (weight: number, threshold: number): Design =>
  (row, study) => {
    const { category } = study.verdict;
    if (category === 'greylisting' || category === 'accepted' || strength(study.verdict) > weight)
      return category;
    const found = guess(row);
    return found.probability >= threshold ? found.category : category;
  };
for (const weight of [0, 10, 25, 30, 40, 50, 65]) {
  for (const threshold of [0, 0.4, 0.6])
    designs[`fallback, decided by <= ${weight}, p >= ${threshold}`] = fallback(weight, threshold);
}
// Tie-breaker on top of the fallback: a rule (up to `weight`) saying one of the confused
// categories gives way to the model when the model, among those categories, says another with
// probability >= `threshold`.
for (const weight of [78, 89, 100]) {
  for (const threshold of [0.5, 0.7, 0.9]) {
    designs[`fallback <= 10 + tie-break rule <= ${weight}, p >= ${threshold}`] = (row, study) => {
      const base = fallback(10, 0)(row, study);
      const rule = study.verdict.rule;
      if (!rule || rule.weight > weight || !CONFUSED.has(base) || base !== study.verdict.category)
        return base;
      const found = guess(row, CONFUSED);
      return found.probability >= threshold ? found.category : base;
    };
  }
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

const clear = rows.filter((row) => !row.ambiguous);
if (process.argv.includes('--transient-errors')) {
  for (const name of ['rules alone', 'as shipped']) {
    for (const which of ['full', 'ablated'] as const) {
      let falsePermanent = 0;
      let falseTransient = 0;
      for (const row of rows) {
        if (!row.codeless) continue;
        const said = row[which].transientFor(designs[name]!(row, row[which]));
        if (said && !row.transient) falseTransient += 1;
        if (!said && row.transient) falsePermanent += 1;
      }
      console.log(
        `${name}, ${which}: codeless rows called transient wrongly ${falseTransient}, permanent wrongly ${falsePermanent}`,
      );
    }
  }
  // A codeless reply the rules would retry is only made final when the model is this sure.
  for (const threshold of [0.5, 0.6, 0.7, 0.8, 0.9]) {
    for (const which of ['full', 'ablated'] as const) {
      let falsePermanent = 0;
      let falseTransient = 0;
      for (const row of rows) {
        if (!row.codeless) continue;
        const study = row[which];
        const category = designs['as shipped']!(row, study);
        let said = study.transientFor(category);
        if (!said && study.transientFor(study.verdict.category) && permanentMass(row) < threshold)
          said = true;
        if (said && !row.transient) falseTransient += 1;
        if (!said && row.transient) falsePermanent += 1;
      }
      console.log(
        `final only at p >= ${threshold}, ${which}: transient wrongly ${falseTransient}, permanent wrongly ${falsePermanent}`,
      );
    }
  }
}
console.log(
  `dev, leave-one-group-out over ${groups.length} groups: ${clear.length} unambiguous rows (+${rows.length - clear.length} ambiguous), ${rows.filter((row) => row.codeless).length} codeless`,
);
console.log(
  'design | category: rules in-sample, ablated | transient, codeless by category: in-sample, ablated | transient, codeless as the rules say: in-sample, ablated',
);
for (const [name, design] of Object.entries(designs)) {
  const figures = (['full', 'ablated'] as const).map((which) => {
    const right = clear.filter((row) => design(row, row[which]) === row.category).length;
    return percent(right, clear.length);
  });
  const transient = (['full', 'ablated'] as const).flatMap((which) => {
    const byCategory = rows.filter(
      (row) => row[which].transientFor(design(row, row[which])) === row.transient,
    ).length;
    const byRules = rows.filter((row) => {
      const category = row.codeless ? row[which].verdict.category : design(row, row[which]);
      return row[which].transientFor(category) === row.transient;
    }).length;
    return [percent(byCategory, rows.length), percent(byRules, rows.length)];
  });
  console.log(
    `${name} | ${figures[0]}, ${figures[1]} | ${transient[0]}, ${transient[2]} | ${transient[1]}, ${transient[3]}`,
  );
}
// Greylisting calls of the shipped design (the model never makes one: these are the rules').
for (const which of ['full', 'ablated'] as const) {
  const called = clear.filter((row) => designs['as shipped']!(row, row[which]) === 'greylisting');
  const right = called.filter((row) => row.category === 'greylisting').length;
  const labelled = clear.filter((row) => row.category === 'greylisting').length;
  console.log(
    `greylisting, rules ${which === 'full' ? 'in-sample' : 'ablated'}: precision ${right}/${called.length}, recall ${right}/${labelled}`,
  );
}

// `--errors`: the dev rows the shipped design gets wrong with the rules ablated, and who decided.
if (process.argv.includes('--errors')) {
  dev.forEach((source, position) => {
    const row = rows[position]!;
    if (row.ambiguous) return;
    const predicted = designs['as shipped']!(row, row.ablated);
    if (predicted === row.category) return;
    const decider =
      predicted === row.ablated.verdict.category ? (row.ablated.verdict.rule?.name ?? 'codes') : 'model';
    console.log(
      `[${row.category} -> ${predicted}] (${decider}) ${JSON.stringify(source.reply.slice(0, 140))} (${source.group})`,
    );
  });
}
