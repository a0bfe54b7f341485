import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../../lib/auth/passwords.js';
import { Operator } from '../entities/index.js';

/** The development operator the run command creates, so the agent console can be tried at once. */
export const DEV_OPERATOR = { email: 'agent@webmagic.local', name: 'Dev Agent', password: 'Dev-agent-password-1', role: 'admin' } as const;

/** Creates an operator unless one with that email exists; returns whether it was created. */
export async function seedOperator(em: EntityManager, operator: { email: string; name: string; password: string; role: 'agent' | 'admin' }): Promise<boolean> {
  const email = operator.email.toLowerCase();
  if (await em.findOne(Operator, { email })) return false;
  em.create(Operator, { email, name: operator.name, role: operator.role, passwordHash: await hashPassword(operator.password) });
  await em.flush();
  return true;
}
