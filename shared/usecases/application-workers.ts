// Relief applications (workers): the assessment of a submitted application, and the enroll-due job
// that enrols households whose public notice ended without objection.
import { pauseBeforeRetry } from '../retry.ts';
import { recipientIdOf } from '../adapters/recipient-id-key.ts';
import {
  assess,
  enrolledRecipient,
  isEnrolmentType,
  memberLabel,
  type ApplicationRecord,
  type EnrolmentType,
} from '../domain/applications.ts';
import { dateInChina } from '../domain/clock.ts';
import { enrolAtomically, getApplication, noticesEndedBy, updateApplication } from '../adapters/application-store.ts';
import { getRecipients, openReviewAttributes } from '../adapters/registry-store.ts';
import type { UpdateSpec } from '../adapters/dynamo-update.ts';
import { policyOn, transition } from './application-commands.ts';

const assessmentWorker = 'tuodi:assessment-worker';
const enrolmentJob = 'tuodi:enroll-due';

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
