// Chinese for every code the API answers with: enum values, error codes and the stable codes of
// validation details. Typed against the generated schema, so a new enum value fails the build.
import { idNumberMessages, type IdNumberProblemCode } from '../../shared/domain/id-number.ts';
import { formatYuan, type YuanProblem } from '../../shared/domain/yuan.ts';
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

export const roleText = { caseworker: '乡镇经办人', reviewer: '县级审核人', finance: '财务', hospital: '定点医院' } as const;

/** The contract's error codes (API.md, Errors, and the 429 extension). */
export const errorCodeText: Record<string, string> = {
  MALFORMED_JSON: '提交的内容无法解析',
  VALIDATION_FAILED: '填写有误，请按提示修改',
  UNAUTHENTICATED: '登录已失效，请重新登录',
  FORBIDDEN: '无权进行此操作',
  NOT_FOUND: '未找到该记录',
  CONFLICT: '与已有记录冲突',
  INVALID_STATE: '当前状态不允许此操作',
  IDEMPOTENCY_KEY_REUSED: '重复提交的请求内容不一致',
  PAYLOAD_TOO_LARGE: '内容过大',
  UNSUPPORTED_MEDIA_TYPE: '文件类型不支持',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  INTERNAL: '系统内部错误，请稍后重试',
};

/** The stable codes of validation details (details[].code) and of the console's own checks. */
export const detailCodeText: Record<string, string> = {
  REQUIRED: '此项必填',
  INVALID_TYPE: '格式不正确',
  TOO_SMALL: '数值过小或内容过短',
  TOO_BIG: '数值过大或内容过长',
  INVALID_VALUE: '不是允许的选项',
  INVALID_FORMAT: '格式不正确',
  UNKNOWN_FIELD: '包含无法识别的内容',
  NOT_MULTIPLE_OF: '数值不符合要求',
  ...({
    ID_NUMBER_EXCEL_NUMBER: 'Excel 把身份证号码变成了数字（如 3.21081E+17），后几位已丢失：请把该列设置为“文本”后重新输入',
    ID_NUMBER_LENGTH: '身份证号码应为18位',
    ID_NUMBER_FORMAT: '身份证号码应为17位数字加1位数字或X',
    ID_NUMBER_BIRTH_DATE: '身份证号码中的出生日期无效',
    ID_NUMBER_BIRTH_FUTURE: '身份证号码中的出生日期晚于今天',
    ID_NUMBER_CHECK_DIGIT: '身份证号码校验位不正确（GB 11643）',
  } satisfies Record<IdNumberProblemCode, string>),
  ...({
    YUAN_EMPTY: '请输入金额',
    YUAN_FORMAT: '请输入金额，如 900 或 900.50',
    YUAN_TOO_MANY_DECIMALS: '金额最多两位小数（到分）',
    YUAN_TOO_LARGE: '金额过大',
  } satisfies Record<YuanProblem, string>),
  FILE_TYPE: '只能上传 PDF、JPG 或 PNG 文件',
  FILE_TOO_LARGE: '文件不能超过 10 MB',
  FILE_EMPTY: '文件是空的',
  FILE_ENCODING_UNREADABLE: '无法识别文件的编码：请在 Excel 中“文件 › 另存为”，选择“CSV UTF-8（逗号分隔）(*.csv)”后重新上传',
};

/** Chinese for a detail: its code's text; a code without one keeps the API's own words beside it. */
export function detailText(detail: { code?: string; message: string }): string {
  const text = detail.code ? detailCodeText[detail.code] : undefined;
  return text ?? `不符合要求（${detail.message}）`;
}

/** The registry file's columns (README, "Registry CSV as Excel writes it"). */
const registryColumnText: Record<string, string> = {
  householdId: '户编号',
  name: '姓名',
  idNumber: '身份证号码',
  category: '类别',
  township: '乡镇',
  monthlyBenefitFen: '月保障金',
  since: '起始日期',
  bankName: '开户行',
  bankAccount: '账号',
};

const idNumberCodeOf = new Map(
  (Object.entries(idNumberMessages) as Array<[IdNumberProblemCode, string]>).map(([code, message]) => [message, code]),
);

/**
 * A rejected registry line (`field: message; field: message`) in Chinese: the column's Chinese
 * name, and the reason's Chinese text where the console knows it; otherwise the API's own words.
 */
export function rejectionText(message: string): string {
  return message
    .split('; ')
    .map((part) => {
      const match = /^([A-Za-z]+): (.*)$/.exec(part);
      if (!match) return part;
      const [, field, reason] = match as unknown as [string, string, string];
      const column = registryColumnText[field] ?? field;
      const idCode = idNumberCodeOf.get(reason);
      if (idCode) return `${column}：${detailCodeText[idCode]}`;
      if (reason === 'already in the registry') return `${column}：此人已在名册中`;
      const duplicate = /^duplicates line (\d+)$/.exec(reason);
      if (duplicate) return `${column}：与第 ${duplicate[1]} 行重复`;
      return `${column}：${reason}`;
    })
    .join('；');
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
