// Chinese for the payout codes the finance screens show: programs, batch and payment states,
// history actions, planning's skip reasons and the ISO 20022 return reasons banks send.
// Typed against the generated schema, so a new enum value fails the build.
import type { Schemas } from '../../api/client.ts';

type Batch = Schemas['PayoutBatch'];

export const programText: Record<Batch['program'], string> = {
  PRICE_SUBSIDY: '价格临时补贴',
  ONE_TIME_LIVING: '一次性生活补贴',
  MONTHLY_BENEFIT: '月度保障金',
  ONE_OFF_GRANTS: '一次性救助金（临时、急难、医疗、教育）',
  HOSPITAL_REIMBURSEMENT: '定点医院医疗救助垫付结算',
};

export const batchStatusText: Record<Batch['status'], string> = {
  PLANNING: '正在生成名单',
  PENDING_APPROVAL: '待复核审批',
  PAYING: '正在支付',
  PAID_OUT: '已出盘，待银行回执',
  RECONCILED: '已对账',
  FAILED: '失败',
  REJECTED: '已驳回',
  CANCELLED: '已作废',
};

export const paymentStatusText: Record<Schemas['PayoutPayment']['status'], string> = {
  PLANNED: '待支付',
  RECORDED: '已出盘，待回执',
  SETTLED: '已入账',
  RETURNED: '被银行退回',
};

export const historyActionText: Record<string, string> = {
  CREATED: '创建批次',
  PLANNED: '名单生成完毕',
  APPROVED: '复核通过',
  PAID_OUT: '支付文件已生成',
  RECONCILED: '对账完成',
  FAILED: '失败',
  REJECTED: '驳回',
  CANCELLED: '作废',
  RETRY_REQUESTED: '申请重做',
  RETRIED: '已重做',
  WHOLE_FILE_RETURNED: '整批退回',
};

export const skippedText: Record<keyof NonNullable<Batch['skipped']>, string> = {
  alreadyPlannedOrPaid: '本项目本期已列入其他批次或已支付',
  noBankAccount: '没有银行账户',
  overCeiling: '金额超过政策上限',
};

/** ISO 20022 external status reason codes banks put on a return (the code leads the API's reason). */
const returnReasonCodeText: Record<string, string> = {
  AC01: '账号有误',
  AC04: '账户已销户',
  AC06: '账户已冻结',
  AC13: '账户类型不符',
  AG01: '该账户不允许此类交易',
  AM05: '重复支付',
  BE01: '户名与账号不符',
  DUPL: '重复文件',
  MS03: '银行未说明原因',
  NARR: '见附言',
  RC01: '银行代码有误',
  RR01: '缺少收款人账户或身份信息',
};

/** A return reason in Chinese where the bank's code is known, with the bank's own words beside it. */
export function returnReasonText(reason: string | null | undefined): string {
  if (!reason) return '银行退回（未注明原因）';
  const code = /^([A-Z0-9]{4})\b/.exec(reason)?.[1];
  const text = code ? returnReasonCodeText[code] : undefined;
  return text ? `${text}（${reason}）` : reason;
}

export const returnNextText: Record<Schemas['PaymentNext']['state'], string> = {
  READY: '可列入下一批',
  PLANNED_AGAIN: '已列入新批次',
};
