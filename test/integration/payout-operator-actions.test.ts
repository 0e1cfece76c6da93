import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { paymentKey, paymentShardKey } from '../../shared/domain/payouts/batch.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

// Operator actions on payout batches over HTTP, on the real local stack: reject, cancel, retry and
// whole-file return, with their refusals. 40 DIBAO recipients; each test uses its own program and
// period so that claims never cross between tests.
let stack: TestStack;
let maker: string;
let checker: string;
let thirdOfficer: string;
let caseworker: string;
const people = 40;

beforeAll(async () => {
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
  thirdOfficer = await stack.token('finance', 'finance-third');
  caseworker = await stack.token('caseworker', 'caseworker-1');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const lines = Array.from({ length: people }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(n, '19600101'), 'DIBAO', '真州镇', '90000', '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
  );
  const created = await stack.call('POST', '/recipients/imports', {
    token: reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  const done = await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'RUNNING' ? undefined : r.body;
  });
  expect(done).toMatchObject({ status: 'COMPLETED', imported: people });
});
afterAll(async () => stack?.stop());

let periods = 0;
const nextPeriod = () => `2025-${String(++periods).padStart(2, '0')}`;

async function view(id: string) {
  return (await stack.call('GET', `/payout-batches/${id}`, { token: maker })).body;
}

async function inStatus(id: string, statuses: string[], timeoutMs = 40_000) {
  return eventually(async () => {
    const body = await view(id);
    return statuses.includes(body.status) ? body : undefined;
  }, timeoutMs, `batch ${id} in ${statuses.join('/')}`);
}

async function plannedBatch(period: string) {
  const created = await stack.call('POST', '/payout-batches', {
    token: maker,
    body: { program: 'PRICE_SUBSIDY', period, title: `价格临时补贴 ${period}`, categories: ['DIBAO'], perPersonFen: 5_000 },
  });
  expect(created.status).toBe(201);
  return inStatus(created.body.id, ['PENDING_APPROVAL', 'FAILED']);
}

async function paidOutBatch(period: string) {
  const batch = await plannedBatch(period);
  expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker })).status).toBe(202);
  return inStatus(batch.id, ['PAID_OUT', 'FAILED']);
}

async function payments(batchId: string) {
  const r = await stack.call('GET', `/payout-batches/${batchId}/payments?limit=500`, { token: maker });
  expect(r.status).toBe(200);
  return r.body.items as Array<{ endToEndId: string; recipientId: string; amountFen: number; status: string; returnReason?: string }>;
}

const act = (id: string, action: string, token: string, body: unknown) =>
  stack.call('POST', `/payout-batches/${id}/${action}`, { token, body });

const lastHistory = (batch: { history: Array<{ by: string; action: string; reason: string }> }) => batch.history.at(-1);

describe('reject', () => {
  it('is the checker ending a planned batch: REJECTED, audited, and its people can be planned again', async () => {
    const period = nextPeriod();
    const batch = await plannedBatch(period);
    expect(batch).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: people } });

    const byMaker = await act(batch.id, 'reject', maker, { reason: '自己驳回' });
    expect([byMaker.status, byMaker.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const byCaseworker = await act(batch.id, 'reject', caseworker, { reason: '无权' });
    expect(byCaseworker.status).toBe(403);
    const noReason = await act(batch.id, 'reject', checker, {});
    expect([noReason.status, noReason.body.error.details[0].path]).toEqual([400, 'reason']);
    expect((await view(batch.id)).status).toBe('PENDING_APPROVAL');

    const rejected = await act(batch.id, 'reject', checker, { reason: '名单需复核' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual({ id: batch.id, status: 'REJECTED', claimsReleased: people });
    const after = await view(batch.id);
    expect(after.status).toBe('REJECTED');
    expect(lastHistory(after)).toMatchObject({ by: 'finance-checker', action: 'REJECTED', reason: '名单需复核', at: expect.any(String) });

    // Claims released: a new batch for the same program and period plans every one of them.
    const again = await plannedBatch(period);
    expect(again).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: people }, skipped: { alreadyPlannedOrPaid: 0 } });

    const twice = await act(batch.id, 'reject', checker, { reason: '再次' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'INVALID_STATE']);
    const approveRejected = await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker });
    expect(approveRejected.status).toBe(409);
  });
});

describe('cancel', () => {
  it('ends a batch before its bank files are released and frees its people; never after PAID_OUT', async () => {
    const period = nextPeriod();
    const batch = await plannedBatch(period);
    const cancelled = await act(batch.id, 'cancel', maker, { reason: '标准调整，本批作废' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ id: batch.id, status: 'CANCELLED', claimsReleased: people });
    expect(lastHistory(await view(batch.id))).toMatchObject({ by: 'finance-maker', action: 'CANCELLED', reason: '标准调整，本批作废' });
    const cancelledAgain = await act(batch.id, 'cancel', maker, { reason: '再次' });
    expect(cancelledAgain.status).toBe(409);

    const paid = await paidOutBatch(period);
    expect(paid).toMatchObject({ status: 'PAID_OUT', planned: { count: people } });
    const late = await act(paid.id, 'cancel', checker, { reason: '太晚了' });
    expect([late.status, late.body.error.code]).toEqual([409, 'INVALID_STATE']);
    expect(late.body.error.message).toContain("money comes back only through the bank's status report");
    expect((await view(paid.id)).status).toBe('PAID_OUT');
    expect((await payments(paid.id)).every((p) => p.status === 'RECORDED')).toBe(true);
  });
});

describe('retry', () => {
  it('re-runs a failed bank-file step without the excluded payments, after a second approval by neither maker nor retrier', async () => {
    const period = nextPeriod();
    const batch = await plannedBatch(period);
    // Fault: one payment's amount no longer matches the approved plan, so the bank files refuse to be written.
    const [tampered] = await payments(batch.id);
    await documents().send(
      new UpdateCommand({
        TableName: tableName('payments'),
        Key: paymentKey({ batchId: batch.id }, tampered!.endToEndId),
        UpdateExpression: 'SET amountFen = :more',
        ExpressionAttributeValues: { ':more': 6_000 },
      }),
    );
    expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker })).status).toBe(202);
    const failed = await inStatus(batch.id, ['FAILED', 'PAID_OUT']);
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReason).toContain('bank files not written');

    const unknown = await act(batch.id, 'retry', checker, { reason: '剔除', excludeEndToEndIds: ['PS-NOT-IN-BATCH'] });
    expect([unknown.status, unknown.body.error.details[0].path]).toEqual([400, 'excludeEndToEndIds.0']);
    const retried = await act(batch.id, 'retry', checker, { reason: '金额不符的一笔剔除后重做', excludeEndToEndIds: [tampered!.endToEndId] });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ id: batch.id, status: 'PENDING_APPROVAL' });
    const pending = await view(batch.id);
    expect(pending).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: people - 1, totalFen: (people - 1) * 5_000 }, failureReason: null, approvedBy: null, retriedBy: 'finance-checker' });
    expect(pending.history.map((h: { action: string }) => h.action).slice(-2)).toEqual(['RETRY_REQUESTED', 'RETRIED']);
    expect(pending.history.at(-2)).toMatchObject({ by: 'finance-checker', reason: expect.stringContaining(tampered!.endToEndId) });

    const byMaker = await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: maker });
    expect([byMaker.status, byMaker.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const byRetrier = await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker });
    expect([byRetrier.status, byRetrier.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: thirdOfficer })).status).toBe(202);
    const paid = await inStatus(batch.id, ['PAID_OUT', 'FAILED']);
    expect(paid).toMatchObject({ status: 'PAID_OUT', planned: { count: people - 1 }, progress: { recorded: people - 1, failed: 0 } });
    const left = await payments(batch.id);
    expect(left).toHaveLength(people - 1);
    expect(left.some((p) => p.endToEndId === tampered!.endToEndId)).toBe(false);

    // The excluded person's claim was released: the next batch for the period plans exactly them.
    const next = await plannedBatch(period);
    expect(next).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: 1 }, skipped: { alreadyPlannedOrPaid: people - 1 } });
    expect((await payments(next.id))[0]!.recipientId).toBe(tampered!.recipientId);

    const notFailed = await act(batch.id, 'retry', checker, { reason: '再来' });
    expect([notFailed.status, notFailed.body.error.code]).toEqual([409, 'INVALID_STATE']);
  });
});

describe('retry of a batch that failed in planning', () => {
  it('plans it again, and refuses exclusions there is nothing to exclude from', async () => {
    const period = nextPeriod();
    const first = await plannedBatch(period);
    const second = await plannedBatch(period);
    expect(second).toMatchObject({ status: 'FAILED', planned: { count: 0 }, failureReason: expect.stringContaining('nothing to pay') });
    const withExclusion = await act(second.id, 'retry', checker, { reason: '重做', excludeEndToEndIds: ['X'] });
    expect([withExclusion.status, withExclusion.body.error.details[0].path]).toEqual([400, 'excludeEndToEndIds']);

    await act(first.id, 'reject', checker, { reason: '重复批次，驳回' });
    const retried = await act(second.id, 'retry', maker, { reason: '前一批已驳回，重新生成' });
    expect(retried.body).toEqual({ id: second.id, status: 'PLANNING' });
    const replanned = await inStatus(second.id, ['PENDING_APPROVAL', 'FAILED']);
    expect(replanned).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: people } });
    // The maker asked for the retry: approval still needs a second officer.
    expect((await stack.call('POST', `/payout-batches/${second.id}/approve`, { token: maker })).status).toBe(403);
  });
});

describe("a step's last allowed receive", () => {
  it('marks a PAYING batch FAILED with the reason on the record, which can then be cancelled', async () => {
    const period = nextPeriod();
    const batch = await plannedBatch(period);
    // Fault: a payment of the only chunk disappears, so recording the chunk fails on every receive.
    const [gone] = await payments(batch.id);
    await documents().send(new DeleteCommand({ TableName: tableName('payments'), Key: paymentKey({ batchId: batch.id }, gone!.endToEndId) }));
    expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker })).status).toBe(202);
    const failed = await inStatus(batch.id, ['FAILED', 'PAID_OUT'], 60_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReason).toMatch(/^chunk 0 failed 5 times: chunk 0 of pb_\w+: 39 payments found, 40 planned$/);
    const stored = await documents().send(new GetCommand({ TableName: tableName('payoutBatches'), Key: { batchId: batch.id }, ConsistentRead: true }));
    expect(stored.Item?.lastFailure).toMatchObject({ receiveCount: 5, reason: expect.stringContaining('39 payments found') });

    const cancelled = await act(batch.id, 'cancel', checker, { reason: '数据损坏，作废重做' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', claimsReleased: people - 1 });
  });
});

describe('whole-file return', () => {
  const rejection = (orgnlMsgId: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>RPT-DUPL</MsgId><CreDtTm>2027-01-05T10:00:00+08:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>${orgnlMsgId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>RJCT</GrpSts>
<StsRsnInf><Rsn><Cd>DUPL</Cd></Rsn><AddtlInf>duplicate file</AddtlInf></StsRsnInf></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>`;

  async function postReport(batchId: string, body: string, contentType = 'application/xml') {
    const posted = await stack.call('POST', `/payout-batches/${batchId}/bank-results`, { token: maker, rawBody: body, contentType });
    expect(posted.status).toBe(202);
    return eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batchId}/bank-results/${posted.body.reportId}`, { token: maker });
      return r.body.status === 'APPLYING' ? undefined : r.body;
    }, 30_000, 'report applied');
  }

  it('applies a report rejecting the whole file as every payment returned, once, audited', async () => {
    const period = nextPeriod();
    const paid = await paidOutBatch(period);
    expect(paid.status).toBe('PAID_OUT');

    const csv = await postReport(paid.id, 'endToEndId,status,reason\nPS-UNKNOWN,ACSC,', 'text/csv');
    const notWhole = await act(paid.id, `bank-results/${csv.reportId}/return-all`, maker, { reason: '试试' });
    expect([notWhole.status, notWhole.body.error.code]).toEqual([409, 'INVALID_STATE']);

    const otherFile = await postReport(paid.id, rejection('pb_some_other_batch'));
    expect(otherFile.wholeFileRejection).toBe(true);
    const wrongFile = await act(paid.id, `bank-results/${otherFile.reportId}/return-all`, maker, { reason: '银行退回' });
    expect([wrongFile.status, wrongFile.body.error.message]).toEqual([409, expect.stringContaining('not this batch')]);

    const report = await postReport(paid.id, rejection(paid.id));
    expect(report).toMatchObject({ status: 'APPLIED', entries: 0, settled: 0, returned: 0, wholeFileRejection: true, returnAll: null });
    expect((await view(paid.id)).status).toBe('PAID_OUT');

    const byCaseworker = await act(paid.id, `bank-results/${report.reportId}/return-all`, caseworker, { reason: '无权' });
    expect(byCaseworker.status).toBe(403);
    const returned = await act(paid.id, `bank-results/${report.reportId}/return-all`, maker, { reason: '银行以重复文件整批退回' });
    expect(returned.status).toBe(202);
    expect(returned.body).toEqual({ reportId: report.reportId, status: 'APPLYING' });

    const reconciled = await inStatus(paid.id, ['RECONCILED']);
    expect(reconciled.reconciliation).toEqual({ settled: 0, returned: people, pending: 0 });
    expect(reconciled.history.map((h: { action: string }) => h.action)).toContain('WHOLE_FILE_RETURNED');
    expect(reconciled.history.find((h: { action: string }) => h.action === 'WHOLE_FILE_RETURNED')).toMatchObject({
      by: 'finance-maker',
      reason: expect.stringContaining('银行以重复文件整批退回'),
    });
    const all = await payments(paid.id);
    expect(all.every((p) => p.status === 'RETURNED' && p.returnReason?.includes('(DUPL)'))).toBe(true);
    const applied = (await stack.call('GET', `/payout-batches/${paid.id}/bank-results/${report.reportId}`, { token: maker })).body;
    expect(applied).toMatchObject({ status: 'APPLIED', returned: people, returnAll: { by: 'finance-maker', at: expect.any(String) } });

    const again = await act(paid.id, `bank-results/${report.reportId}/return-all`, maker, { reason: '再次' });
    expect(again.status).toBe(409);
    // Every claim released: the period can be paid again in a new batch.
    expect(await plannedBatch(period)).toMatchObject({ planned: { count: people } });
  });
});

describe('claims of an ended batch', () => {
  it('are all released even when nothing else remembers them (every claim row points back to RELEASED)', async () => {
    const period = nextPeriod();
    const batch = await plannedBatch(period);
    await act(batch.id, 'reject', checker, { reason: '驳回' });
    const claims = await documents().send(
      new QueryCommand({
        TableName: tableName('payments'),
        KeyConditionExpression: 'batchShard = :b',
        ExpressionAttributeValues: { ':b': paymentShardKey(batch.id, 0) },
        ProjectionExpression: 'claimKey',
      }),
    );
    for (const { claimKey } of claims.Items ?? []) {
      const claim = await documents().send(new GetCommand({ TableName: tableName('payoutClaims'), Key: { claimKey } }));
      expect(claim.Item).toMatchObject({ claimStatus: 'RELEASED', batchId: batch.id });
    }
    expect(claims.Items).toHaveLength(people);
  });
});
