// What each application route, the assessment worker and the enroll-due job do. Every status
// change is one conditional write on the status it starts from, so two concurrent actions cannot
// both succeed; the loser gets 409 INVALID_STATE and changes nothing.
import { pauseBeforeRetry } from '../retry.ts';
import { send } from '../adapters/queue.ts';
import { recipientIdOf } from '../adapters/recipient-id-key.ts';
import { randomBytes } from 'node:crypto';
import type {
  ApplicationRequest,
  ApplicationSummary,
  ApplicationView,
  DocumentRequest,
  ListApplicationsQuery,
} from '../api/applications.ts';
import {
  approvalAmounts,
  assess,
  documentUrlSeconds,
  enrolledRecipient,
  headOf,
  invalidState,
  isEnrolmentType,
  maxDocumentsPerApplication,
  memberLabel,
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
import { maskIdNumber } from '../domain/id-number.ts';
import { maskBankAccount } from '../domain/masking.ts';
import { loadDefaultPolicies, policyInForce } from '../domain/policy.ts';
import { publicNoticeText } from '../domain/public-notice.ts';
import { decodeNextToken, encodeNextToken, type PageBinding } from '../http/pagination.ts';
import type { Actor } from '../domain/actor.ts';
import {
  deletePublicNotice,
  enrolAtomically,
  getApplication,
  grantAtomically,
  noticesEndedBy,
  putNewApplication,
  undoSubmission,
  queryApplications,
  updateApplication,
  writePublicNotice,
  type GrantItem,
} from '../adapters/application-store.ts';
import { presignDownload, presignUpload } from '../adapters/presigned-urls.ts';
import { getRecipients, openReviewAttributes } from '../adapters/registry-store.ts';
import type { UpdateSpec } from '../adapters/dynamo-update.ts';

const assessmentWorker = 'tuodi:assessment-worker';
const enrolmentJob = 'tuodi:enroll-due';

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const policyOn = (date: string) => policyInForce(loadDefaultPolicies(), date);

/**
 * The application, for `actor` when a person asks: a token that carries a township sees and acts
 * on that township's applications only (README, Township scoping); any other is 403 FORBIDDEN.
 */
async function load(id: string, actor?: Actor): Promise<ApplicationRecord> {
  const application = await getApplication(id);
  if (!application) throw new AppError('NOT_FOUND', `application ${id} does not exist`);
  if (actor) checkTownship(actor, application.township, `application ${id}`);
  return application;
}


/** One status change: the new status, the history entry naming both ends, and what else changes. */
function transition(
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
  const application = await load(id, actor);
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
    const current = await load(id);
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
  const application = await load(id, actor);
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

/**
 * SUBMITTED → UNDER_REVIEW with the assessment. Anything else is a redelivery (or a message for
 * an application that moved on) and changes nothing. The assessment is taken on the submission
 * date, so the same application always gets the same one.
 */
export async function assessApplication(id: string, now: Date): Promise<'assessed' | 'already-assessed'> {
  const application = await getApplication(id);
  if (!application) throw new Error(`application ${id} does not exist`);
  if (application.status !== 'SUBMITTED') return 'already-assessed';
  const on = dateInChina(new Date(application.submittedAt ?? now.toISOString()));
  const members = application.household.members;
  const assessment = assess({
    type: application.type,
    household: application.household,
    requestedAmountFen: application.requestedAmountFen,
    policy: policyOn(on),
    on,
    registryRecords: isEnrolmentType(application.type) ? await getRecipients(members.map((m) => m.idNumber)) : [],
  });
  const at = now.toISOString();
  const summary = `${assessment.eligible ? 'eligible' : 'not eligible'}: ${assessment.reasons.join('; ')}`;
  const assessed = await updateApplication(
    id,
    transition(application, 'ASSESS', assessmentWorker, at, summary, { set: { assessment } }),
  );
  return assessed ? 'assessed' : 'already-assessed';
}

export async function decide(id: string, request: DecisionRequest, actor: Actor, now: Date): Promise<ApplicationView> {
  const application = await load(id, actor);
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
    return view(await load(id));
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
    return view(await load(id));
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
  return view(await load(id));
}

/** An objection during the notice sends the application back to review; the approval lapses. */
export async function object(id: string, text: string, actor: Actor, now: Date): Promise<ApplicationView> {
  const application = await load(id, actor);
  const at = now.toISOString();
  const spec = transition(application, 'OBJECT', actor.sub, at, text, {
    append: { objections: [{ at, by: actor.sub, text }] },
    remove: ['decision', 'noticeEndsOn', 'noticeDocumentKey'],
  });
  await applyOrConflict(application, 'OBJECT', spec);
  return view(await load(id));
}

export interface EnrolmentRun {
  asOf: string;
  enrolled: number;
  returnedToReview: number;
  /** Left for the next run: DynamoDB kept refusing the transaction. */
  retryLater: number;
}

const maxEnrolAttempts = 5;

/** Enrols every household whose public notice ended by `asOf` without objection. */
export async function enrollDue(asOf: string, now: Date): Promise<EnrolmentRun> {
  const run: EnrolmentRun = { asOf, enrolled: 0, returnedToReview: 0, retryLater: 0 };
  for (const id of await noticesEndedBy(asOf)) {
    const outcome = await enrolHousehold(id, asOf, now);
    if (outcome === 'enrolled') run.enrolled++;
    else if (outcome === 'returned-to-review') run.returnedToReview++;
    else if (outcome === 'retry-later') run.retryLater++;
  }
  return run;
}

async function enrolHousehold(
  id: string,
  asOf: string,
  now: Date,
): Promise<'enrolled' | 'returned-to-review' | 'retry-later' | 'moved-on'> {
  for (let attempt = 0; attempt < maxEnrolAttempts; attempt++) {
    const application = await getApplication(id);
    if (!application || application.status !== 'PUBLIC_NOTICE' || !application.noticeEndsOn || application.noticeEndsOn > asOf) {
      return 'moved-on';
    }
    if (!isEnrolmentType(application.type)) throw new Error(`application ${id} is on notice but is not an enrolment`);
    const enrolling = application as ApplicationRecord & { type: EnrolmentType };
    const at = now.toISOString();
    const reason = `public notice ended on ${application.noticeEndsOn} without objection; approved by ${application.decision?.decidedBy}`;
    const recipients = await Promise.all(application.household.members.map(async (member) => {
      // The key is not SET (DynamoDB refuses it); the update creates the item under it.
      const { idNumber, ...fields } = enrolledRecipient(enrolling, member, asOf);
      return {
        idNumber,
        spec: {
          // The person's one recipientId, whichever enrolment or import wrote the record before.
          set: { ...fields, recipientId: await recipientIdOf(idNumber), status: 'ACTIVE' },
          append: {
            history: [
              {
                at,
                by: enrolmentJob,
                action: 'ENROLLED',
                reason: `${enrolling.type} from application ${id}: ${reason}`,
                status: 'ACTIVE',
                category: fields.category,
                since: fields.since,
              },
            ],
          },
          // A re-enrolled person keeps nothing of the old enrolment but its history and id.
          remove: ['importId', ...openReviewAttributes, ...(application.payee ? [] : ['bankName', 'bankAccount'])],
          condition: {
            expression: 'attribute_not_exists(idNumber) OR #registered = :terminated',
            names: { '#registered': 'status' },
            values: { ':terminated': 'TERMINATED' },
          },
        } satisfies UpdateSpec,
      };
    }));
    const spec = transition(application, 'ENROL', enrolmentJob, at, reason, {
      set: { enrolledAt: at },
      condition: { expression: 'noticeEndsOn <= :asOf', values: { ':asOf': asOf } },
    });
    const result = await enrolAtomically(id, spec, recipients);
    if (result.outcome === 'enrolled') return 'enrolled';
    if (result.outcome === 'application-moved') continue;
    if (result.outcome === 'member-enrolled-elsewhere') {
      const member = application.household.members.find((m) => m.idNumber === result.idNumber)!;
      const back = transition(
        application,
        'RETURN_TO_REVIEW',
        enrolmentJob,
        at,
        `not enrolled: ${memberLabel(member)} was enrolled elsewhere during the notice`,
        { remove: ['decision', 'noticeEndsOn', 'noticeDocumentKey'] },
      );
      if (await updateApplication(id, back)) return 'returned-to-review';
      continue;
    }
    await pauseBeforeRetry(attempt, { baseMs: 50, capMs: 1000 });
  }
  return 'retry-later';
}

export async function view(application: ApplicationRecord): Promise<ApplicationView> {
  const documents = await Promise.all(
    application.documents.map(async ({ objectKey, ...document }) => ({
      ...document,
      downloadUrl: await presignDownload('documents', objectKey, documentUrlSeconds),
    })),
  );
  return {
    id: application.id,
    type: application.type,
    status: application.status,
    household: {
      township: application.household.township,
      address: application.household.address,
      members: application.household.members.map(({ idNumber, ...member }) => ({
        ...member,
        idNumberMasked: maskIdNumber(idNumber),
      })),
      assets: application.household.assets,
    },
    reason: application.reason,
    requestedAmountFen: application.requestedAmountFen ?? null,
    payee: application.payee
      ? { bankName: application.payee.bankName, bankAccountMasked: maskBankAccount(application.payee.bankAccount) }
      : null,
    documents,
    // An assessment stored before reasonCodes existed has none: the English reasons still stand.
    assessment: application.assessment ? { ...application.assessment, reasonCodes: application.assessment.reasonCodes ?? [] } : null,
    decision: application.decision ?? null,
    noticeEndsOn: application.noticeEndsOn ?? null,
    noticeDocumentUrl: application.noticeDocumentKey
      ? await presignDownload('exports', application.noticeDocumentKey, documentUrlSeconds)
      : null,
    objections: application.objections,
    createdAt: application.createdAt,
    createdBy: application.createdBy,
    updatedAt: application.updatedAt,
    submittedAt: application.submittedAt ?? null,
    submittedBy: application.submittedBy ?? null,
    enrolledAt: application.enrolledAt ?? null,
  };
}

export async function viewApplication(id: string, actor: Actor): Promise<ApplicationView> {
  return view(await load(id, actor));
}

export async function applicationHistory(id: string, actor: Actor, page: { limit: number; nextToken?: string }, binding: PageBinding) {
  const { history } = await load(id, actor);
  const offset = Number((await decodeNextToken(page.nextToken, binding))?.offset ?? 0);
  const end = offset + page.limit;
  return { items: history.slice(offset, end), nextToken: end < history.length ? await encodeNextToken({ offset: end }, binding) : null };
}

function summary(application: ApplicationRecord): ApplicationSummary {
  return {
    id: application.id,
    type: application.type,
    status: application.status,
    township: application.township,
    headName: headOf(application.household).name,
    memberCount: application.household.members.length,
    createdAt: application.createdAt,
    updatedAt: application.updatedAt,
    noticeEndsOn: application.noticeEndsOn ?? null,
  };
}

/** A token scoped to a township lists only that township's applications; asking for another is 403. */
export async function listApplications(query: ListApplicationsQuery, actor: Actor, binding: PageBinding) {
  if (query.township !== undefined) checkTownship(actor, query.township, 'the township asked for');
  const township = actor.township ?? query.township;
  const { items, lastKey } = await queryApplications(
    { status: query.status, township, type: query.type, createdBy: query.createdBy },
    query.limit,
    await decodeNextToken(query.nextToken, binding),
  );
  return { items: items.map(summary), nextToken: await encodeNextToken(lastKey, binding) };
}
