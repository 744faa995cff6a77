/**
 * Training of the classifier's learned model (packages/core/src/smtp/model.ts): multinomial
 * logistic regression over the features of model-features.ts, by full-batch gradient descent with
 * AdaGrad steps and an L2 penalty, in a fixed order with fixed settings, so the same rows always
 * give the same weights. train.ts writes the weights as a module; cv.ts trains one model a fold to
 * estimate how the model does on sources it never saw (docs/smtp-classifier.md, "The learned model").
 */
import { parseSmtpReply } from '../../packages/core/src/smtp/parse.js';
import { modelFeatures } from '../../packages/core/src/smtp/model-features.js';
import {
  type LinearModelData,
  MODEL_CATEGORIES,
  type ModelCategory,
} from '../../packages/core/src/smtp/model.js';

export interface TrainingRow {
  readonly reply: string;
  readonly category: string;
  readonly group: string;
  readonly ambiguous?: boolean;
}

export interface TrainingOptions {
  /** A feature is kept when it occurs in at least this many rows... */
  readonly minRows: number;
  /** ...of at least this many source groups (a word only one source uses says little). */
  readonly minGroups: number;
  readonly l2: number;
  readonly epochs: number;
  readonly learningRate: number;
  /** Weights are stored as round(weight × scale)... */
  readonly scale: number;
  /** ...those smaller than this become 0, and a feature whose weights are all 0 goes. */
  readonly minWeight: number;
  /** At most this many features, those with the largest weights (the model is then fitted again on them). */
  readonly maxFeatures: number;
  /** Whether rows marked ambiguous are learned from too (with their label). */
  readonly ambiguousRows: boolean;
  /** 'logistic' (multinomial logistic regression) or 'nb' (multinomial naive Bayes, add-one). */
  readonly learner: 'logistic' | 'nb';
}

export const TRAINING_OPTIONS: TrainingOptions = {
  minRows: 2,
  minGroups: 2,
  l2: 1e-3,
  epochs: 300,
  learningRate: 0.5,
  scale: 20,
  minWeight: 0.1,
  maxFeatures: 600,
  ambiguousRows: false,
  learner: 'logistic',
};

const CLASSES = MODEL_CATEGORIES.length;
const CATEGORY_INDEX = new Map<string, number>(MODEL_CATEGORIES.map((category, index) => [category, index]));

/** Rows the model learns from: unambiguous, in one of its categories (no greylisting, no 2xx). */
export function trainable(row: TrainingRow, options: TrainingOptions = TRAINING_OPTIONS): boolean {
  return (options.ambiguousRows || !row.ambiguous) && CATEGORY_INDEX.has(row.category as ModelCategory);
}

/** Each row's distinct features, in first-seen order. */
export function distinctFeatures(reply: string): string[] {
  return [...new Set(modelFeatures(parseSmtpReply(reply)))];
}

export function trainModel(
  allRows: readonly TrainingRow[],
  options: TrainingOptions = TRAINING_OPTIONS,
): LinearModelData {
  const rows = allRows.filter((row) => trainable(row, options));
  const rowFeatures = rows.map((row) => distinctFeatures(row.reply));
  // Vocabulary: features in enough rows of enough groups, sorted so the order never depends on
  // the rows' order.
  const rowCount = new Map<string, number>();
  const groups = new Map<string, Set<string>>();
  rowFeatures.forEach((features, position) => {
    for (const feature of features) {
      rowCount.set(feature, (rowCount.get(feature) ?? 0) + 1);
      const set = groups.get(feature) ?? new Set<string>();
      groups.set(feature, set);
      set.add(rows[position]!.group);
    }
  });
  const vocabulary = [...rowCount.keys()]
    .filter(
      (feature) =>
        rowCount.get(feature)! >= options.minRows && groups.get(feature)!.size >= options.minGroups,
    )
    .sort();
  const index = new Map(vocabulary.map((feature, position) => [feature, position]));
  const encoded = rowFeatures.map((features) =>
    Int32Array.from(features.filter((feature) => index.has(feature)).map((feature) => index.get(feature)!)),
  );
  const labels = rows.map((row) => CATEGORY_INDEX.get(row.category)!);

  let kept = vocabulary;
  let weights = (options.learner === 'nb' ? fitBayes : fitWeights)(encoded, labels, kept.length, options);
  if (kept.length > options.maxFeatures) {
    // Keep the features with the largest weights, then fit again on those alone.
    const strength = kept.map((feature, position) => {
      let largest = 0;
      for (let k = 0; k < CLASSES; k++)
        largest = Math.max(largest, Math.abs(weights.weights[position * CLASSES + k]!));
      return { feature, position, largest };
    });
    strength.sort((a, b) => b.largest - a.largest || (a.feature < b.feature ? -1 : 1));
    const chosen = strength.slice(0, options.maxFeatures).sort((a, b) => a.position - b.position);
    const renumber = new Map(chosen.map((entry, position) => [entry.position, position]));
    kept = chosen.map((entry) => entry.feature);
    const narrowed = encoded.map((features) =>
      Int32Array.from(
        [...features].filter((feature) => renumber.has(feature)).map((feature) => renumber.get(feature)!),
      ),
    );
    weights = (options.learner === 'nb' ? fitBayes : fitWeights)(narrowed, labels, kept.length, options);
  }
  const bias = weights.bias;
  const minimum = Math.round(options.minWeight * options.scale);
  const features: [string, string][] = [];
  kept.forEach((feature, position) => {
    const row = Array.from(
      weights.weights.subarray(position * CLASSES, (position + 1) * CLASSES),
      (weight) => {
        const stored = quantised(weight, options.scale);
        return Math.abs(stored) < minimum ? 0 : stored;
      },
    );
    if (row.every((weight) => weight === 0)) return;
    features.push([feature, row.map((weight) => (weight === 0 ? '' : String(weight))).join(',')]);
  });
  return {
    scale: options.scale,
    bias: Array.from(bias, (weight) => quantised(weight, options.scale)),
    features,
  };
}

// Multinomial logistic regression on rows of feature numbers: full-batch gradient, AdaGrad steps.
function fitWeights(
  encoded: readonly Int32Array[],
  labels: readonly number[],
  size: number,
  options: TrainingOptions,
): { weights: Float64Array; bias: Float64Array } {
  const weights = new Float64Array(size * CLASSES);
  const bias = new Float64Array(CLASSES);
  const gradient = new Float64Array(size * CLASSES);
  const biasGradient = new Float64Array(CLASSES);
  const squares = new Float64Array(size * CLASSES);
  const biasSquares = new Float64Array(CLASSES);
  const scores = new Float64Array(CLASSES);
  const n = encoded.length;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    gradient.fill(0);
    biasGradient.fill(0);
    for (let row = 0; row < n; row++) {
      const features = encoded[row]!;
      for (let k = 0; k < CLASSES; k++) scores[k] = bias[k]!;
      for (const feature of features) {
        const offset = feature * CLASSES;
        for (let k = 0; k < CLASSES; k++) scores[k]! += weights[offset + k]!;
      }
      let max = -Infinity;
      for (let k = 0; k < CLASSES; k++) max = Math.max(max, scores[k]!);
      let total = 0;
      for (let k = 0; k < CLASSES; k++) {
        scores[k] = Math.exp(scores[k]! - max);
        total += scores[k]!;
      }
      for (let k = 0; k < CLASSES; k++) {
        const error = (scores[k]! / total - (labels[row] === k ? 1 : 0)) / n;
        biasGradient[k]! += error;
        for (const feature of features) gradient[feature * CLASSES + k]! += error;
      }
    }
    for (let i = 0; i < weights.length; i++) {
      const step = gradient[i]! + options.l2 * weights[i]!;
      squares[i]! += step * step;
      if (squares[i]! > 0) weights[i]! -= (options.learningRate * step) / Math.sqrt(squares[i]!);
    }
    for (let k = 0; k < CLASSES; k++) {
      const step = biasGradient[k]!;
      biasSquares[k]! += step * step;
      if (biasSquares[k]! > 0) bias[k]! -= (options.learningRate * step) / Math.sqrt(biasSquares[k]!);
    }
  }

  return { weights, bias };
}

// Rounded to an integer; `+ 0` turns -0 into 0, so the written module never says `-0`.
function quantised(weight: number, scale: number): number {
  return Math.round(weight * scale) + 0;
}

// Multinomial naive Bayes on presence counts, add-one smoothing: log P(feature | category), each
// feature's mean over the categories taken off (the same for every category, so no guess changes),
// and the log prior as bias.
function fitBayes(
  encoded: readonly Int32Array[],
  labels: readonly number[],
  size: number,
): { weights: Float64Array; bias: Float64Array } {
  const counts = new Float64Array(size * CLASSES);
  const totals = new Float64Array(CLASSES);
  const rowsOf = new Float64Array(CLASSES);
  encoded.forEach((features, row) => {
    const label = labels[row]!;
    rowsOf[label]! += 1;
    for (const feature of features) {
      counts[feature * CLASSES + label]! += 1;
      totals[label]! += 1;
    }
  });
  const weights = new Float64Array(size * CLASSES);
  for (let feature = 0; feature < size; feature++) {
    let mean = 0;
    for (let k = 0; k < CLASSES; k++) {
      const value = Math.log((counts[feature * CLASSES + k]! + 1) / (totals[k]! + size));
      weights[feature * CLASSES + k] = value;
      mean += value / CLASSES;
    }
    for (let k = 0; k < CLASSES; k++) weights[feature * CLASSES + k]! -= mean;
  }
  const bias = Float64Array.from(rowsOf, (count) => Math.log((count + 1) / (encoded.length + CLASSES)));
  return { weights, bias };
}
