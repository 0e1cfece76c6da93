// Chinese for every code the API answers with: enum values, error codes and the stable codes of
// validation details. Typed against the generated schema, so a new enum value fails the build.
import type { IdNumberProblemCode } from '../../shared/domain/id-number.ts';
import type { YuanProblem } from '../../shared/domain/yuan.ts';
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
};

/** Chinese for a detail: its code's text; a code without one keeps the API's own words beside it. */
export function detailText(detail: { code?: string; message: string }): string {
  const text = detail.code ? detailCodeText[detail.code] : undefined;
  return text ?? `不符合要求（${detail.message}）`;
}
