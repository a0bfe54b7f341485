/** A sparse, L2-normalised feature vector: parallel arrays of feature indices (ascending) and weights. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/** Which n-grams a vectoriser extracts. */
export interface VectorizerOptions {
  /** Word n-grams from 1 up to this length. */
  maxWordNgram: number;
  /** Character n-grams inside each word (padded with spaces), as [min, max] lengths; omitted = none. */
  charNgrams?: readonly [number, number];
  /** Features seen in fewer training documents are dropped. */
  minDocumentFrequency: number;
}

/** Lower-cases, strips accents and splits into word tokens; amounts of money become one shared token. */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/(?:\$|\busd\s?|\bq)\s?\d[\d,.]*/g, ' moneyamount ');
  return folded.match(/[a-z0-9]+/g) ?? [];
}

function countTerms(text: string, options: VectorizerOptions): Map<string, number> {
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  const add = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  for (let n = 1; n <= options.maxWordNgram; n += 1) {
    for (let i = 0; i + n <= tokens.length; i += 1) add(`w${n}:${tokens.slice(i, i + n).join(' ')}`);
  }
  if (options.charNgrams) {
    const [min, max] = options.charNgrams;
    for (const token of tokens) {
      const padded = ` ${token} `;
      for (let n = min; n <= max; n += 1) {
        for (let i = 0; i + n <= padded.length; i += 1) add(`c:${padded.slice(i, i + n)}`);
      }
    }
  }
  return counts;
}

/** TF-IDF with sublinear term frequency and smoothed IDF, vocabulary fixed at fit time in first-seen order. */
export class TfidfVectorizer {
  private constructor(
    private readonly options: VectorizerOptions,
    private readonly vocabulary: Map<string, number>,
    private readonly idf: Float64Array,
  ) {}

  /** Learns the vocabulary and IDF weights from the documents. */
  static fit(documents: readonly string[], options: VectorizerOptions): TfidfVectorizer {
    const documentFrequency = new Map<string, number>();
    for (const document of documents) {
      for (const term of countTerms(document, options).keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    const vocabulary = new Map<string, number>();
    const idf: number[] = [];
    for (const [term, df] of documentFrequency) {
      if (df < options.minDocumentFrequency) continue;
      vocabulary.set(term, idf.length);
      idf.push(Math.log((1 + documents.length) / (1 + df)) + 1);
    }
    return new TfidfVectorizer(options, vocabulary, Float64Array.from(idf));
  }

  /** Number of features. */
  get size(): number {
    return this.idf.length;
  }

  /** The document's L2-normalised TF-IDF vector; terms outside the vocabulary are ignored. */
  transform(document: string): SparseVector {
    const entries: [number, number][] = [];
    for (const [term, count] of countTerms(document, this.options)) {
      const index = this.vocabulary.get(term);
      if (index !== undefined) entries.push([index, (1 + Math.log(count)) * (this.idf[index] ?? 0)]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((sum, [, value]) => sum + value * value, 0)) || 1;
    return {
      indices: Int32Array.from(entries, ([index]) => index),
      values: Float64Array.from(entries, ([, value]) => value / norm),
    };
  }
}

/** Dot product of two sparse vectors (cosine similarity when both are normalised). */
export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const ai = a.indices[i] ?? 0;
    const bj = b.indices[j] ?? 0;
    if (ai === bj) {
      sum += (a.values[i] ?? 0) * (b.values[j] ?? 0);
      i += 1;
      j += 1;
    } else if (ai < bj) {
      i += 1;
    } else {
      j += 1;
    }
  }
  return sum;
}
