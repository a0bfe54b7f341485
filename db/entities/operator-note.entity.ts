import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { CustomerUser } from './customer-user.entity.js';
import { Operator } from './operator.entity.js';
import { Site } from './site.entity.js';

/** A note an operator leaves on a customer or a site, shown on its console page. */
export const OperatorNote = defineEntity({
  name: 'OperatorNote',
  tableName: 'operator_notes',
  properties: {
    ...appendOnlyProperties,
    customer: () => p.manyToOne(CustomerUser).nullable().deleteRule('cascade').index(),
    site: () => p.manyToOne(Site).nullable().deleteRule('cascade').index(),
    author: () => p.manyToOne(Operator).nullable().deleteRule('set null'),
    authorName: p.string(),
    body: p.text(),
  },
});
export type IOperatorNote = InferEntity<typeof OperatorNote>;
