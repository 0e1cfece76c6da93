// Why a request was refused (403 FORBIDDEN, 409 INVALID_STATE) and why a registry line was
// rejected, as stable codes with their figures, written once in English and in Chinese. The API
// sends the code and figures (`error.reason`, `rejected[].details`: additions to the contract) and
// its message in English, or in Chinese under `Accept-Language: zh-CN`; the console renders the
// Chinese from the code. One catalog, so the two languages cannot drift apart.
import type { IdNumberProblemCode } from './id-number.ts';
import { formatYuan, type YuanProblem } from './yuan.ts';

export type ReasonValues = Record<string, string | number>;

interface ReasonText {
  en: (v: ReasonValues) => string;
  zh: (v: ReasonValues) => string;
}

const list = (v: string | number | undefined) => String(v ?? '').split(',').join(' or ');
const statusZh: Record<string, string> = {
  ACTIVE: '在保',
  SUSPENDED: '暂停',
  TERMINATED: '终止',
  DRAFT: '草稿',
  SUBMITTED: '已提交',
  UNDER_REVIEW: '审核中',
  PUBLIC_NOTICE: '公示中',
  ENROLLED: '已纳入',
  GRANTED: '已发放',
  REJECTED: '已驳回',
  WITHDRAWN: '已撤回',
  PLANNING: '计划中',
  PENDING_APPROVAL: '待审批',
  APPROVED: '已审批',
  PAYING: '支付中',
  PAID_OUT: '已出盘',
  RECONCILED: '已对账',
  CANCELLED: '已取消',
  FAILED: '失败',
};
const statusText = (v: string | number | undefined) =>
  String(v ?? '')
    .split(',')
    .map((s) => statusZh[s] ?? s)
    .join('或');

/** Every reason code the API gives with a 403 or 409 (`error.reason.code`). */
export const refusalReasons = {
  ROLE_NOT_ALLOWED: {
    en: (v) => `this action needs the role ${list(v.allowed)}; the token has ${v.held || 'no role'}`,
    zh: () => '当前角色无权进行此操作',
  },
  HOSPITAL_CLAIM_MISSING: {
    en: (v) => `a hospital token must carry ${v.claim}`,
    zh: () => '医院账号缺少医院编号',
  },
  HOSPITAL_NOT_DESIGNATED: {
    en: (v) => `hospital ${v.hospitalId} is not a designated hospital`,
    zh: (v) => `医院 ${v.hospitalId} 不是定点医院`,
  },
  TOWNSHIP_OUT_OF_SCOPE: {
    en: (v) => `${v.what} is in ${v.township}; ${v.subject}'s token is scoped to ${v.scopedTo}`,
    zh: (v) => `本账号只能办理${v.scopedTo}的业务，该记录属于${v.township}`,
  },
  TOWNSHIP_SCOPED_IMPORT: {
    en: (v) => `a registry import is a county action; ${v.subject}'s token is scoped to ${v.scopedTo}`,
    zh: (v) => `名册导入由县级办理；本账号只能办理${v.scopedTo}的业务`,
  },
  FILER_MAY_NOT_DECIDE: {
    en: (v) => `${v.subject} filed or submitted application ${v.applicationId} and so may not decide it`,
    zh: () => '您录入或提交了这份申请，按审核回避规定不能由您审批',
  },
  PAYEE_CHANGE_MAKER_MAY_NOT_CONFIRM: {
    en: () => 'maker-checker: the officer who asked for a change of payee may not confirm it',
    zh: () => '账户变更须由申请人以外的审核人确认，您不能确认自己提出的变更',
  },
  BATCH_MAKER_MAY_NOT_APPROVE: {
    en: () => 'maker-checker: the officer who prepared (or retried) a batch may not approve it',
    zh: () => '发放批次须由制单人（或重试人）以外的人员审批',
  },
  BATCH_MAKER_MAY_NOT_REJECT: {
    en: () => 'maker-checker: only a checker (not who prepared or retried the batch) may reject it',
    zh: () => '只有制单人（或重试人）以外的审批人可以驳回该批次',
  },
  RECIPIENT_STATUS_FORBIDS: {
    en: (v) => `the recipient is ${v.status}: ${v.action} is allowed only when it is ${list(v.allowed)}`,
    zh: (v) => `该对象当前为“${statusText(v.status)}”，只有“${statusText(v.allowed)}”时才能办理`,
  },
  APPLICATION_STATUS_FORBIDS: {
    en: (v) => `application ${v.applicationId} is ${v.status}: ${v.action} is allowed only when it is ${list(v.allowed)}`,
    zh: (v) => `申请当前为“${statusText(v.status)}”，只有“${statusText(v.allowed)}”时才能办理`,
  },
  APPLICATION_NOT_ELIGIBLE: {
    en: (v) => `application ${v.applicationId} was assessed not eligible, so it can only be rejected: ${v.reasons}`,
    zh: () => '这份申请经核算不符合条件，只能驳回',
  },
  BATCH_STATUS_FORBIDS: {
    en: (v) => `batch ${v.batchId} is ${v.status}; only ${String(v.allowed).split(',').join(', ')} can be ${v.action}${v.released ? "; its bank files are released, so money comes back only through the bank's status report" : ''}`,
    zh: (v) =>
      `批次当前为“${statusText(v.status)}”，只有“${statusText(v.allowed)}”时才能办理${v.released ? '；银行文件已出盘，资金只能通过银行回单退回' : ''}`,
  },
  BATCH_RETRY_IN_PROGRESS: {
    en: (v) => `a retry asked for by ${v.by} at ${v.at} is being applied`,
    zh: () => '该批次的重试正在处理中，请稍后',
  },
  BATCH_EXCLUDES_EVERY_PAYMENT: {
    en: () => 'excluding every payment leaves nothing to pay: cancel the batch instead',
    zh: () => '排除全部付款后已无可发放的款项，请改为取消该批次',
  },
  BANK_REPORT_ALREADY_RETURNED: {
    en: (v) => `report ${v.reportId} was already applied as every payment returned`,
    zh: () => '该银行回单已按整盘退回处理',
  },
  BANK_REPORT_NOT_WHOLE_FILE: {
    en: (v) => `report ${v.reportId} does not reject the whole file (a pain.002 with group status RJCT and no transactions); it is applied payment by payment`,
    zh: () => '该银行回单不是整盘拒绝，将逐笔处理',
  },
  BANK_REPORT_OTHER_FILE: {
    en: (v) => `report ${v.reportId} rejects file ${v.fileId}, not this batch's ${v.batchId}`,
    zh: (v) => `该银行回单拒绝的是文件 ${v.fileId}，不是本批次的文件`,
  },
  ROUTE_SCOPE_MISSING: {
    en: (v) => `${v.route} needs a token with the scope ${list(v.scopes)}; this token has ${v.held || 'no scope'}`,
    zh: () => '登录凭据缺少此操作所需的权限',
  },
} satisfies Record<string, ReasonText>;

export type RefusalReasonCode = keyof typeof refusalReasons;

/** Why a registry line was rejected beyond a field's own check (`rejected[].details[].code`). */
export const lineReasons = {
  LINE_FIELD_COUNT: {
    en: (v) => `has ${v.found} fields; expected ${v.expected}`,
    zh: (v) => `有 ${v.found} 列，应为 ${v.expected} 列`,
  },
  ALREADY_IN_REGISTRY: { en: () => 'already in the registry', zh: () => '此人已在名册中' },
  DUPLICATES_LINE: { en: (v) => `duplicates line ${v.line}`, zh: (v) => `与第 ${v.line} 行重复` },
  SINCE_OUT_OF_RANGE: { en: (v) => String(v.problem), zh: (v) => `不能晚于今天，也不能早于 ${v.earliest}` },
  BENEFIT_OVER_CEILING: {
    en: (v) => String(v.problem),
    zh: (v) => `超过该类别每月上限 ${formatYuan(Number(v.ceilingFen))} 元`,
  },
} satisfies Record<string, ReasonText>;

export type LineReasonCode = keyof typeof lineReasons;

/** The registry's columns in Chinese, as rejected lines name them (the first alias of each). */
export const registryColumnText: Readonly<Record<string, string>> = {
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

/** A rejected registry line's problems in Chinese: `列名：原因` joined by '；'. */
export function chineseLineMessage(details: ErrorDetailLike[]): string {
  return details.map((d) => (d.path ? `${registryColumnText[d.path] ?? d.path}：${detailText(d)}` : detailText(d))).join('；');
}

/** The contract's error codes in Chinese (API.md, Errors, and the 429 extension). */
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
export function detailText(detail: { code?: string; message: string; values?: ReasonValues }): string {
  if (detail.code && Object.hasOwn(lineReasons, detail.code)) return lineReasons[detail.code as LineReasonCode].zh(detail.values ?? {});
  const text = detail.code ? detailCodeText[detail.code] : undefined;
  return text ?? `不符合要求（${detail.message}）`;
}

/** A message in Chinese from its error code and details (each field named by its path). */
export function chineseMessage(code: string, details: ErrorDetailLike[]): string {
  const head = errorCodeText[code] ?? errorCodeText.INTERNAL!;
  if (details.length === 0) return head;
  return `${head}：${details.map((d) => `${d.path}：${detailText(d)}`).join('；')}`;
}

interface ErrorDetailLike {
  path: string;
  message: string;
  code?: string;
  values?: ReasonValues;
}

/** A reason in the language asked for; a code this catalog lacks answers undefined. */
export function reasonText(reason: { code: string; values?: ReasonValues }, language: Language): string | undefined {
  const text = (refusalReasons as Record<string, ReasonText>)[reason.code] ?? (lineReasons as Record<string, ReasonText>)[reason.code];
  return text?.[language === 'zh-CN' ? 'zh' : 'en'](reason.values ?? {});
}

export type Language = 'en' | 'zh-CN';

/**
 * The language an `Accept-Language` header asks for: Chinese when a `zh` range comes before any
 * English one with a quality above 0 (RFC 9110 §12.5.4); English otherwise, and by default.
 */
export function languageOf(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'en';
  const ranges = acceptLanguage
    .split(',')
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.q > 0 && (r.tag === 'zh' || r.tag.startsWith('zh-') || r.tag === 'en' || r.tag.startsWith('en-')))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranges[0]?.tag.startsWith('zh') ? 'zh-CN' : 'en';
}
