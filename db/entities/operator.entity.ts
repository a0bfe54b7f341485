import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';

/** What an operator may do: agents work the support queue, admins also read the platform statistics. */
export const OPERATOR_ROLES = ['agent', 'admin'] as const;

/** A named member of the support team who signs in to the agent console; the email is stored lower-cased. */
export const Operator = defineEntity({
  name: 'Operator',
  tableName: 'operators',
  properties: {
    ...baseProperties,
    email: p.string().unique().check('email = lower(email)'),
    name: p.string(),
    passwordHash: p.string().hidden(),
    role: p.enum(OPERATOR_ROLES).default('agent'),
    isActive: p.boolean().default(true),
    lastLoginAt: p.datetime().nullable(),
  },
});
export type IOperator = InferEntity<typeof Operator>;
