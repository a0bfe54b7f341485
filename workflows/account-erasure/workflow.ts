import { allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createErasureActivities } from '../../activities/erasure.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS } from '../activity-options.js';
import { erasureStateQuery, undoErasureUpdate, type AccountErasureInput, type AccountErasureState } from './contract.js';
import { ErasureProgress } from './state.js';

const erasure = proxyActivities<ReturnType<typeof createErasureActivities>>(databaseActivityOptions());
const mail = proxyActivities<ReturnType<typeof createErasureActivities>>(EMAIL_ACTIVITY_OPTIONS);

/**
 * A person's erasure (`erasure:<erasureRequestId>`): tells them it is scheduled, waits out the undo window, then ends
 * their subscriptions, revokes their sessions and links, tells them it is done and erases their personal data.
 */
export async function accountErasureWorkflow(input: AccountErasureInput): Promise<AccountErasureState> {
  const id = input.erasureRequestId;
  const progress = new ErasureProgress();
  setHandler(erasureStateQuery, () => progress.state());
  setHandler(undoErasureUpdate, async (by) => {
    progress.undo(by);
    await condition(() => progress.ended);
    return progress.state();
  }, {
    validator: (_by) => {
      const refusal = progress.undoRefusal();
      if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.type);
    },
  });

  if (input.undoWindowMs > 0) {
    await notify(id, 'scheduled');
    if (await condition(() => progress.undoRequested, input.undoWindowMs)) {
      await erasure.cancelErasureRequest({ erasureRequestId: id, by: progress.takeUndoer() });
      progress.end('cancelled');
      await condition(allHandlersFinished);
      return progress.state();
    }
  }
  progress.startErasing();
  await erasure.endSubscriptions({ erasureRequestId: id });
  await erasure.revokeAccess({ erasureRequestId: id });
  await notify(id, 'completed');
  progress.end('completed', await erasure.eraseRecords({ erasureRequestId: id }));
  await condition(allHandlersFinished);
  return progress.state();
}

/** An email the person can no longer receive (an operator case is raised) must not stop their erasure. */
async function notify(erasureRequestId: string, notice: 'scheduled' | 'completed'): Promise<void> {
  try {
    await mail.sendErasureNotice({ erasureRequestId, notice });
  } catch {
    // The case on the needs-attention list is the follow-up.
  }
}
