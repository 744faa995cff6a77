/**
 * The learned part of classifySmtpReply: a linear model (multinomial logistic regression) over the
 * features of model-features.ts, trained offline on the corpus's dev rows by
 * scripts/smtp-corpus/train.ts, its weights a generated module (model-weights.ts). The classifier
 * asks it only where its rules are not confident (classify.ts; docs/smtp-classifier.md, "The
 * learned model"). It has no `greylisting` and no `accepted` class: those only rules and codes
 * decide.
 */
import { featureHash, forEachFeatureHash } from './model-features.js';
import type { ParsedSmtpReply } from './parse.js';
import { SMTP_REPLY_CATEGORIES, type SmtpReplyCategory } from './types.js';

/** The categories the model can give: all but the two that only rules and codes decide. */
export type ModelCategory = Exclude<SmtpReplyCategory, 'greylisting' | 'accepted'>;

/**
 * The model's categories in SMTP_REPLY_CATEGORIES order, the order of its trained weights (a new
 * category there changes what training writes, which smtp-model.test.ts then reports).
 */
export const MODEL_CATEGORIES: readonly ModelCategory[] = SMTP_REPLY_CATEGORIES.filter(
  (category): category is ModelCategory => category !== 'greylisting' && category !== 'accepted',
);

const CLASSES = MODEL_CATEGORIES.length;

/**
 * A trained model, as train.ts writes it: integer weights (the real weight times `scale`), per
 * feature and for the bias, one a category in MODEL_CATEGORIES order.
 */
export interface LinearModelData {
  readonly scale: number;
  readonly bias: readonly number[];
  /** Per feature: its name, and its weights comma-separated, a 0 left empty (`12,,-3,…`). */
  readonly features: readonly (readonly [string, string])[];
}

/**
 * A model ready to score: its weights in one array, its features looked up by the hash of their
 * names (model-features.ts, featureHash), so a reply's features are never built as strings.
 */
export interface LinearModel {
  readonly scale: number;
  readonly bias: Int32Array;
  readonly weights: Int32Array;
  readonly index: ReadonlyMap<number, number>;
  /** Per feature, 1 when it is a word or a pair of words (not a code). */
  readonly wordFeature: Uint8Array;
  /** Per feature, the number of the last reply that counted it (each counts once a reply)... */
  readonly counted: Uint32Array;
  /** ...and the number of the reply being scored. */
  readonly replies: { number: number };
}

/** Throws when two features of the model share a hash (smtp-model.test.ts builds the shipped one). */
export function linearModel(data: LinearModelData): LinearModel {
  const index = new Map<number, number>();
  const weights = new Int32Array(data.features.length * CLASSES);
  const wordFeature = new Uint8Array(data.features.length);
  data.features.forEach(([feature, row], position) => {
    wordFeature[position] = CODE_FEATURE.test(feature) ? 0 : 1;
    const hash = featureHash(feature);
    if (index.has(hash)) throw new Error(`two model features share the hash of '${feature}'`);
    index.set(hash, position);
    row.split(',').forEach((weight, category) => {
      weights[position * CLASSES + category] = Number(weight);
    });
  });
  const counted = new Uint32Array(data.features.length);
  return {
    scale: data.scale,
    bias: Int32Array.from(data.bias),
    weights,
    index,
    wordFeature,
    counted,
    replies: { number: 0 },
  };
}

// The code features' names (model-features.ts): `_c5`, `_b550`, `_e5.7.1`, `_s5.7`, `_d7.1`.
const CODE_FEATURE = /^_[cbesd]\d/;

/**
 * The model's score for each category (MODEL_CATEGORIES order, in units of its scale) for one
 * parsed reply, written into `scores`; each feature counts once however often the reply has it.
 * Returns how many of the reply's words and pairs of words the model knows: with none, it only
 * knows the codes, which the code tables read already.
 */
export function scoreReply(model: LinearModel, reply: ParsedSmtpReply, scores: Int32Array): number {
  scores.set(model.bias);
  scoring = model;
  scored = scores;
  model.replies.number = (model.replies.number + 1) >>> 0;
  if (model.replies.number === 0) {
    model.counted.fill(0);
    model.replies.number = 1;
  }
  knownWords = 0;
  forEachFeatureHash(reply, addFeature);
  return knownWords;
}

let scoring: LinearModel | undefined;
let scored: Int32Array = new Int32Array(0);
let knownWords = 0;

function addFeature(hash: number): void {
  const model = scoring!;
  const row = model.index.get(hash);
  if (row === undefined) return;
  if (model.counted[row] === model.replies.number) return;
  model.counted[row] = model.replies.number;
  knownWords += model.wordFeature[row]!;
  const offset = row * CLASSES;
  for (let category = 0; category < CLASSES; category++)
    scored[category]! += model.weights[offset + category]!;
}

const scratch = new Int32Array(CLASSES);

/**
 * The model's category for one parsed reply: the highest score (the first on a tie); undefined
 * when the model knows none of its words.
 */
export function modelCategory(model: LinearModel, reply: ParsedSmtpReply): ModelCategory | undefined {
  if (scoreReply(model, reply, scratch) === 0) return undefined;
  let best = 0;
  for (let category = 1; category < CLASSES; category++)
    if (scratch[category]! > scratch[best]!) best = category;
  return MODEL_CATEGORIES[best]!;
}

/** The softmax probabilities of the categories (MODEL_CATEGORIES order) for the given scores. */
export function probabilities(model: LinearModel, scores: ArrayLike<number>): number[] {
  let top = -Infinity;
  for (let category = 0; category < CLASSES; category++) top = Math.max(top, scores[category]!);
  const shares = Array.from({ length: CLASSES }, (_, category) =>
    Math.exp((scores[category]! - top) / model.scale),
  );
  const total = shares.reduce((sum, share) => sum + share, 0);
  return shares.map((share) => share / total);
}
