// A bank's status report that rejects the whole file ("duplicate file", "invalid file"): a
// pain.002 whose group status is RJCT and which lists no transaction at all. Nothing in it can be
// applied payment by payment; finance may apply it as "every payment returned" in one audited step
// (POST /payout-batches/{id}/bank-results/{reportId}/return-all). The one place this is decided.

const tag = (name: string) => `<(?:[\\w.-]+:)?${name}>\\s*([^<]*?)\\s*</(?:[\\w.-]+:)?${name}>`;
const groupStatus = new RegExp(tag('GrpSts'));
const originalMessageId = new RegExp(tag('OrgnlMsgId'));
const reason = new RegExp(`${tag('Cd')}|${tag('Prtry')}`);
const anyTransaction = /<(?:[\w.-]+:)?TxInfAndSts[\s>/]/;
const statusReport = /<(?:[\w.-]+:)?CstmrPmtStsRpt[\s>]/;

export interface WholeFileRejection {
  /** OrgnlMsgId: the rejected pain.001's MsgId: the batch id, or one part's (bank-file-parts.ts partMessageId). */
  originalMessageId: string | undefined;
  /** The first reason code given (e.g. DUPL), if any. */
  reasonCode: string | undefined;
}

/** The rejection, for a pain.002 with group status RJCT and no TxInfAndSts; null for anything else (CSV included). */
export function wholeFileRejection(report: string): WholeFileRejection | null {
  if (!statusReport.test(report) || anyTransaction.test(report) || groupStatus.exec(report)?.[1] !== 'RJCT') return null;
  const code = reason.exec(report);
  return { originalMessageId: originalMessageId.exec(report)?.[1], reasonCode: code?.[1] ?? code?.[2] };
}
