import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

// Additions to the contract for the finance console: GET /payout-batches (filters: status, program,
// period; paged) and GET /payout-batches/{id}/payments?status=RETURNED from a sparse index (the
// returned payees and whether the next batch will pay them). Both read by Query on an index: the grant guard fails this file if either
// function scans (their topology entries grant Query on the indexes only).
let stack: TestStack;
let maker: string;
let checker: string;
let caseworker: string;
const people = 12;

beforeAll(async () => {
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
  caseworker = await stack.token('caseworker', 'caseworker-1');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const lines = Array.from({ length: people }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(900 + n, '19600101'), 'DIBAO', '真州镇', '90000', '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
  );
  const created = await stack.call('POST', '/recipients/imports', {
    token: reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'COMPLETED' ? r.body : undefined;
  });
});
afterAll(async () => stack?.stop());

async function view(id: string) {
  return (await stack.call('GET', `/payout-batches/${id}`, { token: maker })).body;
}

async function inStatus(id: string, statuses: string[]) {
  return eventually(async () => {
    const body = await view(id);
    return statuses.includes(body.status) ? body : undefined;
  }, 40_000, `batch ${id} in ${statuses.join('/')}`);
}

async function plannedBatch(program: 'PRICE_SUBSIDY' | 'ONE_TIME_LIVING', period: string) {
  const created = await stack.call('POST', '/payout-batches', {
    token: maker,
    body: { program, period, title: `${program} ${period}`, categories: ['DIBAO'], perPersonFen: 5_000 },
  });
  expect(created.status).toBe(201);
  return inStatus(created.body.id, ['PENDING_APPROVAL', 'FAILED']);
}

const list = async (query: string, token = maker) => stack.call('GET', `/payout-batches${query ? `?${query}` : ''}`, { token });
const ids = (r: { body: { items: Array<{ id: string }> } }) => r.body.items.map((b) => b.id);

/** Every page of a list, following nextToken. */
async function allPages(path: string, limit: number) {
  const items: Array<Record<string, any>> = [];
  let nextToken: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await stack.call('GET', `${path}${sep}limit=${limit}${nextToken ? `&nextToken=${nextToken}` : ''}`, { token: maker });
    expect(r.status).toBe(200);
    items.push(...r.body.items);
    nextToken = r.body.nextToken;
    pages++;
  } while (nextToken);
  return { items, pages };
}

let paid: { id: string };
let pendingLiving: { id: string };
let pendingSubsidy: { id: string };
let returned: Array<{ endToEndId: string; recipientId: string }> = [];

describe('GET /payout-batches', () => {
  it('lists every batch, newest period first and newest batch first within a period, with plan and reconciliation', async () => {
    paid = await plannedBatch('PRICE_SUBSIDY', '2025-01');
    expect((await stack.call('POST', `/payout-batches/${paid.id}/approve`, { token: checker })).status).toBe(202);
    await inStatus(paid.id, ['PAID_OUT']);
    pendingLiving = await plannedBatch('ONE_TIME_LIVING', '2025-02');
    pendingSubsidy = await plannedBatch('PRICE_SUBSIDY', '2025-02');

    const all = await list('');
    expect(all.status).toBe(200);
    expect(ids(all)).toEqual([pendingSubsidy.id, pendingLiving.id, paid.id]);
    expect(all.body.nextToken).toBeNull();
    expect(all.body.items[2]).toEqual({
      id: paid.id,
      program: 'PRICE_SUBSIDY',
      period: '2025-01',
      title: 'PRICE_SUBSIDY 2025-01',
      status: 'PAID_OUT',
      planned: { count: people, totalFen: people * 5_000 },
      reconciliation: { settled: 0, returned: 0, pending: people },
      createdBy: 'finance-maker',
      createdAt: expect.any(String),
      approvedBy: 'finance-checker',
    });
  });

  it('filters by status, program and period, alone and together', async () => {
    expect(ids(await list('status=PENDING_APPROVAL'))).toEqual([pendingSubsidy.id, pendingLiving.id]);
    expect(ids(await list('status=PAID_OUT'))).toEqual([paid.id]);
    expect(ids(await list('status=RECONCILED'))).toEqual([]);
    expect(ids(await list('program=PRICE_SUBSIDY'))).toEqual([pendingSubsidy.id, paid.id]);
    expect(ids(await list('period=2025-02'))).toEqual([pendingSubsidy.id, pendingLiving.id]);
    expect(ids(await list('period=2025-01'))).toEqual([paid.id]);
    expect(ids(await list('status=PENDING_APPROVAL&program=ONE_TIME_LIVING'))).toEqual([pendingLiving.id]);
    expect(ids(await list('status=PENDING_APPROVAL&period=2025-01'))).toEqual([]);
    expect(ids(await list('status=PENDING_APPROVAL&program=PRICE_SUBSIDY&period=2025-02'))).toEqual([pendingSubsidy.id]);
  });

  it('pages with nextToken, bound to its filters; refuses bad filters naming them, and every role but finance', async () => {
    const paged = await allPages('/payout-batches', 1);
    expect(paged.items.map((b) => b.id)).toEqual([pendingSubsidy.id, pendingLiving.id, paid.id]);
    expect(paged.pages).toBeGreaterThanOrEqual(3);
    const filtered = await allPages('/payout-batches?program=PRICE_SUBSIDY', 1);
    expect(filtered.items.map((b) => b.id)).toEqual([pendingSubsidy.id, paid.id]);

    const first = await list('limit=1');
    const otherFilters = await list(`limit=1&status=PAID_OUT&nextToken=${first.body.nextToken}`);
    expect([otherFilters.status, otherFilters.body.error.details[0].path]).toEqual([400, 'nextToken']);

    const bad = await list('status=DONE&period=2025-13&program=X');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['period', 'program', 'status']);
    expect((await list('', caseworker)).status).toBe(403);
    expect((await list('', await stack.token('reviewer', 'reviewer-2'))).status).toBe(403);
  });
});

describe('GET /payout-batches/{id}/payments?status=RETURNED', () => {
  it('is empty before the bank has returned anything', async () => {
    const none = await stack.call('GET', `/payout-batches/${paid.id}/payments?status=RETURNED`, { token: maker });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ items: [], nextToken: null });
  });

  it("lists the bank's returns with their reasons, each READY for the next batch of the program and period", async () => {
    const payments = (await stack.call('GET', `/payout-batches/${paid.id}/payments?limit=500`, { token: maker })).body.items as Array<{ endToEndId: string; recipientId: string }>;
    returned = payments.slice(0, 2);
    const csv = [
      'endToEndId,status,reason',
      ...payments.map((p, i) => `${p.endToEndId},${i === 0 ? 'RJCT,AC04 closed account' : i === 1 ? 'RJCT,AC01 incorrect account number' : 'ACSC,'}`),
    ].join('\n');
    const posted = await stack.call('POST', `/payout-batches/${paid.id}/bank-results`, { token: maker, rawBody: csv, contentType: 'text/csv' });
    expect(posted.status).toBe(202);
    const reconciled = await inStatus(paid.id, ['RECONCILED']);
    expect(reconciled.reconciliation).toEqual({ settled: people - 2, returned: 2, pending: 0 });

    const r = await stack.call('GET', `/payout-batches/${paid.id}/payments?status=RETURNED`, { token: maker });
    expect(r.status).toBe(200);
    const byId = new Map(r.body.items.map((item: { endToEndId: string }) => [item.endToEndId, item]));
    expect(byId.get(returned[0]!.endToEndId)).toEqual({
      endToEndId: returned[0]!.endToEndId,
      recipientId: returned[0]!.recipientId,
      name: expect.stringMatching(/^居民\d+$/),
      bankName: '江苏银行',
      bankAccountMasked: expect.stringMatching(/^\*{12}\d{4}$/),
      amountFen: 5_000,
      status: 'RETURNED',
      returnedAt: expect.any(String),
      returnReason: 'AC04 closed account',
      next: { state: 'READY', batchId: null },
    });
    expect(byId.get(returned[1]!.endToEndId)).toMatchObject({ returnReason: 'AC01 incorrect account number', next: { state: 'READY' } });
    expect(r.body.items).toHaveLength(2);
    // Without the filter: every payment, in endToEndId order, the returns among them without `next`.
    const all = await allPages(`/payout-batches/${paid.id}/payments`, 500);
    expect(all.items.map((p) => p.endToEndId)).toEqual(payments.map((p) => p.endToEndId));
    expect(all.items.filter((p) => p.status === 'RETURNED').map((p) => [p.returnReason, p.next])).toEqual([
      ['AC04 closed account', undefined],
      ['AC01 incorrect account number', undefined],
    ]);
    // Paged like every list: one a page.
    const paged = await allPages(`/payout-batches/${paid.id}/payments?status=RETURNED`, 1);
    expect(paged.items.map((i) => i.endToEndId).sort()).toEqual(returned.map((p) => p.endToEndId).sort());
  });

  it('shows a returned payee PLANNED_AGAIN once the next batch for the program and period takes them', async () => {
    const next = await plannedBatch('PRICE_SUBSIDY', '2025-01');
    expect(next).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: 2 } });
    const r = await stack.call('GET', `/payout-batches/${paid.id}/payments?status=RETURNED`, { token: maker });
    expect(r.body.items.map((i: { next: unknown }) => i.next)).toEqual([
      { state: 'PLANNED_AGAIN', batchId: next.id },
      { state: 'PLANNED_AGAIN', batchId: next.id },
    ]);
    // Rejected by the checker: its claims are released, and the payees are ready again.
    expect((await stack.call('POST', `/payout-batches/${next.id}/reject`, { token: checker, body: { reason: '复核' } })).status).toBe(200);
    const again = await stack.call('GET', `/payout-batches/${paid.id}/payments?status=RETURNED`, { token: maker });
    expect(again.body.items.map((i: { next: { state: string } }) => i.next.state)).toEqual(['READY', 'READY']);
  });

  it('is 404 for a batch that does not exist and 403 for other roles', async () => {
    const missing = await stack.call('GET', '/payout-batches/pb_nosuchbatch/payments?status=RETURNED', { token: maker });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await stack.call('GET', `/payout-batches/${paid.id}/payments?status=RETURNED`, { token: caseworker })).status).toBe(403);
  });
});
