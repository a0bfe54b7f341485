import type { SparseVector } from './text.js';
import { seededRandom } from '../seeded-random.js';

/** Settings of one training run; the same settings and data always give the same weights. */
export interface SoftmaxTrainingOptions {
  epochs: number;
  /** L2 penalty on the weights (not the biases). */
  l2: number;
  /** Initial step size; it decays as 1 / (1 + rate · l2 · step). */
  learningRate: number;
  /** Seed of the example order. */
  seed: number;
}

function softmaxInPlace(scores: Float64Array): Float64Array {
  const max = Math.max(...scores);
  let sum = 0;
  for (let c = 0; c < scores.length; c += 1) {
    const e = Math.exp((scores[c] ?? 0) - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c += 1) scores[c] = (scores[c] ?? 0) / sum;
  return scores;
}

/** Multinomial logistic regression over sparse features, trained by SGD with L2 regularisation. */
export class SoftmaxRegression {
  private constructor(
    /** Number of classes. */
    readonly classes: number,
    /** Weights, feature-major: weight of feature f for class c at f · classes + c. */
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
  ) {}

  /** Fits the model to labelled vectors (`labels[i]` in 0..classes-1). */
  static train(
    vectors: readonly SparseVector[],
    labels: readonly number[],
    classes: number,
    features: number,
    options: SoftmaxTrainingOptions,
  ): SoftmaxRegression {
    const weights = new Float64Array(features * classes);
    const bias = new Float64Array(classes);
    // The L2 shrink is applied to one shared scale factor so each SGD step only touches the example's features.
    let scale = 1;
    const order = vectors.map((_, i) => i);
    const random = seededRandom(options.seed);
    const scores = new Float64Array(classes);
    let step = 0;
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
      }
      for (const example of order) {
        const x = vectors[example];
        const label = labels[example];
        if (x === undefined || label === undefined) continue;
        const rate = options.learningRate / (1 + options.learningRate * options.l2 * step);
        step += 1;
        SoftmaxRegression.scoreInto(scores, x, weights, bias, scale, classes);
        softmaxInPlace(scores);
        scale *= 1 - rate * options.l2;
        if (scale < 1e-6) {
          for (let k = 0; k < weights.length; k += 1) weights[k] = (weights[k] ?? 0) * scale;
          scale = 1;
        }
        for (let c = 0; c < classes; c += 1) {
          const gradient = (scores[c] ?? 0) - (c === label ? 1 : 0);
          bias[c] = (bias[c] ?? 0) - rate * gradient;
          const delta = (rate * gradient) / scale;
          for (let k = 0; k < x.indices.length; k += 1) {
            const at = (x.indices[k] ?? 0) * classes + c;
            weights[at] = (weights[at] ?? 0) - delta * (x.values[k] ?? 0);
          }
        }
      }
    }
    for (let k = 0; k < weights.length; k += 1) weights[k] = (weights[k] ?? 0) * scale;
    return new SoftmaxRegression(classes, weights, bias);
  }

  private static scoreInto(
    scores: Float64Array,
    x: SparseVector,
    weights: Float64Array,
    bias: Float64Array,
    scale: number,
    classes: number,
  ): void {
    for (let c = 0; c < classes; c += 1) scores[c] = 0;
    for (let k = 0; k < x.indices.length; k += 1) {
      const base = (x.indices[k] ?? 0) * classes;
      const value = x.values[k] ?? 0;
      for (let c = 0; c < classes; c += 1) scores[c] = (scores[c] ?? 0) + (weights[base + c] ?? 0) * value;
    }
    for (let c = 0; c < classes; c += 1) scores[c] = (scores[c] ?? 0) * scale + (bias[c] ?? 0);
  }

  /** Class probabilities for one vector. */
  predict(x: SparseVector): Float64Array {
    const scores = new Float64Array(this.classes);
    SoftmaxRegression.scoreInto(scores, x, this.weights, this.bias, 1, this.classes);
    return softmaxInPlace(scores);
  }
}
