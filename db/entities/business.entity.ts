import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';

/** The local business a preview site was generated for. */
export const Business = defineEntity({
  name: 'Business',
  tableName: 'businesses',
  properties: {
    ...baseProperties,
    name: p.string(),
    category: p.string(),
    phone: p.string().nullable(),
    email: p.string().nullable(),
    address: p.string().nullable(),
    city: p.string().nullable(),
    hours: p.json<Record<string, string>>().nullable(),
  },
});
export type IBusiness = InferEntity<typeof Business>;
