import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { claimResult, openCheckout, pressCheckoutButton, purchaseCounts, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import type { Activities } from '../helpers/worker.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
});

const STEPS = ['recordPayment', 'findOrCreateCustomer', 'addOwnership', 'markSiteOwned', 'prepareWelcomeEmail', 'sendEmail'] as const;

/**
 * Wraps one activity so that its first run does its work and then "crashes" the worker before reporting
 * success: Temporal sees a failed attempt and runs the activity again — on the next worker.
 */
function crashAfter(step: (typeof STEPS)[number], onCrash: () => void) {
  return (activities: Activities): Activities => {
    let crashed = false;
    const byName = activities as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    return {
      ...activities,
      [step]: async (...args: unknown[]) => {
        const result = await byName[step]!(...args);
        if (!crashed) {
          crashed = true;
          onCrash();
          throw new Error(`worker crashed right after ${step}`);
        }
        return result;
      },
    };
  };
}

describe('claim workflow survives a worker crash after each step', () => {
  it.each(STEPS)('stopped right after %s, a new worker finishes with exactly one of everything', async (step) => {
    let signalCrash!: () => void;
    const crashed = new Promise<void>((resolve) => (signalCrash = resolve));
    await stack.restartWorker(crashAfter(step, signalCrash));

    const siteId = await siteIdOf(stack, 'plumber-joe');
    await pressCheckoutButton(await openCheckout(stack, 'plumber-joe', { email: 'crash@example.com', name: 'Crash Test' }), 'pay');
    await crashed;
    await stack.restartWorker();

    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    expect(await purchaseCounts(stack)).toEqual({ payments: 1, customers: 1, ownerships: 1, subscriptions: 1, emails: 2, postmarkSends: 2 });
  });
});
