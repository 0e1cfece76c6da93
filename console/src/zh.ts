// Chinese for every code the API answers with: enum values, error codes and the stable codes of
// validation details. Typed against the generated schema, so a new enum value fails the build.
import { formatYuan } from '../../shared/domain/yuan.ts';
import { chineseLineMessage } from '../../shared/domain/reasons.ts';
import type { Schemas } from './api/client.ts';

type Application = Schemas['Application'];
type Member = Application['household']['members'][number];

export const applicationTypeText: Record<Application['type'], string> = {
  DIBAO: '最低生活保障（低保）',
  MARGINAL: '低保边缘家庭',
  TEKUN: '特困人员救助供养',
  TEMPORARY: '临时救助',
  EMERGENCY: '急难型临时救助',
  MEDICAL_EXPENSE: '医疗救助',
  EDUCATION: '教育救助',
};

export const enrolmentTypes: ReadonlyArray<Application['type']> = ['DIBAO', 'MARGINAL', 'TEKUN'];

export const applicationStatusText: Record<Application['status'], string> = {
  DRAFT: '草稿',
  SUBMITTED: '已提交，待评估',
  UNDER_REVIEW: '审核中',
  PUBLIC_NOTICE: '公示中',
  ENROLLED: '已纳入保障',
  GRANTED: '已批准救助',
  REJECTED: '未通过',
};

export const relationText: Record<Member['relation'], string> = {
  HEAD: '户主',
  SPOUSE: '配偶',
  CHILD: '子女',
  PARENT: '父母',
  SIBLING: '兄弟姐妹',
  OTHER: '其他',
};

export const disabilityText: Record<Member['disability'], string> = { NONE: '无', MILD: '轻度', SEVERE: '重度' };

export const documentKindText: Record<Application['documents'][number]['kind'], string> = {
  ID_CARD: '身份证',
  HOUSEHOLD_REGISTER: '户口簿',
  INCOME_PROOF: '收入证明',
  MEDICAL_BILL: '医疗票据',
  OTHER: '其他材料',
};

export const recipientStatusText: Record<Schemas['Recipient']['status'], string> = {
  ACTIVE: '在保',
  SUSPENDED: '暂停',
  TERMINATED: '已终止',
};

export const categoryText: Record<Schemas['Recipient']['category'], string> = {
  DIBAO: '低保',
  MARGINAL: '低保边缘',
  TEKUN: '特困',
};

export { roleText } from './role-names.ts';

export { detailCodeText, detailText, errorCodeText } from '../../shared/domain/reasons.ts';

/**
 * A rejected registry line in Chinese: each problem's column and reason from its codes (the API's
 * `details`); a line of an import stored before codes existed shows the API's English.
 */
export function rejectionText(rejection: { message: string; details?: Array<{ path: string; message: string; code?: string; values?: Record<string, string | number> }> }): string {
  return rejection.details?.length ? chineseLineMessage(rejection.details) : rejection.message;
}

type AssessmentReason = Schemas['Assessment']['reasonCodes'][number];

const yuanText = (fen: string | number | undefined) => `${formatYuan(Number(fen))} 元`;
const categoryName = (value: string | number | undefined) => categoryText[value as keyof typeof categoryText] ?? String(value);

/** Each assessment reason code (API: Assessment.reasonCodes, an addition) in Chinese, from its figures. */
const assessmentReasonText: Record<AssessmentReason['code'], (v: AssessmentReason['values']) => string> = {
  INCOME_SUMMARY: (v) => `家庭人均月收入 ${yuanText(v.perCapitaFen)}（${v.members} 人合计 ${yuanText(v.totalFen)}）；低保标准为 ${yuanText(v.standardFen)}`,
  INCOME_BELOW_STANDARD: (v) => `家庭人均月收入 ${yuanText(v.perCapitaFen)}（${v.members} 人合计 ${yuanText(v.totalFen)}），低于低保标准 ${yuanText(v.standardFen)}`,
  INCOME_NOT_BELOW_STANDARD: (v) => `家庭人均月收入 ${yuanText(v.perCapitaFen)}（${v.members} 人合计 ${yuanText(v.totalFen)}），不低于低保标准 ${yuanText(v.standardFen)}`,
  INCOME_NOT_BELOW_STANDARD_MARGINAL_FITS: (v) =>
    `家庭人均月收入 ${yuanText(v.perCapitaFen)}（${v.members} 人合计 ${yuanText(v.totalFen)}），不低于低保标准 ${yuanText(v.standardFen)}，但在低保边缘标准 ${yuanText(v.thresholdFen)} 以内：宜按低保边缘家庭申请`,
  INCOME_QUALIFIES_FOR_DIBAO: (v) =>
    `家庭人均月收入 ${yuanText(v.perCapitaFen)}（${v.members} 人合计 ${yuanText(v.totalFen)}），低于低保标准 ${yuanText(v.standardFen)}：符合低保条件，宜按低保申请`,
  INCOME_IN_MARGINAL_BAND: (v) =>
    `家庭人均月收入 ${yuanText(v.perCapitaFen)}（${v.members} 人合计 ${yuanText(v.totalFen)}），介于低保标准 ${yuanText(v.standardFen)} 与低保边缘标准 ${yuanText(v.thresholdFen)} 之间`,
  INCOME_ABOVE_MARGINAL_THRESHOLD: (v) =>
    `家庭人均月收入 ${yuanText(v.perCapitaFen)}（${v.members} 人合计 ${yuanText(v.totalFen)}），高于低保边缘标准 ${yuanText(v.thresholdFen)}`,
  GRANT_NOT_REQUESTED: (v) => `未申请具体金额：由审核人确定，最多为一次性救助上限 ${yuanText(v.ceilingFen)}（${v.months} 个月低保标准）`,
  GRANT_WITHIN_CEILING: (v) => `申请金额 ${yuanText(v.requestedFen)}，未超过一次性救助上限 ${yuanText(v.ceilingFen)}（${v.months} 个月低保标准）`,
  GRANT_OVER_CEILING: (v) => `申请金额 ${yuanText(v.requestedFen)}，超过一次性救助上限 ${yuanText(v.ceilingFen)}（${v.months} 个月低保标准）`,
  MEMBER_ABLE_TO_WORK: (v) => `${v.member} ${v.age} 岁且非重度残疾，具有劳动能力`,
  MEMBER_HAS_INCOME: (v) => `${v.member} 有月收入 ${yuanText(v.incomeFen)}`,
  ALL_UNABLE_TO_WORK: () => '全部家庭成员均无劳动能力（60 岁以上、16 岁以下或重度残疾）且无收入',
  SUPPORT_OBLIGORS_TO_CONFIRM: () => '需经入户调查确认无法定赡养、抚养、扶养义务人，或其无履行义务能力',
  DEPOSITS_PASS: (v) => `存款 ${yuanText(v.depositsFen)}，符合财产条件（不超过每人 ${v.months} 个月低保标准，${v.members} 人共 ${yuanText(v.limitFen)}）`,
  DEPOSITS_FAIL: (v) => `存款 ${yuanText(v.depositsFen)}，不符合财产条件（不超过每人 ${v.months} 个月低保标准，${v.members} 人共 ${yuanText(v.limitFen)}）`,
  VEHICLES_PROPERTIES_DECLARED: (v) => `申报机动车 ${v.vehicles} 辆、房产 ${v.properties} 处；政策未设上限，由审核人综合判断`,
  ALREADY_RECIPIENT: (v) => `${v.member} 已是${v.status === 'ACTIVE' ? '在保' : '暂停中'}的${categoryName(v.category)}对象（户编号 ${v.householdId}），须先退出才能重新纳入`,
};

/** An assessment's reasons in Chinese; an assessment made before reason codes existed keeps its English. */
export function assessmentReasons(assessment: Schemas['Assessment']): Array<{ text: string; lang: 'zh-CN' | 'en' }> {
  if (assessment.reasonCodes.length === 0) return assessment.reasons.map((text) => ({ text, lang: 'en' }));
  return assessment.reasonCodes.map((r) => ({ text: assessmentReasonText[r.code](r.values), lang: 'zh-CN' }));
}
