// Relief applications (views): one application with its document links, its history page by page,
// and the lists by status or township.
import type { ApplicationSummary, ApplicationView, ListApplicationsQuery } from '../api/applications.ts';
import { documentUrlSeconds, headOf, type ApplicationRecord } from '../domain/applications.ts';
import { AppError } from '../domain/errors.ts';
import { checkTownship } from '../domain/township-scope.ts';
import { maskIdNumber } from '../domain/id-number.ts';
import { maskBankAccount } from '../domain/masking.ts';
import type { StartKey } from '../adapters/dynamo-pages.ts';
import type { Actor } from '../domain/actor.ts';
import { getApplication, queryApplications } from '../adapters/application-store.ts';
import { presignDownload } from '../adapters/presigned-urls.ts';

/**
 * The application, for `actor` when a person asks: a token that carries a township sees and acts
 * on that township's applications only (README, Township scoping); any other is 403 FORBIDDEN.
 */
export async function loadApplication(id: string, actor?: Actor): Promise<ApplicationRecord> {
  const application = await getApplication(id);
  if (!application) throw new AppError('NOT_FOUND', `application ${id} does not exist`);
  if (actor) checkTownship(actor, application.township, `application ${id}`);
  return application;
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
  return view(await loadApplication(id, actor));
}

/** One page of an application's history; a start key here is `{ offset }` into the history, oldest first. */
export async function applicationHistory(id: string, actor: Actor, page: { limit: number }, startKey: StartKey | undefined) {
  const { history } = await loadApplication(id, actor);
  const offset = Number(startKey?.offset ?? 0);
  const end = offset + page.limit;
  return { items: history.slice(offset, end), lastKey: end < history.length ? { offset: end } : undefined };
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
export async function listApplications(query: ListApplicationsQuery, actor: Actor, startKey: StartKey | undefined) {
  if (query.township !== undefined) checkTownship(actor, query.township, 'the township asked for');
  const township = actor.township ?? query.township;
  const { items, lastKey } = await queryApplications(
    { status: query.status, township, type: query.type, createdBy: query.createdBy },
    query.limit,
    startKey,
  );
  return { items: items.map(summary), lastKey };
}
