import type { HelpArticle } from './dataset.js';
import { cosine, TfidfVectorizer, tokenize, type SparseVector } from './text.js';
import type { TicketCategory } from './ticket-assistant.js';

/** An article and how close it is to the query (cosine similarity, 0..1). */
export interface ArticleMatch {
  article: HelpArticle;
  score: number;
}

// A light suffix stripper so "photos", "charged" and "connecting" meet "photo", "charge" and "connect".
function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w.length > 3 && w.endsWith('e') ? w.slice(0, -1) : w;
}

// Words every ticket and article shares; left in, they pull short articles towards any query.
const STOPWORDS = new Set(
  ('a an and are at be but by can could do does for from have how i if in is it its me my of on or our please so that the ' +
    'them there this to us was we what when where which will with would you your site website web page webmagic hi hello thanks')
    .split(' '),
);

function stemmed(text: string): string {
  return tokenize(text)
    .filter((word) => !STOPWORDS.has(word))
    .map(stem)
    .join(' ');
}

function articleText(article: HelpArticle): string {
  // Title and keywords count twice: they name what the article is about, the steps also mention side topics.
  const keywords = article.keywords.join(' ');
  return [article.title, article.title, article.summary, ...article.steps, keywords, keywords].join('\n');
}

/** The help articles, searchable by TF-IDF cosine similarity over stemmed words. */
export class KnowledgeBase {
  private constructor(
    private readonly vectorizer: TfidfVectorizer,
    private readonly entries: readonly { article: HelpArticle; vector: SparseVector }[],
  ) {}

  /** Indexes the articles; `background` texts (e.g. past tickets) only sharpen the IDF weights of everyday words. */
  static build(articles: readonly HelpArticle[], background: readonly string[] = []): KnowledgeBase {
    const indexed = articles.map((article) => ({ article, text: stemmed(articleText(article)) }));
    const vectorizer = TfidfVectorizer.fit([...indexed.map(({ text }) => text), ...background.map(stemmed)], {
      maxWordNgram: 1,
      minDocumentFrequency: 1,
    });
    return new KnowledgeBase(vectorizer, indexed.map(({ article, text }) => ({ article, vector: vectorizer.transform(text) })));
  }

  /** The article with this id. */
  get(id: string): HelpArticle | undefined {
    return this.entries.find(({ article }) => article.id === id)?.article;
  }

  /** Articles ranked by similarity to the query, best first (ties keep the articles' order), optionally within one category. */
  search(query: string, options: { category?: TicketCategory; limit?: number } = {}): ArticleMatch[] {
    const vector = this.vectorizer.transform(stemmed(query));
    return this.entries
      .map((entry, index) => ({ article: entry.article, index, score: cosine(vector, entry.vector) }))
      .filter(({ article }) => options.category === undefined || article.category === options.category)
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, options.limit ?? this.entries.length)
      .map(({ article, score }) => ({ article, score }));
  }
}
