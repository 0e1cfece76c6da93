// Dynamic management (动态管理) of enrolled people: periodic reviews opened by the review-due job,
// and reviewers suspending, reinstating or terminating a recipient with a reason.
import { addMonths } from '../domain/clock.ts';
import { AppError } from '../domain/errors.ts';
import { publicRecipient, recipientStatusChanges, reviewDueOn, type RecipientStatusChange } from '../domain/registry.ts';
import type { Actor } from '../http/route.ts';
import { changeRecipientStatus, openReview, recipientsDueForReview } from '../adapters/registry-store.ts';

const reviewJob = 'tuodi:review-due';

const pastTense: Record<RecipientStatusChange, string> = {
  SUSPEND: 'SUSPENDED',
  REINSTATE: 'REINSTATED',
  TERMINATE: 'TERMINATED',
};

export async function changeStatus(
  change: RecipientStatusChange,
  request: { idNumber: string; reason: string },
  actor: Actor,
  now: Date,
) {
  const { from, to } = recipientStatusChanges[change];
  const entry = { at: now.toISOString(), by: actor.sub, action: pastTense[change], reason: request.reason };
  const result = await changeRecipientStatus(request.idNumber, from, to, entry);
  if (result.changed) return publicRecipient(result.recipient);
  // The number stays out of the message: errors are logged.
  if (!result.recipient) throw new AppError('NOT_FOUND', 'no recipient is registered under this ID number');
  throw new AppError(
    'INVALID_STATE',
    `the recipient is ${result.recipient.status}: ${change} is allowed only when it is ${from.join(' or ')}`,
  );
}

/**
 * Opens the periodic reviews due by `asOf` and schedules the next ones. Safe to run twice for one
 * day: an opened review moves the recipient's next review date past `asOf`.
 */
export async function openDueReviews(asOf: string, now: Date): Promise<{ asOf: string; opened: number; recipientIds: string[] }> {
  const due = await recipientsDueForReview(asOf, addMonths(asOf, -12));
  const recipientIds: string[] = [];
  for (const candidate of due) {
    const every = candidate.reviewEveryMonths ?? 12;
    const reason =
      every === 6
        ? `six-monthly review due on ${reviewDueOn(candidate)}: a working-age member had income at enrolment`
        : `yearly review due on ${reviewDueOn(candidate)}`;
    const opened = await openReview(candidate, {
      openedOn: asOf,
      nextReviewOn: addMonths(asOf, every),
      entry: { at: now.toISOString(), by: reviewJob, action: 'REVIEW_OPENED', reason },
    });
    if (opened) recipientIds.push(candidate.recipientId);
  }
  return { asOf, opened: recipientIds.length, recipientIds };
}
