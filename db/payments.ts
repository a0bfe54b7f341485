import type { EntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Payment } from './entities/index.js';
import type { IPayment } from './entities/payment.entity.js';

/** Inserts a provider payment unless its provider payment id is already recorded; returns the row's id either way. */
export async function recordPaymentOnce(em: EntityManager, row: EntityData<IPayment> & { providerPaymentId: string }): Promise<string> {
  await em.upsert(Payment, { provider: 'recurrente', ...row }, { onConflictFields: ['providerPaymentId'], onConflictAction: 'ignore' });
  return (await em.findOneOrFail(Payment, { providerPaymentId: row.providerPaymentId })).id;
}
