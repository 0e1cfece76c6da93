import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { transitionBatchFrom } from '../../shared/adapters/recovery-store.ts';
import { paymentKey } from '../../shared/domain/payouts/batch.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { recoverStalledWork } from '../../shared/usecases/recovery.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

// A batch whose payments are spread over several write shards (partition keys batchId#0 … #6),
// planned, listed page by page, paid, reconciled and recovered through the real local stack. The
// stack fixes every new batch's shard count (TUODI_PAYMENT_SHARDS, a local setting) so that 120
// people cover 7 shards; deployed, the count comes from the batch's estimated size.
const shards = 7;
const population = 120;
const benefit = (n: number) => 60_000 + (n % 5) * 1_000;

let stack: TestStack;
let maker: string;
let checker: string;

interface ListedPayment {
  endToEndId: string;
  recipientId: string;
  amountFen: number;
  status: string;
  returnReason?: string;
}

async function pagesOf(id: string, limit: number, status?: string) {
  const pages: ListedPayment[][] = [];
  let nextToken: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(limit), ...(status && { status }), ...(nextToken && { nextToken }) });
    const r = await stack.call('GET', `/payout-batches/${id}/payments?${query}`, { token: maker });
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    pages.push(r.body.items);
    nextToken = r.body.nextToken;
  } while (nextToken);
  return pages;
}

async function storedPayments(batchId: string) {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(new ScanCommand({ TableName: tableName('payments'), ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []).filter((item) => item.batchId === batchId));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

async function batchInStatus(id: string, statuses: string[], timeoutMs = 60_000) {
  return eventually(async () => {
    const r = await stack.call('GET', `/payout-batches/${id}`, { token: maker });
    return statuses.includes(r.body.status) ? r.body : undefined;
  }, timeoutMs, `batch ${id} in ${statuses.join('/')}`);
}

async function plannedBatch(body: Record<string, unknown>) {
  const created = await stack.call('POST', '/payout-batches', { token: maker, body });
  expect(created.status).toBe(201);
  return batchInStatus(created.body.id, ['PENDING_APPROVAL', 'FAILED']);
}

beforeAll(async () => {
  process.env.TUODI_PAYMENT_SHARDS = String(shards);
  stack = await startTestStack({ paymentsPerChunk: 25 });
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const lines = Array.from({ length: population }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(n, '19600101'), n % 2 ? 'DIBAO' : 'TEKUN', '真州镇', String(benefit(n)), '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
  );
  const created = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: [registryCsvColumns.join(','), ...lines].join('\n'), contentType: 'text/csv' });
  const done = await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return ['COMPLETED', 'FAILED'].includes(r.body?.status) ? r.body : undefined;
  }, 200_000, 'the registry import');
  expect(done).toMatchObject({ status: 'COMPLETED', imported: population });
}, 300_000);
afterAll(async () => {
  delete process.env.TUODI_PAYMENT_SHARDS;
  await stack?.stop();
});

describe('a batch over several write shards', () => {
  let batch: { id: string; planned: { count: number; totalFen: number } };
  let stored: Array<Record<string, unknown>>;
  const total = Array.from({ length: population }, (_, n) => benefit(n)).reduce((a, b) => a + b, 0);

  it('is planned with its shard count on the batch and each payment under its shard', async () => {
    batch = await plannedBatch({ program: 'MONTHLY_BENEFIT', period: '2026-05', title: '低保金 2026-05', categories: ['DIBAO', 'TEKUN'] });
    expect(batch).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: population, totalFen: total } });
    const record = await documents().send(new GetCommand({ TableName: tableName('payoutBatches'), Key: { batchId: batch.id }, ConsistentRead: true }));
    expect(record.Item).toMatchObject({ paymentShards: shards });
    stored = await storedPayments(batch.id);
    expect(stored).toHaveLength(population);
    for (const p of stored) expect(p.batchShard).toBe(paymentKey({ batchId: batch.id, paymentShards: shards }, p.endToEndId as string).batchShard);
    expect(new Set(stored.map((p) => p.batchShard)).size).toBe(shards);
  });

  it('is listed page by page in endToEndId order, every payment once, whatever the page size', async () => {
    const all = stored.map((p) => p.endToEndId as string).sort();
    for (const limit of [1, 7, 50, 500]) {
      const pages = await pagesOf(batch.id, limit);
      const listed = pages.flat().map((p) => p.endToEndId);
      expect(listed, `limit ${limit}`).toEqual(all);
    }
    // A filter reads every shard too (here: every payment is PLANNED, none RECORDED yet).
    expect((await pagesOf(batch.id, 13, 'PLANNED')).flat().map((p) => p.endToEndId)).toEqual(all);
    expect((await pagesOf(batch.id, 13, 'RECORDED')).flat()).toEqual([]);
  });

  it('is paid out once: each chunk reads its range from every shard into the bank files', async () => {
    expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker })).status).toBe(202);
    const paid = await batchInStatus(batch.id, ['PAID_OUT', 'FAILED']);
    expect(paid).toMatchObject({ status: 'PAID_OUT', progress: { recorded: population, failed: 0 } });
    const listed = (await pagesOf(batch.id, 17, 'RECORDED')).flat();
    expect(listed).toHaveLength(population);
    expect(new Set(listed.map((p) => p.recipientId)).size).toBe(population);
    expect(listed.reduce((sum, p) => sum + p.amountFen, 0)).toBe(total);
    const csv = await (await fetch(paid.files.csvUrl)).text();
    expect(csv.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(population + 1);
  });

  async function applied(csvLines: string[]) {
    const csv = ['endToEndId,status,reason', ...csvLines].join('\n');
    const posted = await stack.call('POST', `/payout-batches/${batch.id}/bank-results`, { token: maker, rawBody: csv, contentType: 'text/csv' });
    expect(posted.status).toBe(202);
    return eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batch.id}/bank-results/${posted.body.reportId}`, { token: maker });
      return r.body.status === 'APPLIED' ? r.body : undefined;
    });
  }

  it('is reconciled from bank reports naming payments of every shard, a sparse status listed in order', async () => {
    const payments = (await pagesOf(batch.id, 500)).flat();
    const early = payments.filter((_, i) => i % 10 === 0);
    const returned = payments.filter((_, i) => i % 40 === 3);
    expect(await applied(early.map((p) => `${p.endToEndId},ACSC,`))).toMatchObject({ settled: early.length, unknownCount: 0 });
    // Few payments match: a page reads each shard only part way, and lists nothing past the lowest point read.
    for (const limit of [20, 3]) {
      expect((await pagesOf(batch.id, limit, 'SETTLED')).flat().map((p) => p.endToEndId), `limit ${limit}`).toEqual(early.map((p) => p.endToEndId));
    }
    const rest = payments.filter((p) => !early.includes(p));
    const report = await applied(rest.map((p) => (returned.includes(p) ? `${p.endToEndId},RJCT,AC04 closed account` : `${p.endToEndId},ACSC,`)));
    expect(report).toMatchObject({ settled: rest.length - returned.length, returned: returned.length, unknownCount: 0 });
    const view = await batchInStatus(batch.id, ['RECONCILED']);
    expect(view.reconciliation).toEqual({ settled: population - returned.length, returned: returned.length, pending: 0 });
    const listedReturns = (await pagesOf(batch.id, 2, 'RETURNED')).flat();
    expect(listedReturns.map((p) => p.endToEndId).sort()).toEqual(returned.map((p) => p.endToEndId).sort());
    // The returned people, and only they, are planned again for the period.
    const again = await plannedBatch({ program: 'MONTHLY_BENEFIT', period: '2026-05', title: 'reissue', categories: ['DIBAO', 'TEKUN'] });
    expect(again).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: returned.length } });
    expect((await pagesOf(again.id, 50)).flat().map((p) => p.recipientId).sort()).toEqual(returned.map((p) => p.recipientId).sort());
    await stack.call('POST', `/payout-batches/${again.id}/reject`, { token: checker, body: { reason: 'test done' } });
  });

  it('PAYING whose messages were lost is paid out by the sweeper, every payment once', async () => {
    const lost = await plannedBatch({ program: 'ONE_TIME_LIVING', period: '2026-05', title: '一次性生活补贴', categories: ['DIBAO', 'TEKUN'], perPersonFen: 20_000 });
    expect(lost.planned).toEqual({ count: population, totalFen: population * 20_000 });
    // The approval was stored, then the process died before the dispatch message was sent.
    const at = new Date().toISOString();
    expect(await transitionBatchFrom(lost.id, ['PENDING_APPROVAL'], 'PAYING', { at, by: 'finance-checker', action: 'APPROVED', reason: 'approved' }, { set: { approvedBy: 'finance-checker' } })).toBe(true);
    expect((await recoverStalledWork(new Date(), { staleAfterMs: 0 })).chunks).toBe(Math.ceil(population / 25));
    const paid = await batchInStatus(lost.id, ['PAID_OUT', 'FAILED']);
    expect(paid).toMatchObject({ status: 'PAID_OUT', progress: { recorded: population, failed: 0 } });
    const listed = (await pagesOf(lost.id, 500, 'RECORDED')).flat();
    expect(new Set(listed.map((p) => p.endToEndId)).size).toBe(population);
  });

  it('rejected, releases the claims of every shard, so the same people can be planned again', async () => {
    const first = await plannedBatch({ program: 'PRICE_SUBSIDY', period: '2026-05', title: '价格补贴', categories: ['DIBAO', 'TEKUN'], perPersonFen: 5_000 });
    expect(first.planned.count).toBe(population);
    const rejected = await stack.call('POST', `/payout-batches/${first.id}/reject`, { token: checker, body: { reason: '金额有误' } });
    expect(rejected.body).toMatchObject({ status: 'REJECTED', claimsReleased: population });
    const second = await plannedBatch({ program: 'PRICE_SUBSIDY', period: '2026-05', title: '价格补贴 (重做)', categories: ['DIBAO', 'TEKUN'], perPersonFen: 5_000 });
    expect(second).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: population, totalFen: population * 5_000 } });
  });
});
