// Relief applications (the Dibao path of BRIEF.md, and the one-off grants beside it): what an
// application holds, the state machine it moves through, and the assessment against the policy.
// Pure: no AWS SDK, no clock; callers pass dates.
import { addMonths, ageOn } from './clock.ts';
import { AppError, refusal, validationFailed } from './errors.ts';
import { birthDateOf, maskIdNumber } from './id-number.ts';
import { maskName } from './masking.ts';
import { depositsLimitFen, marginalThresholdFen, oneOffGrantCeilingFen, type PolicyVersion } from './policy.ts';
import { recipientCategories, type HistoryEntry, type Recipient, type RecipientCategory } from './registry.ts';
import { formatYuan } from './settlement.ts';
import { amountProblem } from './values.ts';

/** Enrolment types put the household on the registry; one-off types pay a single grant. */
export const enrolmentTypes = recipientCategories;
export const oneOffTypes = ['TEMPORARY', 'EMERGENCY', 'MEDICAL_EXPENSE', 'EDUCATION'] as const;
export const applicationTypes = [...enrolmentTypes, ...oneOffTypes] as const;
export type ApplicationType = (typeof applicationTypes)[number];
export type EnrolmentType = RecipientCategory;
export type OneOffType = (typeof oneOffTypes)[number];

export function isEnrolmentType(type: ApplicationType): type is EnrolmentType {
  return (enrolmentTypes as readonly string[]).includes(type);
}

export const applicationStatuses = [
  'DRAFT',
  'SUBMITTED',
  'UNDER_REVIEW',
  'PUBLIC_NOTICE',
  'ENROLLED',
  'GRANTED',
  'REJECTED',
] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

export const relations = ['HEAD', 'SPOUSE', 'CHILD', 'PARENT', 'SIBLING', 'OTHER'] as const;
export const disabilities = ['NONE', 'MILD', 'SEVERE'] as const;
export const documentKinds = ['ID_CARD', 'HOUSEHOLD_REGISTER', 'INCOME_PROOF', 'MEDICAL_BILL', 'OTHER'] as const;

export interface Member {
  name: string;
  idNumber: string;
  relation: (typeof relations)[number];
  monthlyIncomeFen: number;
  disability: (typeof disabilities)[number];
}

export interface Household {
  township: string;
  address: string;
  members: Member[];
  assets: { depositsFen: number; vehicles: number; properties: number };
}

/** Where the money goes: the household head's account. */
export interface Payee {
  bankName: string;
  bankAccount: string;
}

export interface ApplicationDocument {
  documentId: string;
  kind: (typeof documentKinds)[number];
  fileName: string;
  contentType: string;
  sizeBytes: number;
  objectKey: string;
  addedAt: string;
  addedBy: string;
}

export interface Assessment {
  perCapitaIncomeFen: number;
  standardFen: number;
  marginalThresholdFen: number;
  depositsLimitFen: number;
  /** One-off types only: the most a grant may be. */
  grantCeilingFen: number | null;
  eligible: boolean;
  /** In English, for logs, history and curl users. */
  reasons: string[];
  /** The same reasons, one for one, as stable codes with their figures: clients render them in their own language. */
  reasonCodes: AssessmentReason[];
  /** The date the household was assessed on (its submission date, China time) and the policy then in force. */
  assessedOn: string;
  policyEffectiveFrom: string;
}

/**
 * One assessment reason as a stable code and the figures it names (amounts in fen, ages in
 * years, members masked as in memberLabel). Addition to the contract (README, Assessment reasons).
 */
export type AssessmentReason =
  | { code: 'INCOME_SUMMARY' | 'INCOME_BELOW_STANDARD' | 'INCOME_NOT_BELOW_STANDARD' | 'INCOME_QUALIFIES_FOR_DIBAO'; values: IncomeFigures }
  | { code: 'INCOME_NOT_BELOW_STANDARD_MARGINAL_FITS' | 'INCOME_IN_MARGINAL_BAND' | 'INCOME_ABOVE_MARGINAL_THRESHOLD'; values: IncomeFigures & { thresholdFen: number } }
  | { code: 'GRANT_NOT_REQUESTED'; values: { ceilingFen: number; months: number } }
  | { code: 'GRANT_WITHIN_CEILING' | 'GRANT_OVER_CEILING'; values: { requestedFen: number; ceilingFen: number; months: number } }
  | { code: 'MEMBER_ABLE_TO_WORK'; values: { member: string; age: number } }
  | { code: 'MEMBER_HAS_INCOME'; values: { member: string; incomeFen: number } }
  | { code: 'ALL_UNABLE_TO_WORK' | 'SUPPORT_OBLIGORS_TO_CONFIRM'; values: Record<string, never> }
  | { code: 'DEPOSITS_PASS' | 'DEPOSITS_FAIL'; values: { depositsFen: number; limitFen: number; months: number; members: number } }
  | { code: 'VEHICLES_PROPERTIES_DECLARED'; values: { vehicles: number; properties: number } }
  | { code: 'ALREADY_RECIPIENT'; values: { member: string; status: 'ACTIVE' | 'SUSPENDED'; category: string; householdId: string } };

export type AssessmentReasonCode = AssessmentReason['code'];

/** Every AssessmentReasonCode, for the OpenAPI document (checked complete by the type below). */
export const assessmentReasonCodes = [
  'INCOME_SUMMARY',
  'INCOME_BELOW_STANDARD',
  'INCOME_NOT_BELOW_STANDARD',
  'INCOME_NOT_BELOW_STANDARD_MARGINAL_FITS',
  'INCOME_QUALIFIES_FOR_DIBAO',
  'INCOME_IN_MARGINAL_BAND',
  'INCOME_ABOVE_MARGINAL_THRESHOLD',
  'GRANT_NOT_REQUESTED',
  'GRANT_WITHIN_CEILING',
  'GRANT_OVER_CEILING',
  'MEMBER_ABLE_TO_WORK',
  'MEMBER_HAS_INCOME',
  'ALL_UNABLE_TO_WORK',
  'SUPPORT_OBLIGORS_TO_CONFIRM',
  'DEPOSITS_PASS',
  'DEPOSITS_FAIL',
  'VEHICLES_PROPERTIES_DECLARED',
  'ALREADY_RECIPIENT',
] as const satisfies readonly AssessmentReasonCode[];
// Fails to compile when a code is added to AssessmentReason and not to the list.
const everyCodeListed: Exclude<AssessmentReasonCode, (typeof assessmentReasonCodes)[number]> extends never ? true : false = true;
void everyCodeListed;

// A type, not an interface: it must fit the API schema's string-keyed record of values.
type IncomeFigures = {
  perCapitaFen: number;
  totalFen: number;
  members: number;
  standardFen: number;
};

export interface Decision {
  decision: 'APPROVE' | 'REJECT';
  reason: string;
  decidedAt: string;
  decidedBy: string;
  /** Approved enrolment: per enrolled member, per month. */
  monthlyBenefitFen?: number;
  /** Approved one-off grant. */
  grantedAmountFen?: number;
}

export interface Objection {
  at: string;
  by: string;
  text: string;
}

/** A history entry that moved the status names both ends. */
export interface ApplicationHistoryEntry extends HistoryEntry {
  from?: ApplicationStatus;
  to?: ApplicationStatus;
}

export interface ApplicationRecord {
  id: string;
  type: ApplicationType;
  status: ApplicationStatus;
  /** Copied from the household: the key of the by-township index. */
  township: string;
  household: Household;
  reason: string;
  requestedAmountFen?: number;
  payee?: Payee;
  documents: ApplicationDocument[];
  objections: Objection[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  submittedAt?: string;
  submittedBy?: string;
  assessment?: Assessment;
  decision?: Decision;
  /** While on public notice: the day the notice ends, and the notice document in the exports bucket. */
  noticeEndsOn?: string;
  noticeDocumentKey?: string;
  enrolledAt?: string;
  history: ApplicationHistoryEntry[];
}

export const maxDocumentsPerApplication = 20;
export { maxDocumentBytes, uploadContentTypes } from './document-rules.ts';
/** Presigned upload and download URLs are good for this long. */
export const documentUrlSeconds = 300;

// ---------------------------------------------------------------------------------------------
// The state machine

export const applicationActions = [
  'ADD_DOCUMENT',
  'SUBMIT',
  'ASSESS',
  'APPROVE',
  'REJECT',
  'OBJECT',
  'ENROL',
  'RETURN_TO_REVIEW',
] as const;
export type ApplicationAction = (typeof applicationActions)[number];

interface Transition {
  from: readonly ApplicationStatus[];
  /** Where the action leads; none: the status stays (a document is added). */
  to?: (type: ApplicationType) => ApplicationStatus;
}

/** The only moves there are. Anything else is 409 INVALID_STATE. */
export const transitions: Record<ApplicationAction, Transition> = {
  // Documents may follow the form until a decision: a reviewer may ask for more proof.
  ADD_DOCUMENT: { from: ['DRAFT', 'SUBMITTED', 'UNDER_REVIEW'] },
  SUBMIT: { from: ['DRAFT'], to: () => 'SUBMITTED' },
  ASSESS: { from: ['SUBMITTED'], to: () => 'UNDER_REVIEW' },
  APPROVE: { from: ['UNDER_REVIEW'], to: (type) => (isEnrolmentType(type) ? 'PUBLIC_NOTICE' : 'GRANTED') },
  REJECT: { from: ['UNDER_REVIEW'], to: () => 'REJECTED' },
  OBJECT: { from: ['PUBLIC_NOTICE'], to: () => 'UNDER_REVIEW' },
  ENROL: { from: ['PUBLIC_NOTICE'], to: () => 'ENROLLED' },
  // Enrolment found a member enrolled elsewhere in the meantime: a reviewer must look again.
  RETURN_TO_REVIEW: { from: ['PUBLIC_NOTICE'], to: () => 'UNDER_REVIEW' },
};

export function isAllowed(action: ApplicationAction, status: ApplicationStatus): boolean {
  return transitions[action].from.includes(status);
}

/** The status `action` leads to from `application`'s, or 409 INVALID_STATE naming what is allowed. */
export function nextStatus(
  application: Pick<ApplicationRecord, 'id' | 'type' | 'status'>,
  action: ApplicationAction,
): ApplicationStatus {
  const transition = transitions[action];
  if (!transition.from.includes(application.status)) throw invalidState(application, action);
  return transition.to ? transition.to(application.type) : application.status;
}

export function invalidState(
  application: Pick<ApplicationRecord, 'id' | 'status'>,
  action: ApplicationAction,
): AppError {
  return refusal('INVALID_STATE', 'APPLICATION_STATUS_FORBIDS', {
    applicationId: application.id,
    status: application.status,
    action,
    allowed: transitions[action].from.join(','),
  });
}

// ---------------------------------------------------------------------------------------------
// Assessment

/** A member as a reason names them for a wider audience: 王*婧 (321081********1234). */
export function memberLabel(member: Pick<Member, 'name' | 'idNumber'>): string {
  return `${maskName(member.name)} (${maskIdNumber(member.idNumber)})`;
}

const yuan = (fen: number) => `${formatYuan(fen)} yuan`;

/** Rounded down to the fen, as the figure a caseworker writes down and the rules compare. */
export function perCapitaIncomeFen(members: readonly Pick<Member, 'monthlyIncomeFen'>[]): number {
  const total = members.reduce((sum, m) => sum + m.monthlyIncomeFen, 0);
  return Math.floor(total / members.length);
}

/** TEKUN: unable to work means 60 or over, under 16, or severely disabled. */
export function unableToWork(member: Member, on: string): boolean {
  const age = ageOn(birthDateOf(member.idNumber), on);
  return age >= 60 || age < 16 || member.disability === 'SEVERE';
}

function isWorkingAge(member: Member, on: string): boolean {
  const age = ageOn(birthDateOf(member.idNumber), on);
  return age >= 16 && age < 60;
}

export interface AssessmentInput {
  type: ApplicationType;
  household: Household;
  requestedAmountFen?: number;
  policy: PolicyVersion;
  /** The assessment date: ages are taken on it. */
  on: string;
  /** Registry records of the household's members, where they have one. */
  registryRecords: ReadonlyArray<Pick<Recipient, 'idNumber' | 'category' | 'householdId' | 'status'>>;
}

export function assess(input: AssessmentInput): Assessment {
  const { type, household, policy, on } = input;
  const members = household.members;
  const standard = policy.dibaoStandardFen;
  const threshold = marginalThresholdFen(policy);
  const perCapita = perCapitaIncomeFen(members);
  const total = members.reduce((sum, m) => sum + m.monthlyIncomeFen, 0);
  const depositsLimit = depositsLimitFen(policy, members.length);
  const reasons: string[] = [];
  const reasonCodes: AssessmentReason[] = [];
  let eligible = true;
  const say = (coded: AssessmentReason, reason: string) => {
    reasons.push(reason);
    reasonCodes.push(coded);
  };
  const fail = (coded: AssessmentReason, reason: string) => {
    eligible = false;
    say(coded, reason);
  };
  const figures: IncomeFigures = { perCapitaFen: perCapita, totalFen: total, members: members.length, standardFen: standard };

  const income = `per-capita income ${yuan(perCapita)} a month (${yuan(total)} across ${members.length} member${members.length === 1 ? '' : 's'})`;

  if (!isEnrolmentType(type)) {
    const ceiling = oneOffGrantCeilingFen(policy);
    say({ code: 'INCOME_SUMMARY', values: figures }, `${income}; the Dibao standard is ${yuan(standard)}`);
    const rule = `the one-off grant ceiling of ${yuan(ceiling)} (${policy.oneOffGrantCeilingMonths} months of the Dibao standard)`;
    const months = policy.oneOffGrantCeilingMonths;
    const requestedFen = input.requestedAmountFen;
    if (requestedFen === undefined) {
      say({ code: 'GRANT_NOT_REQUESTED', values: { ceilingFen: ceiling, months } }, `no amount requested: the reviewer sets it, at most ${rule}`);
    } else if (requestedFen <= ceiling) {
      say({ code: 'GRANT_WITHIN_CEILING', values: { requestedFen, ceilingFen: ceiling, months } }, `the requested ${yuan(requestedFen)} is within ${rule}`);
    } else fail({ code: 'GRANT_OVER_CEILING', values: { requestedFen, ceilingFen: ceiling, months } }, `the requested ${yuan(requestedFen)} exceeds ${rule}`);
    return result(ceiling);
  }

  switch (type) {
    case 'DIBAO':
      if (perCapita < standard) say({ code: 'INCOME_BELOW_STANDARD', values: figures }, `${income} is below the Dibao standard of ${yuan(standard)}`);
      else if (perCapita <= threshold) {
        fail(
          { code: 'INCOME_NOT_BELOW_STANDARD_MARGINAL_FITS', values: { ...figures, thresholdFen: threshold } },
          `${income} is not below the Dibao standard of ${yuan(standard)}: it is within the marginal band up to ${yuan(threshold)}, so a MARGINAL application fits`,
        );
      } else fail({ code: 'INCOME_NOT_BELOW_STANDARD', values: figures }, `${income} is not below the Dibao standard of ${yuan(standard)}`);
      break;
    case 'MARGINAL':
      if (perCapita < standard) {
        fail(
          { code: 'INCOME_QUALIFIES_FOR_DIBAO', values: figures },
          `${income} is below the Dibao standard of ${yuan(standard)}: the household qualifies for Dibao, so a DIBAO application fits`,
        );
      } else if (perCapita <= threshold) {
        say(
          { code: 'INCOME_IN_MARGINAL_BAND', values: { ...figures, thresholdFen: threshold } },
          `${income} is between the Dibao standard of ${yuan(standard)} and the marginal threshold of ${yuan(threshold)}`,
        );
      } else fail({ code: 'INCOME_ABOVE_MARGINAL_THRESHOLD', values: { ...figures, thresholdFen: threshold } }, `${income} is above the marginal threshold of ${yuan(threshold)}`);
      break;
    case 'TEKUN': {
      const able = members.filter((m) => !unableToWork(m, on));
      const earning = members.filter((m) => m.monthlyIncomeFen > 0);
      for (const m of able) {
        const age = ageOn(birthDateOf(m.idNumber), on);
        fail({ code: 'MEMBER_ABLE_TO_WORK', values: { member: memberLabel(m), age } }, `${memberLabel(m)} is ${age} and not severely disabled, so able to work`);
      }
      for (const m of earning) {
        fail(
          { code: 'MEMBER_HAS_INCOME', values: { member: memberLabel(m), incomeFen: m.monthlyIncomeFen } },
          `${memberLabel(m)} has an income of ${yuan(m.monthlyIncomeFen)} a month`,
        );
      }
      if (able.length === 0 && earning.length === 0) {
        say({ code: 'ALL_UNABLE_TO_WORK', values: {} }, 'every member is unable to work (60 or over, under 16, or severely disabled) and has no income');
        say({ code: 'SUPPORT_OBLIGORS_TO_CONFIRM', values: {} }, 'the household investigation must confirm that no one legally bound to support them is able to');
      }
      break;
    }
  }

  const rule = `${policy.depositsPerMemberMonths} months of the Dibao standard per member, ${yuan(depositsLimit)} for ${members.length}`;
  const deposits = { depositsFen: household.assets.depositsFen, limitFen: depositsLimit, months: policy.depositsPerMemberMonths, members: members.length };
  if (household.assets.depositsFen <= depositsLimit) {
    say({ code: 'DEPOSITS_PASS', values: deposits }, `deposits of ${yuan(household.assets.depositsFen)} pass the property test (at most ${rule})`);
  } else fail({ code: 'DEPOSITS_FAIL', values: deposits }, `deposits of ${yuan(household.assets.depositsFen)} fail the property test (at most ${rule})`);
  const { vehicles, properties } = household.assets;
  if (vehicles > 0 || properties > 0) {
    say(
      { code: 'VEHICLES_PROPERTIES_DECLARED', values: { vehicles, properties } },
      `the household declares ${vehicles} vehicle${vehicles === 1 ? '' : 's'} and ${properties} propert${properties === 1 ? 'y' : 'ies'}; the policy sets no limit on them, so the reviewer weighs them`,
    );
  }

  // One person is enrolled once: a member still on the registry must leave it first.
  for (const record of input.registryRecords) {
    if (record.status === 'TERMINATED') continue;
    const member = members.find((m) => m.idNumber === record.idNumber);
    if (!member) continue;
    fail(
      {
        code: 'ALREADY_RECIPIENT',
        values: { member: memberLabel(member), status: record.status === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED', category: record.category, householdId: record.householdId },
      },
      `${memberLabel(member)} is already ${record.status === 'ACTIVE' ? 'an ACTIVE' : 'a SUSPENDED'} ${record.category} recipient in household ${record.householdId}`,
    );
  }
  return result(null);

  function result(grantCeilingFen: number | null): Assessment {
    return {
      perCapitaIncomeFen: perCapita,
      standardFen: standard,
      marginalThresholdFen: threshold,
      depositsLimitFen: depositsLimit,
      grantCeilingFen,
      eligible,
      reasons,
      reasonCodes,
      assessedOn: on,
      policyEffectiveFrom: policy.effectiveFrom,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Decision

export interface DecisionRequest {
  decision: 'APPROVE' | 'REJECT';
  reason: string;
  monthlyBenefitFen?: number;
  grantedAmountFen?: number;
}

/**
 * The amounts an approval carries, checked against the type and the policy; a problem is a
 * 400 naming the field and the rule. Only for an eligible application under review.
 */
export function approvalAmounts(
  application: Pick<ApplicationRecord, 'type' | 'requestedAmountFen'>,
  request: DecisionRequest,
  policy: PolicyVersion,
): { monthlyBenefitFen: number } | { grantedAmountFen: number } {
  const problem = (path: string, message: string) => validationFailed([{ path, message }]);
  const { type } = application;
  if (isEnrolmentType(type)) {
    if (request.grantedAmountFen !== undefined) throw problem('grantedAmountFen', `is for one-off grants, not a ${type} enrolment`);
    if (type === 'MARGINAL') {
      // BRIEF.md: marginal households get special aid and subsidies, not the monthly allowance.
      if (request.monthlyBenefitFen) throw problem('monthlyBenefitFen', 'MARGINAL households receive no monthly allowance: omit it or send 0');
      return { monthlyBenefitFen: 0 };
    }
    if (request.monthlyBenefitFen === undefined || request.monthlyBenefitFen <= 0) {
      throw problem('monthlyBenefitFen', `is required to approve a ${type} enrolment: the monthly benefit per member, in fen`);
    }
    if (type === 'DIBAO' && request.monthlyBenefitFen > policy.dibaoStandardFen) {
      throw problem('monthlyBenefitFen', `exceeds the Dibao standard of ${policy.dibaoStandardFen} fen per member a month`);
    }
    const ceiling = amountProblem(request.monthlyBenefitFen, policy.amountCeilingsFen.monthlyBenefit[type], `the ${type} monthly benefit ceiling`);
    if (ceiling) throw problem('monthlyBenefitFen', ceiling);
    return { monthlyBenefitFen: request.monthlyBenefitFen };
  }
  if (request.monthlyBenefitFen !== undefined) throw problem('monthlyBenefitFen', `is for enrolments, not a ${type} grant`);
  const amount = request.grantedAmountFen ?? application.requestedAmountFen;
  if (amount === undefined || amount <= 0) {
    throw problem('grantedAmountFen', 'is required to approve a one-off grant (no amount was requested)');
  }
  const ceiling = oneOffGrantCeilingFen(policy);
  if (amount > ceiling) {
    throw problem(
      'grantedAmountFen',
      `${amount} fen exceeds the one-off grant ceiling of ${ceiling} fen (${policy.oneOffGrantCeilingMonths} months of the Dibao standard)`,
    );
  }
  return { grantedAmountFen: amount };
}

// ---------------------------------------------------------------------------------------------
// Enrolment and periodic review

export function headOf(household: Pick<Household, 'members'>): Member {
  const head = household.members.find((m) => m.relation === 'HEAD');
  if (!head) throw new Error('a household has exactly one HEAD member (checked on filing)');
  return head;
}

/** Yearly; every six months where a working-age member (16-59) has income, which may change. */
export function reviewEveryMonths(members: readonly Member[], on: string): 6 | 12 {
  return members.some((m) => m.monthlyIncomeFen > 0 && isWorkingAge(m, on)) ? 6 : 12;
}

/** A member as the registry holds them once enrolled (history, status and the keyed recipientId are the writer's). */
export function enrolledRecipient(
  application: ApplicationRecord & { type: EnrolmentType },
  member: Member,
  on: string,
): Omit<Recipient, 'history' | 'status' | 'recipientId'> {
  const every = reviewEveryMonths(application.household.members, on);
  return {
    idNumber: member.idNumber,
    // The application is the household's file: its id names the household.
    householdId: application.id,
    name: member.name.trim(),
    category: application.type,
    township: application.township,
    monthlyBenefitFen: application.decision?.monthlyBenefitFen ?? 0,
    since: on,
    ...(application.payee && { bankName: application.payee.bankName, bankAccount: application.payee.bankAccount }),
    applicationId: application.id,
    reviewEveryMonths: every,
    nextReviewOn: addMonths(on, every),
  };
}
