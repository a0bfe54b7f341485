import { Type, type Static } from 'typebox';

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** An inbox row as operators see it. */
export const InboxEvent = Type.Object({
  id: Type.String({ format: 'uuid' }),
  provider: Type.String(),
  provider_event_id: Type.String(),
  type: Nullable(Type.String()),
  body: Type.String({ description: 'The delivery exactly as received (UTF-8)' }),
  received_at: DateTime,
  attempts: Type.Integer({ minimum: 0 }),
  next_attempt_at: DateTime,
  last_error: Nullable(Type.String()),
  parked_at: Nullable(DateTime),
  parked_reason: Nullable(Type.String()),
});
/** An inbox row as operators see it. */
export type InboxEventView = Static<typeof InboxEvent>;
