// Issue 9, findings 1 and 2: overlapping imports and duplicate planners must never pay a person twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { planBatch } from '../../shared/usecases/payout-planning.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

let stack: TestStack;
let reviewer: string;
let maker: string;
let checker: string;

const person = (n: number) => validIdNumber(n % 1000, `19${60 + Math.floor(n / 1000)}0101`);
const csvOf = (people: number[]) =>
  [
    registryCsvColumns.join(','),
    ...people.map((n) => [`HH-${n}`, `居民${n}`, person(n), 'DIBAO', '真州镇', '80000', '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(',')),
  ].join('\n');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function finishedImport(importId: string) {
  return eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${importId}`, { token: reviewer });
    return ['COMPLETED', 'FAILED'].includes(r.body?.status) ? r.body : undefined;
  }, 150_000, `import ${importId}`);
}

async function batchIn(id: string, statuses: string[]) {
  return eventually(async () => {
    const r = await stack.call('GET', `/payout-batches/${id}`, { token: maker });
    return statuses.includes(r.body.status) ? r.body : undefined;
  }, 150_000, `batch ${id} in ${statuses.join('/')}`);
}

async function scan(table: 'payments' | 'payoutClaims' | 'recipients') {
  const items: Array<Record<string, any>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(new ScanCommand({ TableName: tableName(table), ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

beforeAll(async () => {
  stack = await startTestStack();
  reviewer = await stack.token('reviewer', 'reviewer-1');
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
});
afterAll(async () => stack?.stop());

describe('two overlapping imports posted at once', () => {
  it('hold each shared person once: the first to commit wins, the other rejects the line by number', async () => {
    // A: people 0..119, B: people 60..179; 60 people in both, posted together.
    const [a, b] = await Promise.all([
      stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csvOf(range(0, 120)), contentType: 'text/csv' }),
      stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csvOf(range(60, 180)), contentType: 'text/csv' }),
    ]);
    const [doneA, doneB] = await Promise.all([finishedImport(a.body.importId), finishedImport(b.body.importId)]);
    expect(doneA.status).toBe('COMPLETED');
    expect(doneB.status).toBe('COMPLETED');
    // Everyone is held exactly once between the two imports.
    expect(doneA.imported + doneB.imported).toBe(180);
    expect(doneA.rejectedCount + doneB.rejectedCount).toBe(60);
    for (const rejection of [...doneA.rejected, ...doneB.rejected]) expect(rejection.message).toBe('idNumber: already in the registry');
    // A rejected line of B is line (n - 60) + 2 for person n; it names a person A holds, and vice versa.
    const records = new Map((await scan('recipients')).map((r) => [r.idNumber as string, r]));
    expect(records.size).toBe(180);
    for (const { line } of doneB.rejected) expect(records.get(person(60 + line - 2))!.importId).toBe(a.body.importId);
    for (const { line } of doneA.rejected) expect(records.get(person(line - 2))!.importId).toBe(b.body.importId);
    // recipientIds are distinct per person.
    expect(new Set([...records.values()].map((r) => r.recipientId)).size).toBe(180);
  }, 300_000);

  it('a batch then plans each person once, and a second batch for the same program and period plans no one', async () => {
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'PRICE_SUBSIDY', period: '2026-11', title: '价格临时补贴', categories: ['DIBAO'], perPersonFen: 5000 },
    });
    const planned = await batchIn(created.body.id, ['PENDING_APPROVAL', 'FAILED']);
    expect(planned.planned).toEqual({ count: 180, totalFen: 180 * 5000 });
    const second = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'PRICE_SUBSIDY', period: '2026-11', title: '重复', categories: ['DIBAO'], perPersonFen: 5000 },
    });
    const none = await batchIn(second.body.id, ['PENDING_APPROVAL', 'FAILED']);
    expect(none.status).toBe('FAILED');
    expect(none.skipped.alreadyPlannedOrPaid).toBe(180);
  }, 300_000);
});

describe('duplicate planners of one batch', () => {
  it('run at once: every person planned once, totals counted once', async () => {
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'ONE_TIME_LIVING', period: '2026-11', title: '一次性生活补贴', categories: ['DIBAO'], perPersonFen: 20000 },
    });
    // Two more planners beside the queue's own.
    const outcomes = await Promise.all([planBatch(created.body.id, new Date()), planBatch(created.body.id, new Date())]);
    expect(outcomes.filter((o) => o === 'PENDING_APPROVAL').length).toBeLessThanOrEqual(1);
    const planned = await batchIn(created.body.id, ['PENDING_APPROVAL']);
    expect(planned.planned).toEqual({ count: 180, totalFen: 180 * 20000 });
    const payments = (await scan('payments')).filter((p) => p.batchId === created.body.id);
    expect(payments).toHaveLength(180);
    const claims = (await scan('payoutClaims')).filter((c) => c.claimKey.startsWith('ONE_TIME_LIVING#2026-11#'));
    expect(claims).toHaveLength(180);
    expect(claims.every((c) => c.batchId === created.body.id)).toBe(true);
  }, 300_000);

  it('a late planner of a batch already paid out turns no RECORDED payment back to PLANNED', async () => {
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'MONTHLY_BENEFIT', period: '2026-11', title: '低保金', categories: ['DIBAO'] },
    });
    await batchIn(created.body.id, ['PENDING_APPROVAL']);
    expect((await stack.call('POST', `/payout-batches/${created.body.id}/approve`, { token: checker })).status).toBe(202);
    const paid = await batchIn(created.body.id, ['PAID_OUT']);
    // A planner that read the batch while it was still PLANNING (a redelivered plan message) goes on now.
    await documents().send(
      new UpdateCommand({ TableName: tableName('payoutBatches'), Key: { batchId: created.body.id }, UpdateExpression: 'SET #s = :p', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': 'PLANNING' } }),
    );
    await planBatch(created.body.id, new Date());
    const payments = (await scan('payments')).filter((p) => p.batchId === created.body.id);
    expect(payments).toHaveLength(paid.planned.count);
    expect(payments.filter((p) => p.status !== 'RECORDED')).toEqual([]);
    expect(payments.reduce((sum, p) => sum + p.amountFen, 0)).toBe(paid.planned.totalFen);
  }, 300_000);
});

describe('change of payee (issue 9, finding 4)', () => {
  it('is asked by one officer and confirmed by another, audited, and later batches pay the new account', async () => {
    const caseworker = await stack.token('caseworker', 'caseworker-1');
    const idNumber = person(3);
    const asked = await stack.call('POST', '/recipients/payee-changes', {
      token: caseworker,
      body: { idNumber, bankName: '中国银行', bankAccount: '6216600000000001', reason: '原账户已销户 (AC04)' },
    });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'REQUESTED', bankName: '中国银行', bankAccountMasked: expect.stringMatching(/0001$/), requestedBy: 'caseworker-1' });
    const again = await stack.call('POST', '/recipients/payee-changes', {
      token: reviewer,
      body: { idNumber, bankName: '农业银行', bankAccount: '6228000000000002', reason: '再次' },
    });
    expect([again.status, again.body.error.code]).toEqual([409, 'CONFLICT']);
    const confirmBody = { idNumber, changeId: asked.body.changeId, reason: '核实新账户' };
    const selfConfirm = await stack.call('POST', '/recipients/payee-changes/confirmations', {
      token: await stack.token('reviewer', 'caseworker-1'),
      body: confirmBody,
    });
    expect([selfConfirm.status, selfConfirm.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const confirmed = await stack.call('POST', '/recipients/payee-changes/confirmations', { token: reviewer, body: confirmBody });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'CONFIRMED', confirmedBy: 'reviewer-1' });
    const record = (await scan('recipients')).find((r) => r.idNumber === idNumber)!;
    expect(record).toMatchObject({ bankName: '中国银行', bankAccount: '6216600000000001' });
    expect(record.pendingPayeeChange).toBeUndefined();
    expect(record.history.map((h: { action: string; by: string }) => `${h.action} ${h.by}`)).toEqual(
      expect.arrayContaining(['PAYEE_CHANGE_REQUESTED caseworker-1', 'PAYEE_CHANGED reviewer-1']),
    );
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'PRICE_SUBSIDY', period: '2026-10', title: '价格临时补贴', categories: ['DIBAO'], perPersonFen: 5000 },
    });
    await batchIn(created.body.id, ['PENDING_APPROVAL']);
    const payment = (await scan('payments')).find((p) => p.batchId === created.body.id && p.recipientId === record.recipientId)!;
    expect(payment).toMatchObject({ bankName: '中国银行', bankAccount: '6216600000000001' });
  }, 300_000);
});
