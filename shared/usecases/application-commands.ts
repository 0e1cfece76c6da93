// Relief applications (commands): what each route does. Every status change is one conditional
// write on the status it starts from, so two concurrent actions cannot both succeed; the loser
// gets 409 INVALID_STATE and changes nothing. The assessment worker and enroll-due job: application-workers.ts.
import { send } from '../adapters/queue.ts';
import { randomBytes } from 'node:crypto';
import type { ApplicationRequest, ApplicationView, DocumentRequest } from '../api/applications.ts';
import {
  approvalAmounts,
  documentUrlSeconds,
  headOf,
  invalidState,
  maxDocumentsPerApplication,
  nextStatus,
  type ApplicationAction,
  type ApplicationHistoryEntry,
  type ApplicationRecord,
  type DecisionRequest,
  type EnrolmentType,
} from '../domain/applications.ts';
import { addDays, dateInChina } from '../domain/clock.ts';
import { AppError, refusal } from '../domain/errors.ts';
import { checkTownship } from '../domain/township-scope.ts';
import { loadDefaultPolicies, policyInForce } from '../domain/policy.ts';
import { publicNoticeText } from '../domain/public-notice.ts';
import type { Actor } from '../domain/actor.ts';
import {
  deletePublicNotice,
  getApplication,
  grantAtomically,
  putNewApplication,
  undoSubmission,
  updateApplication,
  writePublicNotice,
  type GrantItem,
} from '../adapters/application-store.ts';
import { presignUpload } from '../adapters/presigned-urls.ts';
import type { UpdateSpec } from '../adapters/dynamo-update.ts';
import { loadApplication, view } from './application-views.ts';
import { newId } from '../domain/ids.ts';

/** The policy in force on a China-time date (data/policies). */
export const policyOn = (date: string) => policyInForce(loadDefaultPolicies(), date);

/** One status change: the new status, the history entry naming both ends, and what else changes. */
export function transition(
  application: ApplicationRecord,
  action: ApplicationAction,
  by: string,
  at: string,
  reason: string,
  changes: Omit<UpdateSpec, 'statusIn'> = {},
): UpdateSpec {
  const to = nextStatus(application, action);
  const entry: ApplicationHistoryEntry = { at, by, action, reason, from: application.status, to };
  return {
    ...changes,
    set: { ...changes.set, status: to, updatedAt: at },
    append: { ...changes.append, history: [entry] },
    statusIn: [application.status],
  };
}

/** Applies a change conditioned on the status it was computed from; a lost race is a 409. */
async function applyOrConflict(application: ApplicationRecord, action: ApplicationAction, spec: UpdateSpec): Promise<void> {
  if (await updateApplication(application.id, spec)) return;
  throw invalidState((await getApplication(application.id)) ?? application, action);
}

export async function fileApplication(request: ApplicationRequest, actor: Actor, now: Date) {
  checkTownship(actor, request.household.township, 'the household');
  const at = now.toISOString();
  const id = newId('app');
  const record: ApplicationRecord = {
    id,
    type: request.type,
    status: 'DRAFT',
    township: request.household.township,
    household: request.household,
    reason: request.reason,
    ...(request.requestedAmountFen !== undefined && { requestedAmountFen: request.requestedAmountFen }),
    ...(request.payee && { payee: request.payee }),
    documents: [],
    objections: [],
    createdAt: at,
    createdBy: actor.sub,
    updatedAt: at,
    history: [
      {
        at,
        by: actor.sub,
        action: 'FILED',
        reason: `${request.type} application for ${request.household.members.length} member(s) in ${request.household.township}`,
        to: 'DRAFT',
      },
    ],
  };
  await putNewApplication(record);
  return { id, status: 'DRAFT' as const };
}

export async function addDocument(id: string, request: DocumentRequest, actor: Actor, now: Date) {
  const application = await loadApplication(id, actor);
  nextStatus(application, 'ADD_DOCUMENT');
  const full = () =>
    new AppError('CONFLICT', `application ${id} already holds ${maxDocumentsPerApplication} documents, the most it may`);
  if (application.documents.length >= maxDocumentsPerApplication) throw full();
  const at = now.toISOString();
  const documentId = newId('doc');
  // The key names no person: file names stay in the record, not in S3 paths and logs.
  const objectKey = `applications/${id}/${documentId}`;
  const added = await updateApplication(id, {
    set: { updatedAt: at },
    append: {
      documents: [{ documentId, ...request, objectKey, addedAt: at, addedBy: actor.sub }],
      history: [{ at, by: actor.sub, action: 'ADD_DOCUMENT', reason: `${request.kind}: ${request.fileName}` }],
    },
    statusIn: [application.status],
    // Two uploads at once cannot both take the last place.
    condition: { expression: 'size(documents) < :most', values: { ':most': maxDocumentsPerApplication } },
  });
  if (!added) {
    const current = await loadApplication(id);
    throw current.status !== application.status ? invalidState(current, 'ADD_DOCUMENT') : full();
  }
  const uploadUrl = await presignUpload(objectKey, request.contentType, request.sizeBytes, documentUrlSeconds);
  return { documentId, uploadUrl, expiresAt: new Date(now.getTime() + documentUrlSeconds * 1000).toISOString() };
}

/**
 * DRAFT → SUBMITTED, then the assessment is queued. If queueing fails the submission is undone
 * (a rejected request changes nothing); submitting again while SUBMITTED queues it again, so a
 * failure between the two steps is recovered by retrying.
 */
export async function submit(id: string, actor: Actor, now: Date) {
  const application = await loadApplication(id, actor);
  if (application.status === 'SUBMITTED') {
    await send('applicationAssessments', { id });
    return { id, status: 'SUBMITTED' as const };
  }
  const at = now.toISOString();
  const spec = transition(application, 'SUBMIT', actor.sub, at, 'submitted for assessment', {
    set: { submittedAt: at, submittedBy: actor.sub },
  });
  await applyOrConflict(application, 'SUBMIT', spec);
  try {
    await send('applicationAssessments', { id });
  } catch (error) {
    await undoSubmission(id, application.history.length, application.updatedAt);
    throw error;
  }
  return { id, status: 'SUBMITTED' as const };
}

export async function decide(id: string, request: DecisionRequest, actor: Actor, now: Date): Promise<ApplicationView> {
  const application = await loadApplication(id, actor);
  // Separation of duties: whoever filed or submitted the application does not decide it.
  if (actor.sub === application.createdBy || actor.sub === application.submittedBy) {
    throw refusal('FORBIDDEN', 'FILER_MAY_NOT_DECIDE', { subject: actor.sub, applicationId: id });
  }
  const action = request.decision === 'APPROVE' ? 'APPROVE' : 'REJECT';
  nextStatus(application, action);
  const at = now.toISOString();
  const today = dateInChina(now);
  const decision = { decision: request.decision, reason: request.reason, decidedAt: at, decidedBy: actor.sub };

  if (action === 'REJECT') {
    await applyOrConflict(application, action, transition(application, action, actor.sub, at, request.reason, { set: { decision } }));
    return view(await loadApplication(id));
  }
  if (!application.assessment?.eligible) {
    throw refusal('INVALID_STATE', 'APPLICATION_NOT_ELIGIBLE', {
      applicationId: id,
      reasons: application.assessment?.reasons.join('; ') ?? 'no assessment',
    });
  }
  const policy = policyOn(today);
  const amounts = approvalAmounts(application, request, policy);

  if ('grantedAmountFen' in amounts) {
    const head = headOf(application.household);
    const reason = `${request.reason} (granted ${amounts.grantedAmountFen} fen)`;
    const grant: GrantItem = {
      grantId: id,
      applicationId: id,
      type: application.type,
      status: 'GRANTED',
      amountFen: amounts.grantedAmountFen,
      payeeName: head.name,
      payeeIdNumber: head.idNumber,
      ...(application.payee && { bankName: application.payee.bankName, bankAccount: application.payee.bankAccount }),
      township: application.township,
      grantedAt: at,
      grantedBy: actor.sub,
      history: [{ at, by: actor.sub, action: 'GRANTED', reason: request.reason }],
    };
    const spec = transition(application, action, actor.sub, at, reason, { set: { decision: { ...decision, ...amounts } } });
    if (!(await grantAtomically(id, spec, grant))) throw invalidState((await getApplication(id)) ?? application, action);
    return view(await loadApplication(id));
  }

  // An enrolment goes on public notice: the masked notice is written first, under a key of its
  // own, so that a lost race deletes only its own document.
  const noticeEndsOn = addDays(today, policy.publicNoticeDays);
  const noticeDocumentKey = `public-notices/${id}/${today}-${randomBytes(4).toString('hex')}.txt`;
  await writePublicNotice(
    noticeDocumentKey,
    publicNoticeText({
      application: application as ApplicationRecord & { type: EnrolmentType },
      monthlyBenefitFen: amounts.monthlyBenefitFen,
      startsOn: today,
      endsOn: noticeEndsOn,
    }),
  );
  const reason = `${request.reason} (${amounts.monthlyBenefitFen} fen per member a month; on public notice until ${noticeEndsOn})`;
  const spec = transition(application, action, actor.sub, at, reason, {
    set: { decision: { ...decision, ...amounts }, noticeEndsOn, noticeDocumentKey },
  });
  if (!(await updateApplication(id, spec))) {
    await deletePublicNotice(noticeDocumentKey);
    throw invalidState((await getApplication(id)) ?? application, action);
  }
  return view(await loadApplication(id));
}

/** An objection during the notice sends the application back to review; the approval lapses. */
export async function object(id: string, text: string, actor: Actor, now: Date): Promise<ApplicationView> {
  const application = await loadApplication(id, actor);
  const at = now.toISOString();
  const spec = transition(application, 'OBJECT', actor.sub, at, text, {
    append: { objections: [{ at, by: actor.sub, text }] },
    remove: ['decision', 'noticeEndsOn', 'noticeDocumentKey'],
  });
  await applyOrConflict(application, 'OBJECT', spec);
  return view(await loadApplication(id));
}
