import { createHash } from 'node:crypto';

/**
 * Regularized upper incomplete gamma Q(a, x) (series for x < a + 1, Lentz continued fraction otherwise), accurate
 * to ~1e-12; the chi-square and normal tail probabilities are built on it.
 */
function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(logPrefix) * h;
}

const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (x + i + 1);
  const t = x + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** P(X ≥ x) for a chi-square distribution with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  return upperGammaQ(df / 2, x / 2);
}

/** Two-sided p-value of a standard normal statistic z. */
export function normalTwoSidedP(z: number): number {
  return upperGammaQ(0.5, (z * z) / 2);
}

/** Result of a chi-square goodness-of-fit test. */
export interface ChiSquareResult {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
}

/** Chi-square goodness of fit of observed counts against expected shares (which need not sum to exactly 1). */
export function chiSquareGoodnessOfFit(observed: readonly number[], expectedShares: readonly number[]): ChiSquareResult {
  if (observed.length !== expectedShares.length || observed.length < 2) throw new RangeError('need at least two categories, one share each');
  const total = observed.reduce((a, b) => a + b, 0);
  const shareSum = expectedShares.reduce((a, b) => a + b, 0);
  let chiSquare = 0;
  observed.forEach((count, i) => {
    const expected = (total * expectedShares[i]!) / shareSum;
    if (expected > 0) chiSquare += (count - expected) ** 2 / expected;
  });
  const degreesOfFreedom = observed.length - 1;
  return { chiSquare, degreesOfFreedom, pValue: total === 0 ? 1 : chiSquareSurvival(chiSquare, degreesOfFreedom) };
}

/** p-value below which a split is flagged as a sample-ratio mismatch (the threshold common in the industry). */
export const SRM_P_THRESHOLD = 0.001;

/** Sample-ratio-mismatch check: do the exposure counts fit the configured split? */
export function sampleRatioMismatch(exposures: readonly number[], weights: readonly number[]): ChiSquareResult & { mismatch: boolean } {
  const result = chiSquareGoodnessOfFit(exposures, weights);
  return { ...result, mismatch: result.pValue < SRM_P_THRESHOLD };
}

/** Result of a pooled two-proportion z-test of a variant against control. */
export interface TwoProportionResult {
  z: number;
  pValue: number;
}

/** Pooled two-proportion z-test (two-sided); z > 0 when the variant converts better than control. */
export function twoProportionZTest(control: { conversions: number; exposures: number }, variant: { conversions: number; exposures: number }): TwoProportionResult {
  if (control.exposures === 0 || variant.exposures === 0) return { z: 0, pValue: 1 };
  const p1 = control.conversions / control.exposures;
  const p2 = variant.conversions / variant.exposures;
  const pooled = (control.conversions + variant.conversions) / (control.exposures + variant.exposures);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.exposures + 1 / variant.exposures));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (p2 - p1) / se;
  return { z, pValue: normalTwoSidedP(z) };
}

/** A number in [0, 1) derived from the experiment and the visitor alone, so re-assignment needs no lookup. */
export function assignmentPoint(experimentId: string, visitorId: string): number {
  const digest = createHash('sha256').update(`${experimentId}:${visitorId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The index of the variant a visitor gets: deterministic, sticky, in proportion to the weights. */
export function assignVariant(experimentId: string, visitorId: string, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  const point = assignmentPoint(experimentId, visitorId) * total;
  let edge = 0;
  for (let i = 0; i < weights.length; i++) {
    edge += weights[i]!;
    if (point < edge) return i;
  }
  return weights.length - 1;
}

/** Per-variant outcome as the results endpoint reports it. */
export interface VariantResult {
  name: string;
  weight: number;
  exposures: number;
  conversions: number;
  conversionRate: number;
  /** Relative change of the conversion rate against control (null for control, or when control converts nothing). */
  uplift: number | null;
  z: number | null;
  pValue: number | null;
}

/** Results of an experiment: per-variant rates and tests against the first variant (control), plus the SRM check. */
export function experimentResults(variants: readonly { name: string; weight: number; exposures: number; conversions: number }[]) {
  const control = variants[0];
  if (!control) throw new RangeError('an experiment has at least one variant');
  const rate = (v: { exposures: number; conversions: number }) => (v.exposures === 0 ? 0 : v.conversions / v.exposures);
  const results: VariantResult[] = variants.map((v, i) => {
    const test = i === 0 ? null : twoProportionZTest(control, v);
    return {
      name: v.name,
      weight: v.weight,
      exposures: v.exposures,
      conversions: v.conversions,
      conversionRate: rate(v),
      uplift: i === 0 || rate(control) === 0 ? null : (rate(v) - rate(control)) / rate(control),
      z: test?.z ?? null,
      pValue: test?.pValue ?? null,
    };
  });
  const srm = variants.length > 1 ? sampleRatioMismatch(variants.map((v) => v.exposures), variants.map((v) => v.weight)) : null;
  return { variants: results, srm };
}
