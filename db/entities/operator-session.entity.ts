import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Operator } from './operator.entity.js';

/** A signed-in console session; only the hash of the cookie's token is stored. */
export const OperatorSession = defineEntity({
  name: 'OperatorSession',
  tableName: 'operator_sessions',
  properties: {
    ...appendOnlyProperties,
    operator: () => p.manyToOne(Operator).deleteRule('cascade'),
    tokenHash: p.string().unique(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});
export type IOperatorSession = InferEntity<typeof OperatorSession>;
