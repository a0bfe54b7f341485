import type { HelpArticle } from './dataset.js';
import { tokenize } from './text.js';
import type { TicketCategory } from './ticket-assistant.js';

/**
 * Topic cues for the classifier: words and phrases that say which part of the product a ticket is about, each turned
 * into a `cue<category>` token the model can weigh. Written from the product (its screens, its bills, its DNS
 * records) and from the help articles' keywords, so a ticket worded unlike any training ticket still lands near its topic.
 */
const PHRASES: readonly [TicketCategory, RegExp][] = [
  ['billing', /\b(?:charged?|charges|charging|invoices?|facturas?|receipts?|recibos?|cards?|tarjetas?|payments?|pagos?|paid|pay|cobro|cobraron|refunds?|reembolso|discounts?|descuento|bill|billing|promo|price increase|nit|tax|vat)\b/],
  ['cancellation', /\b(?:cancel\w*|cancelar|baja|discontinue|terminate|terminar|stop (?:the |my )?(?:subscription|service|plan|payments?)|close (?:my )?account|delete (?:my )?(?:site|account|data)|take (?:my )?site (?:down|offline)|pause|suspend my|no longer need|shut\w* down|closing (?:the |my )?business|cerramos|remove my (?:site|business)|unsubscribe)\b/],
  ['domain', /\b(?:domains?|dominio|dns|cname|txt|a record|godaddy|namecheap|cloudflare|registrar|www|nameservers?|propagat\w*|ssl|https|certificate|padlock|not secure|\w+ (?:com|net|org|gt))\b/],
  ['content_edit', /\b(?:change|update|replace|swap|add|remove|take off|put|fix|correct|cambiar|cambien|actualizar|agregar|quitar|poner)(?: \w+){0,4} (?:photos?|pictures?|images?|fotos?|logo|text|texto|wording|phone|telefono|number|address|direccion|hours|horario|schedule|prices?|precios?|menu|services?|servicios?|map|pin|email|button|font|colou?rs?|headline|title|section|page|about|gallery|testimonials?|reviews?)\b/],
  ['technical', /\b(?:error|errors|broken|bug|not working|doesnt work|dont work|isnt working|wont|crash\w*|404|500|blank|loading|load|slow|freez\w*|stuck|glitch|login|log in|password|contrasena|verify|verification|reset link|locked|spam|captcha|not arriving|didnt arrive|never (?:got|received))\b/],
  ['general', /\b(?:question|how does|how do i|is it possible|can i|do you|what is|whats|thank you|thanks|gracias|included|include|plan|collaborator|employee|access|analytics|statistics|visits|google|seo|tips)\b/],
];

const tag = (category: TicketCategory) => `cue${category.replace('_', '')}`;

/** The cue vocabulary: the fixed phrases above and the help-article keywords that belong to one category only. */
export class CueLexicon {
  private constructor(private readonly keywords: ReadonlyMap<string, TicketCategory>) {}

  /** Builds the lexicon from the help articles' keywords (words of three letters or more). */
  static build(articles: readonly HelpArticle[]): CueLexicon {
    const categories = new Map<string, Set<TicketCategory>>();
    for (const article of articles) {
      for (const keyword of article.keywords) {
        if (keyword.length < 3) continue;
        const seen = categories.get(keyword) ?? new Set<TicketCategory>();
        seen.add(article.category);
        categories.set(keyword, seen);
      }
    }
    const keywords = new Map<string, TicketCategory>();
    for (const [keyword, seen] of categories) if (seen.size === 1) keywords.set(keyword, [...seen][0]!);
    return new CueLexicon(keywords);
  }

  /** The text followed by its cue tokens: each matching phrase twice, each article keyword once per occurrence. */
  annotate(text: string): string {
    const words = tokenize(text);
    const joined = ` ${words.join(' ')} `;
    const phrases = PHRASES.filter(([, pattern]) => pattern.test(joined)).map(([category]) => tag(category));
    const keywords = words.flatMap((word) => {
      const category = this.keywords.get(word);
      return category ? [`kb${category.replace('_', '')}`] : [];
    });
    return [text, ...phrases, ...phrases, ...keywords].join(' ');
  }
}
