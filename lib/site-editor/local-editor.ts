import type { SiteChange, SiteContent } from './content.js';
import type { EditInput, EditProposal, SiteEditor } from './site-editor.js';

/** A clause the rules understood, with how sure they are. */
interface Reading {
  changes: SiteChange[];
  confidence: number;
}

/** Named colours owners use, as the hex values the theme stores. */
export const NAMED_COLORS: Record<string, string> = {
  'dark green': '#14532d', 'forest green': '#166534', 'light green': '#4ade80', green: '#16a34a',
  'dark blue': '#1e3a8a', 'navy blue': '#1e3a8a', navy: '#1e3a8a', 'sky blue': '#0ea5e9', 'light blue': '#60a5fa', 'royal blue': '#1d4ed8', blue: '#2563eb',
  'dark red': '#7f1d1d', maroon: '#7f1d1d', burgundy: '#7f1d1d', red: '#dc2626',
  orange: '#ea580c', yellow: '#facc15', gold: '#ca8a04', purple: '#7c3aed', violet: '#7c3aed', pink: '#db2777',
  teal: '#0d9488', turquoise: '#14b8a6', brown: '#92400e', black: '#111827', white: '#ffffff',
  'dark gray': '#374151', 'dark grey': '#374151', gray: '#6b7280', grey: '#6b7280', charcoal: '#374151',
};

const DAY_NAMES: [RegExp, string][] = [
  [/^mon(day)?s?$/, 'Mon'], [/^tue(s|sday)?s?$/, 'Tue'], [/^wed(nesday)?s?$/, 'Wed'], [/^thu(r|rs|rsday)?s?$/, 'Thu'],
  [/^fri(day)?s?$/, 'Fri'], [/^sat(urday)?s?$/, 'Sat'], [/^sun(day)?s?$/, 'Sun'],
];
const DAY = '(?:mon(?:day)?s?|tue(?:s|sday)?s?|wed(?:nesday)?s?|thu(?:r|rs|rsday)?s?|fri(?:day)?s?|sat(?:urday)?s?|sun(?:day)?s?)';
const DAY_RANGE = new RegExp(`\\b(${DAY})\\s*(?:-|–|—|to|through|thru|until)\\s*(${DAY})\\b`, 'i');
const SINGLE_DAY = new RegExp(`\\b(${DAY})\\b`, 'i');
const TIME = '(?:\\d{1,2}(?::\\d{2})?\\s*(?:a\\.?m\\.?|p\\.?m\\.?)?|noon|midnight)';
const TIME_RANGE = new RegExp(`(?:from\\s+)?(${TIME})\\s*(?:-|–|—|to|till|til|until)\\s*(${TIME})`, 'i');

const PHONE = /(\+?\(?\d[\d\s().-]{5,}\d)/;
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/i;
const HEX = /#[0-9a-f]{6}\b/i;
const QUOTED = /["“”'‘’]([^"“”]{1,300}?)["“”'‘’](?=\s|$|[.,!?;:])/;

const GREETING = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|thanks?|thank you|many thanks|cheers|regards|best|kind regards|please|ok|okay)\b[\w\s,!'’]*$/i;

function dayLabel(word: string): string | null {
  const lower = word.toLowerCase();
  for (const [pattern, label] of DAY_NAMES) if (pattern.test(lower)) return label;
  return null;
}

function timeLabel(text: string): string | null {
  const t = text.toLowerCase().replace(/\./g, '').replace(/\s+/g, '');
  if (t === 'noon') return '12pm';
  if (t === 'midnight') return '12am';
  const match = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/.exec(t);
  if (!match) return null;
  const hour = Number(match[1]);
  if (hour < 1 || hour > 23) return null;
  let suffix = match[3];
  let h = hour;
  if (!suffix) {
    if (hour > 12) {
      h = hour - 12;
      suffix = 'pm';
    } else {
      return null;
    }
  }
  const minutes = match[2] && match[2] !== '00' ? `:${match[2]}` : '';
  return `${h}${minutes}${suffix}`;
}

/** "9-5" style ranges without am/pm: the first is a morning hour, the second an afternoon one. */
function timeRange(clause: string): string | null {
  const match = TIME_RANGE.exec(clause);
  if (!match?.[1] || !match[2]) return null;
  let from = timeLabel(match[1]);
  let to = timeLabel(match[2]);
  if (!from && /^\d{1,2}(:\d{2})?$/.test(match[1].trim())) from = timeLabel(`${match[1].trim()}${to?.endsWith('am') ? 'am' : Number(match[1].split(':')[0]) >= 7 && Number(match[1].split(':')[0]) <= 11 ? 'am' : 'pm'}`);
  if (!to && /^\d{1,2}(:\d{2})?$/.test(match[2].trim())) to = timeLabel(`${match[2].trim()}pm`);
  return from && to ? `${from}–${to}` : null;
}

function days(clause: string): string | null {
  if (/\bweekdays?\b|\bmonday to friday\b|\bmon-fri\b|\bduring the week\b/i.test(clause)) return 'Mon–Fri';
  if (/\bweekends?\b/i.test(clause)) return 'Sat–Sun';
  const range = DAY_RANGE.exec(clause);
  if (range?.[1] && range[2]) {
    const from = dayLabel(range[1]);
    const to = dayLabel(range[2]);
    if (from && to) return `${from}–${to}`;
  }
  const single = SINGLE_DAY.exec(clause);
  return single?.[1] ? dayLabel(single[1]) : null;
}

function cleanValue(text: string): string {
  return text.trim().replace(/[\s.!?;,]+$/, '').replace(/^["“'‘]|["”'’]$/g, '').trim();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The new value in "… to X", "… say X", "… : X" or a quoted X. */
function newValue(clause: string, after: RegExp): string | null {
  const quoted = QUOTED.exec(clause);
  if (quoted?.[1]) return quoted[1].trim();
  const match = after.exec(clause);
  if (!match?.[1]) return null;
  const value = cleanValue(match[1]);
  return value.length > 0 ? value : null;
}

function similarity(a: string, b: string): number {
  const words = (s: string) => new Set(s.toLowerCase().replace(/[^a-z0-9 ]/g, ' ').split(/\s+/).filter((w) => w.length > 2).map((w) => w.replace(/s$/, '')));
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 || wb.size === 0) return 0;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared += 1;
  return shared / Math.min(wa.size, wb.size);
}

/** The listed service a phrase names, when exactly one matches well. */
function findService(services: string[], phrase: string): string | null {
  const exact = services.find((s) => s.toLowerCase() === phrase.toLowerCase());
  if (exact) return exact;
  const scored = services.map((s) => ({ s, score: similarity(s, phrase) })).filter((x) => x.score >= 0.5).sort((a, b) => b.score - a.score);
  if (scored.length === 0) return null;
  if (scored.length > 1 && scored[0]!.score === scored[1]!.score) return null;
  return scored[0]!.s;
}

function stripServiceWords(text: string): string {
  return cleanValue(text.replace(/^(the|our|a|an|new)\s+/i, '').replace(/\s+(service|services|option)$/i, '').replace(/\s+(from|to|on)\s+(the|our)\s+(list|site|website|page|services?)(\s+list)?$/i, ''));
}

function readPhone(clause: string): Reading | null {
  if (!/\b(phone|number|call|tel|telephone|mobile|cell|contact)\b/i.test(clause)) return null;
  const match = PHONE.exec(clause);
  if (!match?.[1]) return null;
  const digits = match[1].replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  let value = match[1].trim();
  if (value.startsWith('(') === false) value = value.replace(/\)$/, '');
  return { changes: [{ op: 'set', field: 'phone', value }], confidence: 0.95 };
}

function readEmail(clause: string): Reading | null {
  const match = EMAIL.exec(clause);
  if (!match) return null;
  if (!/\b(e-?mail|mail|address|contact|inbox)\b/i.test(clause)) return null;
  return { changes: [{ op: 'set', field: 'email', value: match[0].toLowerCase() }], confidence: 0.95 };
}

function readColor(clause: string): Reading | null {
  if (!/\b(colou?rs?|theme|background|header|banner|buttons?|accent|brand|make (it|the site|the website|everything))\b/i.test(clause)) return null;
  const hex = HEX.exec(clause);
  let value = hex?.[0].toLowerCase() ?? null;
  if (!value) {
    const lower = clause.toLowerCase();
    const name = Object.keys(NAMED_COLORS).find((n) => new RegExp(`\\b${n}\\b`).test(lower));
    if (name) value = NAMED_COLORS[name]!;
  }
  if (!value) return null;
  const accent = /\b(buttons?|accent|call[- ]to[- ]action|cta|highlights?|secondary)\b/i.test(clause);
  return { changes: [{ op: 'set_color', target: accent ? 'accent' : 'primary', value }], confidence: accent || /\b(main|primary|header|banner|background|theme|brand)\b/i.test(clause) ? 0.9 : 0.75 };
}

const TEMPLATE_WORDS = '(template|layout|design|theme|look|style)';
const FONT_WORDS: [RegExp, 'modern' | 'classic' | 'friendly'][] = [
  [/\b(classic|serif|elegant|traditional)\b/i, 'classic'],
  [/\b(friendly|rounded|playful|soft)\b/i, 'friendly'],
  [/\b(modern|clean|sans[- ]?serif|simple)\b/i, 'modern'],
];
const CORNER_WORDS: [RegExp, 'square' | 'soft' | 'round'][] = [
  [/\b(square|sharp|straight)\b/i, 'square'],
  [/\b(slightly|a little|a bit|soft|subtle)\b/i, 'soft'],
  [/\b(round|rounded|pill|curved)\b/i, 'round'],
];

/** "Use the bold template", "switch to the fresh layout", "make the corners round", "use the friendly fonts" (several in one clause too). */
function readDesign(clause: string): Reading | null {
  const changes: SiteChange[] = [];
  let confidence = 0.9;
  const template = new RegExp(`\\b(classic|bold|fresh)\\s+${TEMPLATE_WORDS}\\b|\\b${TEMPLATE_WORDS}\\s+(?:to\\s+|called\\s+)?(?:the\\s+)?["“]?(classic|bold|fresh)\\b`, 'i').exec(clause);
  if (template) changes.push({ op: 'set_template', template: (template[1] ?? template[4] ?? '').toLowerCase() as 'classic' | 'bold' | 'fresh' });
  const corners = /\b(corners?|edges?)\b/i.exec(clause);
  if (corners) {
    const near = clause.slice(Math.max(0, corners.index - 30), corners.index + 40);
    const radius = CORNER_WORDS.find(([pattern]) => pattern.test(near))?.[1];
    if (!radius) return null;
    changes.push({ op: 'set_radius', radius });
  }
  const fonts = /\b(fonts?|typefaces?|typography|lettering)\b/i.exec(clause);
  if (fonts) {
    const near = clause.slice(Math.max(0, fonts.index - 30), fonts.index + 40);
    const font = FONT_WORDS.find(([pattern]) => pattern.test(near))?.[1];
    if (!font) return null;
    changes.push({ op: 'set_font', font });
    confidence = 0.85;
  }
  return changes.length > 0 ? { changes, confidence } : null;
}

function readHours(clause: string): Reading | null {
  if (!/\b(hours?|open|opening|close[sd]?|closing)\b/i.test(clause)) return null;
  const when = days(clause);
  if (!when) return null;
  if (/\bclosed\b|\bnot open\b|\bclose on\b/i.test(clause) && !TIME_RANGE.test(clause)) {
    return { changes: [{ op: 'set_hours', days: when, value: 'Closed' }], confidence: 0.9 };
  }
  const range = timeRange(clause);
  if (!range) return null;
  return { changes: [{ op: 'set_hours', days: when, value: range }], confidence: 0.9 };
}

function readAddress(clause: string): Reading | null {
  if (!/\b(address|moved|moving|relocated|location|located)\b/i.test(clause)) return null;
  if (EMAIL.test(clause)) return null;
  const value = newValue(clause, /\b(?:to|is now|is|at|:)\s+(\d[^]*?)$/i) ?? newValue(clause, /\b(?:to|is now|:)\s+([^]*?)$/i);
  if (!value || !/\d/.test(value)) return null;
  return { changes: [{ op: 'set', field: 'address', value }], confidence: 0.85 };
}

function readServices(clause: string, services: string[]): Reading | null {
  const rename = /\b(?:rename|change|call|update)\s+(?:the\s+|our\s+)?(.+?)\s+(?:service\s+)?(?:to|into|as)\s+(.+)$/i.exec(clause)
    ?? /\b(?:call|list)\s+(?:the\s+|our\s+)?(.+?)\s+service\s+(.+?)\s+instead$/i.exec(clause.replace(/[.!?;,]+$/, ''));
  if (rename?.[1] && rename[2] && !/\b(headline|tagline|slogan|title|about|phone|number|email|address|colou?r|hours|button|call to action|cta)\b/i.test(rename[1])) {
    const from = findService(services, stripServiceWords(rename[1]));
    if (from) return { changes: [{ op: 'rename_service', from, to: capitalise(stripServiceWords(rename[2])) }], confidence: 0.85 };
    return null;
  }
  const remove = /\b(?:remove|delete|drop|take (?:off|out|down)|get rid of|no longer (?:offer|do|provide))\s+(?:the\s+)?(.+?)$/i.exec(clause.replace(/[.!?;,]+$/, ''));
  if (remove?.[1]) {
    const name = findService(services, stripServiceWords(remove[1].replace(/\b(?:from|off)\s+(?:the\s+|our\s+)?(?:list|site|website|page|services?)(?:\s+list)?$/i, '')));
    if (name) return { changes: [{ op: 'remove_service', name }], confidence: 0.9 };
    return null;
  }
  const add = /\b(?:add|list|include|we now (?:offer|do|provide)|we also (?:offer|do|provide)|now offering|we started offering|we(?:'re| are) now offering)\s+(?:a\s+)?(?:new\s+)?(?:service\s+)?(?:called\s+|named\s+|for\s+)?(.+?)$/i.exec(clause.replace(/[.!?;,]+$/, ''));
  if (add?.[1]) {
    const raw = add[1].replace(/\s+(?:to|on)\s+(?:the\s+|our\s+)?(?:list|site|website|page|services?)(?:\s+(?:list|section|page))?$/i, '').replace(/\s+as\s+a\s+(?:new\s+)?service$/i, '');
    const name = stripServiceWords(raw.replace(/,?\s*(?:now|too|as well)?,?\s*(?:please\s+)?(?:include|add|list) it$/i, '').replace(/\s+(?:now|too|as well)$/i, ''));
    if (name.length < 3 || name.split(/\s+/).length > 6 || SITE_FEATURES.test(name)) return null;
    if (findService(services, name)?.toLowerCase() === name.toLowerCase()) return null;
    return { changes: [{ op: 'add_service', name: capitalise(name) }], confidence: /\b(services?|offer|offering|provide)\b/i.test(clause) ? 0.85 : 0.6 };
  }
  return null;
}

// Things owners ask to add that are parts of a site, not services the business offers.
const SITE_FEATURES = /\b(page|section|gallery|photos?|pictures?|video|widget|form|map|reviews?|testimonials?|coupon|prices?|blog|links?|chat|calendar|banner|logo|faq|menu|popup|button)\b/i;

const TEXT_TARGETS: [RegExp, 'headline' | 'tagline' | 'about' | 'callToAction'][] = [
  [/\b(call[- ]to[- ]action|cta|button text|button (?:to )?(?:say|read)|main button)\b/i, 'callToAction'],
  [/\b(tag ?line|slogan|subtitle|sub-?heading|motto)\b/i, 'tagline'],
  [/\b(headline|heading|main title|big title|title at the top|hero text)\b/i, 'headline'],
  [/\b(about(?: us)?(?: section| text| paragraph| page)?|description|bio|our story)\b/i, 'about'],
];

function readText(clause: string): Reading | null {
  const target = TEXT_TARGETS.map(([pattern, field]) => ({ match: pattern.exec(clause), field })).find((t) => t.match);
  if (!target?.match) return null;
  const rest = clause.slice(target.match.index + target.match[0].length);
  const value = newValue(rest, /^\s*(?:section|text|paragraph|page)?\s*(?:to say|to read|to|say|says|read|reads|be|with|:|-|—)\s*([^]+)$/i);
  if (!value) return null;
  return { changes: [{ op: 'set', field: target.field, value }], confidence: QUOTED.test(clause) ? 0.95 : 0.8 };
}

/** Splits a request into clauses at sentence ends and semicolons, keeping phone numbers, emails and quotes whole. */
function clauses(request: string): string[] {
  return request
    .replace(/\r?\n+/g, '. ')
    .split(/(?<=[!?;])\s+|(?<=[a-z0-9)"”'’])\.\s+|\s+and also\s+|,?\s+also,?\s+(?=(?:change|update|add|remove|set|make|please|can you|could you)\b)/i)
    .map((c) => c.trim().replace(/^(and|also|then|plus)\s+/i, '').replace(/^(please|kindly|can you|could you|would you|can we|could we|i(?:'d| would) like to|i want to|we want to|we need to|i need to|pls)\s+/i, '').trim())
    .filter((c) => c.length > 0);
}

/** The embedded, deterministic editor: reads common requests with rules and refuses what it does not understand. */
export class LocalSiteEditor implements SiteEditor {
  constructor(private readonly minimumConfidence = 0.7) {}

  /** Synchronous proposal, for the bench and the fake LLM server. */
  proposeSync(input: EditInput): EditProposal {
    const content: SiteContent = input.content;
    const changes: SiteChange[] = [];
    let confidence = 1;
    for (const clause of clauses(input.request)) {
      if (GREETING.test(clause) && clause.length < 60) continue;
      const reading = readPhone(clause) ?? readEmail(clause) ?? readHours(clause) ?? readDesign(clause) ?? readColor(clause) ?? readText(clause)
        ?? readAddress(clause) ?? readServices(clause, content.services);
      if (!reading) return { kind: 'refused', reason: `not understood: "${clause.slice(0, 120)}"`, confidence: 0 };
      changes.push(...reading.changes);
      confidence = Math.min(confidence, reading.confidence);
    }
    if (changes.length === 0) return { kind: 'refused', reason: 'the request names no change', confidence: 0 };
    if (confidence < this.minimumConfidence) return { kind: 'refused', reason: `not sure enough (${confidence.toFixed(2)})`, confidence };
    return { kind: 'change', changes, summary: summarise(changes), confidence };
  }

  async propose(input: EditInput): Promise<EditProposal> {
    return this.proposeSync(input);
  }
}

/** A one-line description of a change set, for the version list and the emails. */
export function summarise(changes: SiteChange[]): string {
  const parts = changes.map((c) => {
    switch (c.op) {
      case 'set': return `${c.field === 'callToAction' ? 'call to action' : c.field} → ${c.value.length > 40 ? `${c.value.slice(0, 40)}…` : c.value}`;
      case 'set_hours': return `hours ${c.days} → ${c.value}`;
      case 'add_service': return `add service ${c.name}`;
      case 'remove_service': return `remove service ${c.name}`;
      case 'rename_service': return `rename service ${c.from} → ${c.to}`;
      case 'set_color': return `${c.target} colour → ${c.value}`;
      case 'set_template': return `template → ${c.template}`;
      case 'set_font': return `fonts → ${c.font}`;
      case 'set_radius': return `corners → ${c.radius}`;
      case 'set_photo': return `new ${c.slot} photo`;
      case 'remove_photo': return `remove the ${c.slot} photo`;
      case 'add_gallery_photo': return 'add a gallery photo';
      case 'remove_gallery_photo': return 'remove a gallery photo';
    }
  });
  const text = parts.join('; ');
  return text.length > 300 ? `${text.slice(0, 297)}…` : capitalise(text);
}
