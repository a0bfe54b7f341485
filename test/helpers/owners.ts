import { expect } from 'vitest';
import { CustomerSiteOwnership, CustomerUser, Site } from '../../db/entities/index.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import type { TestApi } from './api.js';

const PASSWORD = 'Owner-password-2026';

/** A verified owner of the given seeded sites (the first is primary), signed in through the API. */
export async function signedInOwner(api: TestApi, email: string, slugs: string[]): Promise<{ customerId: string; token: string }> {
  const em = api.orm.em.fork();
  const customer = em.create(CustomerUser, { email, fullName: 'Owner', passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() });
  for (const [index, slug] of slugs.entries()) {
    const site = await em.findOneOrFail(Site, { slug });
    em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: index === 0, acquiredAt: new Date() });
    if (index === 0) customer.primarySite = site;
  }
  await em.flush();
  const res = await api.app.inject({ method: 'POST', url: '/api/v1/customer/login', payload: { email, password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return { customerId: customer.id, token: res.json<{ access_token: string }>().access_token };
}
