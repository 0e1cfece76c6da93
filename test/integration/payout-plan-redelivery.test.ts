// The plan-redelivery race, caused on purpose: SQS delivers a batch's plan message again while
// the first planner still works (its visibility timeout ran out). The second planner read the
// batch while it was PLANNING, and writes its payments after the first planner finished and the
// batch was approved and paid out. Nothing it does may change what was paid.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { beforeDynamoDbCommand, writeCommands } from '../support/dynamodb-hooks.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { currentDelivery, eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let maker: string;
let checker: string;
const recipients = 60; // three planning transactions of 25, 25 and 10

beforeAll(async () => {
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const lines = Array.from({ length: recipients }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(n), 'DIBAO', '真州镇', '90000', '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
  );
  const created = await stack.call('POST', '/recipients/imports', {
    token: reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  expect(created.status).toBe(202);
  const done = await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'RUNNING' ? undefined : r.body;
  }, undefined, 'the registry import');
  expect(done).toMatchObject({ status: 'COMPLETED', imported: recipients });
});
afterAll(async () => stack?.stop());

async function batchInStatus(id: string, statuses: string[]) {
  return eventually(async () => {
    const r = await stack.call('GET', `/payout-batches/${id}`, { token: maker });
    return statuses.includes(r.body.status) ? r.body : undefined;
  }, undefined, `batch ${id} in ${statuses.join('/')}`);
}

async function payments(id: string) {
  const r = await stack.call('GET', `/payout-batches/${id}/payments?limit=500`, { token: maker });
  expect(r.status).toBe(200);
  return r.body.items as Array<{ endToEndId: string; recipientId: string; amountFen: number; status: string }>;
}

// Failed on the code before issue 9 (planning rewrote payments unconditionally); fixed there.
it('a plan message delivered again while planning runs changes nothing that was paid', async () => {
  const twice = stack.deliverConcurrently('payoutPlans', (body) => body.kind === 'plan', 2);
  // Order the two planners: the second reads the batch before the first writes anything, then
  // stops before its first write until the batch is paid out.
  let secondWrote!: () => void;
  const secondReachedAWrite = new Promise<void>((resolve) => (secondWrote = resolve));
  let release!: () => void;
  const secondMayWrite = new Promise<void>((resolve) => (release = resolve));
  const removeHook = beforeDynamoDbCommand(async ({ name }) => {
    const delivery = currentDelivery();
    if (delivery?.queue !== 'payoutPlans' || !writeCommands.has(name)) return;
    if (delivery.copy === 1) await Promise.race([secondReachedAWrite, twice.copyFinished(2)]);
    if (delivery.copy === 2) {
      secondWrote();
      await secondMayWrite;
    }
  });
  try {
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'PRICE_SUBSIDY', period: '2026-12', title: '价格临时补贴', categories: ['DIBAO'], perPersonFen: 5_000 },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const planned = await batchInStatus(id, ['PENDING_APPROVAL', 'FAILED']);
    expect(planned).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: recipients, totalFen: recipients * 5_000 } });
    expect((await stack.call('POST', `/payout-batches/${id}/approve`, { token: checker })).status).toBe(202);
    const paid = await batchInStatus(id, ['PAID_OUT', 'FAILED']);
    expect(paid).toMatchObject({ status: 'PAID_OUT', progress: { recorded: recipients, failed: 0 } });
    const paidPayments = await payments(id);
    expect(paidPayments.map((p) => p.status)).toEqual(Array(recipients).fill('RECORDED'));

    release();
    const outcomes = await twice.finished();
    expect(outcomes.map((o) => o.copy)).toEqual([1, 2]);

    // What was paid stays paid, once, and the batch's record is unchanged.
    expect(await payments(id)).toEqual(paidPayments);
    const after = (await stack.call('GET', `/payout-batches/${id}`, { token: maker })).body;
    expect(after).toMatchObject({ status: 'PAID_OUT', planned: paid.planned, progress: paid.progress });
    expect(after.history).toEqual(paid.history);
  } finally {
    release();
    removeHook();
  }
});

// Issue 14: planning fans out as one message per segment; every segment message comes three
// times at once (a redelivery and two duplicates), and the plan message twice.
it('segment messages delivered three times at once plan each person once, and the batch leaves PLANNING once', async () => {
  const plans = stack.deliverConcurrently('payoutPlans', (body) => body.kind === 'plan', 2);
  const segments = Array.from({ length: 8 }, () => stack.deliverConcurrently('payoutPlans', (body) => body.kind === 'planSegment', 3));
  const created = await stack.call('POST', '/payout-batches', {
    token: maker,
    body: { program: 'ONE_TIME_LIVING', period: '2026-12', title: '一次性生活补贴', categories: ['DIBAO'], perPersonFen: 20_000 },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await plans.finished();
  const outcomes = (await Promise.all(segments.map((s) => s.finished()))).flat();
  // A receive that meets a later receive of its own message holding the segment leaves the
  // message to it (SupersededReceiveError, shared/adapters/lease.ts); nothing else fails.
  const causes = outcomes.flatMap((o) => (o.error ? ((o.error as Error & { recordErrors?: Error[] }).recordErrors ?? [o.error]) : []));
  expect(causes.filter((cause) => cause.name !== 'SupersededReceiveError')).toEqual([]);
  const planned = await batchInStatus(id, ['PENDING_APPROVAL', 'FAILED']);
  expect(planned).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: recipients, totalFen: recipients * 20_000 } });
  expect(planned.history.filter((h: { action: string }) => h.action === 'PLANNED')).toHaveLength(1);
  const stored = await payments(id);
  expect(stored).toHaveLength(recipients);
  expect(new Set(stored.map((p) => p.recipientId)).size).toBe(recipients);
});
