// Dynamic management (动态管理) of enrolled people: periodic reviews opened by the review-due job,
// and reviewers suspending, reinstating or terminating a recipient with a reason.
import { addMonths } from '../domain/clock.ts';
import { AppError, refusal } from '../domain/errors.ts';
import { publicRecipient, recipientStatusChanges, reviewDueOn, type RecipientStatusChange } from '../domain/registry.ts';
import type { Actor } from '../domain/actor.ts';
import { newId } from '../domain/ids.ts';
import {
  changeRecipientStatus,
  confirmPendingPayeeChange,
  getRecipient,
  openReview,
  putPendingPayeeChange,
  queryOpenReviews,
  recipientsDueForReview,
  type PendingPayeeChange,
} from '../adapters/registry-store.ts';
import { maskBankAccount } from '../domain/masking.ts';
import type { StartKey } from '../adapters/dynamo-pages.ts';
import { checkTownship } from '../domain/township-scope.ts';

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
  const entry = { at: now.toISOString(), by: actor.sub, action: pastTense[change], reason: request.reason, status: to };
  const result = await changeRecipientStatus(request.idNumber, from, to, entry, actor.township);
  if (result.changed) return publicRecipient(result.recipient);
  // The number stays out of the message: errors are logged.
  if (!result.recipient) throw new AppError('NOT_FOUND', 'no recipient is registered under this ID number');
  checkTownship(actor, result.recipient.township, 'the recipient');
  throw refusal('INVALID_STATE', 'RECIPIENT_STATUS_FORBIDS', { status: result.recipient.status, action: change, allowed: from.join(',') });
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

/**
 * Periodic reviews due (open reviews), masked: a township-scoped token lists its own township
 * only, and asking for another is 403 FORBIDDEN.
 */
export async function listReviewsDue(
  query: { township?: string; limit: number },
  actor: Actor,
  startKey: StartKey | undefined,
) {
  if (query.township !== undefined) checkTownship(actor, query.township, 'the township asked for');
  const { items, lastKey } = await queryOpenReviews(
    actor.township ?? query.township,
    query.limit,
    startKey,
  );
  return {
    items: items.map((r) => ({
      ...publicRecipient(r),
      township: r.township,
      reviewOpenedOn: r.reviewOpenedOn!,
      nextReviewOn: r.nextReviewOn ?? null,
      reviewEveryMonths: r.reviewEveryMonths ?? 12,
    })),
    lastKey,
  };
}

function payeeChangeView(change: PendingPayeeChange, confirmed?: { by: string; at: string }) {
  return {
    changeId: change.changeId,
    status: confirmed ? ('CONFIRMED' as const) : ('REQUESTED' as const),
    bankName: change.bankName,
    bankAccountMasked: maskBankAccount(change.bankAccount),
    requestedBy: change.requestedBy,
    requestedAt: change.requestedAt,
    confirmedBy: confirmed?.by ?? null,
    confirmedAt: confirmed?.at ?? null,
  };
}

/** The maker's step of a change of payee: stored as pending, audited; nothing is paid to it yet. */
export async function requestPayeeChange(
  request: { idNumber: string; bankName: string; bankAccount: string; reason: string },
  actor: Actor,
  now: Date,
) {
  const at = now.toISOString();
  const change: PendingPayeeChange = {
    changeId: newId('pc'),
    bankName: request.bankName,
    bankAccount: request.bankAccount,
    requestedBy: actor.sub,
    requestedAt: at,
    reason: request.reason,
  };
  const entry = {
    at,
    by: actor.sub,
    action: 'PAYEE_CHANGE_REQUESTED',
    reason: `${request.reason} (to ${request.bankName} ${maskBankAccount(request.bankAccount)}, change ${change.changeId})`,
  };
  if (await putPendingPayeeChange(request.idNumber, change, entry, actor.township)) return payeeChangeView(change);
  const recipient = await getRecipient(request.idNumber);
  if (!recipient) throw new AppError('NOT_FOUND', 'no recipient is registered under this ID number');
  checkTownship(actor, recipient.township, 'the recipient');
  throw new AppError('CONFLICT', 'a change of payee is already pending for this recipient: confirm it first');
}

/** The checker's step: never the maker (403); the recipient is paid to the new account from now on. */
export async function confirmPayeeChange(
  request: { idNumber: string; changeId: string; reason: string },
  actor: Actor,
  now: Date,
) {
  const recipient = (await getRecipient(request.idNumber)) as
    | (Awaited<ReturnType<typeof getRecipient>> & { pendingPayeeChange?: PendingPayeeChange })
    | undefined;
  if (!recipient) throw new AppError('NOT_FOUND', 'no recipient is registered under this ID number');
  checkTownship(actor, recipient.township, 'the recipient');
  const change = recipient.pendingPayeeChange;
  if (!change || change.changeId !== request.changeId) {
    throw new AppError('CONFLICT', `change ${request.changeId} is not the recipient's pending change of payee`);
  }
  if (change.requestedBy === actor.sub) {
    throw refusal('FORBIDDEN', 'PAYEE_CHANGE_MAKER_MAY_NOT_CONFIRM');
  }
  const at = now.toISOString();
  const old = recipient.bankAccount ? `${recipient.bankName} ${maskBankAccount(recipient.bankAccount)}` : 'no account';
  const entry = {
    at,
    by: actor.sub,
    action: 'PAYEE_CHANGED',
    reason: `${request.reason} (change ${change.changeId} asked by ${change.requestedBy}: ${old} → ${change.bankName} ${maskBankAccount(change.bankAccount)})`,
  };
  if (!(await confirmPendingPayeeChange(request.idNumber, change, actor.sub, entry, actor.township))) {
    throw new AppError('CONFLICT', `change ${request.changeId} was confirmed or replaced meanwhile`);
  }
  return payeeChangeView(change, { by: actor.sub, at });
}
