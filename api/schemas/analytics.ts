import { Type, type Static } from 'typebox';
import { DateTimeParam } from './common.js';

const Count = Type.Integer({ minimum: 0 });
const Ratio = Type.Number();
const Top = Type.Array(Type.Object({ value: Type.String(), sessions: Type.Integer() }));
const Funnel = Type.Array(Type.Object({ step: Type.String(), count: Type.Integer(), rate: Ratio }));

/** A date range in the query string (date-times); defaults to the last 30 days. */
export const RangeQuery = Type.Object({
  from: Type.Optional(DateTimeParam('start of the range (default: 30 days before `to`)')),
  to: Type.Optional(DateTimeParam('end of the range (default: now)')),
}, { additionalProperties: false });

/** A dashboard over a date range. */
export const AnalyticsReportSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  totals: Type.Object({
    visitors: Count, sessions: Count, pageViews: Count, bounces: Type.Integer(), durationSeconds: Type.Number(), botViews: Count,
    ctaCall: Count, ctaEmail: Count, ctaClaim: Count, bookings: Count, claimsStarted: Count, checkoutsOpened: Count, purchases: Count,
  }),
  bounceRate: Ratio,
  medianSessionSeconds: Type.Number(),
  averageSessionSeconds: Type.Number(),
  bookingConversionRate: Ratio,
  top: Type.Object({ utm_source: Top, utm_medium: Top, utm_campaign: Top, referrer: Top, landing_path: Top, device: Top }),
  funnels: Type.Object({ claim: Funnel, contact: Funnel }),
  daily: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), visitors: Count, sessions: Count, pageViews: Count }), { description: 'One entry per UTC day of the range' }),
});

/** Resolves an optional range to dates, rejecting an inverted or over-long one. */
export function resolveRange(query: { from?: string; to?: string }, now = new Date()): { from: Date; to: Date } | { error: string } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
  if (from >= to) return { error: '"from" must be before "to"' };
  if (to.getTime() - from.getTime() > 800 * 86_400_000) return { error: 'the range may span at most 800 days' };
  return { from, to };
}

/** A variant as the page script applies it. */
export const ServedVariantSchema = Type.Object({ slot: Type.String(), content: Type.String() }, { description: 'What a slot shows; which experiment and variant it is stays on the server' });
/** A variant as the page script applies it. */
export type ServedVariant = Static<typeof ServedVariantSchema>;
