// Chaos seed 13, made a test for every leased worker: a worker that dies right after its lease was
// taken (the acquire applied, its answer lost) leaves the lease held by no one alive. The retry of
// its own message must take the lease over at once and finish the work. Before the fix the retry
// found the lease "held elsewhere", succeeded without working and its message was deleted: the
// import stayed RUNNING until the lease expired (the function's timeout) and the sweeper came.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import type { QueueName } from '../../shared/topology.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { aroundAdapterCalls, InjectedFault, type AdapterCall } from './faults.ts';

const leasedQueues: QueueName[] = ['recipientImports', 'payoutPlans', 'payoutChunks', 'payoutFiles', 'bankResults'];

/** A lease acquire (shared/adapters/lease.ts acquireLease), told from renewals and releases by its update. */
const isAcquire = (call: AdapterCall) =>
  call.name === 'UpdateItemCommand' && String(call.input?.UpdateExpression ?? '').startsWith('SET #leaseOwner = :leaseOwner');
const leaseOf = (call: AdapterCall) => `${call.input.TableName} ${JSON.stringify(call.input.Key)} ${call.input.ExpressionAttributeNames['#leaseOwner']}`;

/** Per queue: the lease its first acquire took before the worker "died", and what each later acquire of that lease did. */
const died = new Map<QueueName, { lease: string; later: Array<'taken' | 'refused'> }>();
let stack: TestStack;
let uninstall: () => void;

beforeAll(async () => {
  stack = await startTestStack();
  uninstall = aroundAdapterCalls(async (call, send) => {
    const queue = call.delivery?.queue;
    if (!queue || !leasedQueues.includes(queue) || !isAcquire(call)) return send();
    const lease = leaseOf(call);
    const dead = died.get(queue);
    if (!dead) {
      died.set(queue, { lease, later: [] });
      await send();
      throw new InjectedFault(`injected: the ${queue} worker died after taking its lease`);
    }
    if (dead.lease !== lease) return send();
    try {
      const result = await send();
      dead.later.push('taken');
      return result;
    } catch (error) {
      dead.later.push('refused');
      throw error;
    }
  });
});
afterAll(async () => {
  uninstall?.();
  await stack?.stop();
});

function lastMonth(): string {
  const china = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const people = 6;
const csv = [
  registryCsvColumns.join(','),
  ...Array.from({ length: people }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(n, '19500101'), 'DIBAO', '真州镇', '80000', '2022-03-01', '江苏银行', `62284801${String(n).padStart(8, '0')}`].join(','),
  ),
].join('\n');

it('a worker that died holding its lease: the retry of its message takes the lease over and finishes (imports, planning, paying, bank files, bank results)', async () => {
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const maker = await stack.token('finance', 'finance-maker');
  const checker = await stack.token('finance', 'finance-checker');

  const posted = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv, contentType: 'text/csv' });
  expect(posted.status).toBe(202);
  const imported = await eventually(async () => {
    const view = (await stack.call('GET', `/recipients/imports/${posted.body.importId}`, { token: reviewer })).body;
    return view.status === 'RUNNING' ? undefined : view;
  }, undefined, 'the import whose first worker died holding its lease');
  expect(imported).toMatchObject({ status: 'COMPLETED', imported: people });

  const body = { program: 'PRICE_SUBSIDY', period: lastMonth(), title: 'died holding its lease', categories: ['DIBAO'], perPersonFen: 5_000 };
  const created = await stack.call('POST', '/payout-batches', { token: maker, body });
  expect(created.status).toBe(201);
  const batchId = created.body.id as string;
  const batch = (leave: string[]) =>
    eventually(async () => {
      const view = (await stack.call('GET', `/payout-batches/${batchId}`, { token: maker })).body;
      return leave.includes(view.status) ? undefined : view;
    }, undefined, `the batch to leave ${leave.join('/')}`);
  expect(await batch(['PLANNING'])).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: people, totalFen: people * 5_000 } });
  expect((await stack.call('POST', `/payout-batches/${batchId}/approve`, { token: checker })).status).toBe(202);
  expect(await batch(['PAYING'])).toMatchObject({ status: 'PAID_OUT', progress: { recorded: people } });

  const payments = (await stack.call('GET', `/payout-batches/${batchId}/payments?limit=100`, { token: maker })).body.items as Array<{ endToEndId: string }>;
  const report = ['endToEndId,status,reason', ...payments.map((p) => `${p.endToEndId},ACSC,`)].join('\n');
  const reported = await stack.call('POST', `/payout-batches/${batchId}/bank-results`, { token: maker, rawBody: report, contentType: 'text/csv' });
  expect(reported.status).toBe(202);
  const applied = await eventually(async () => {
    const view = (await stack.call('GET', `/payout-batches/${batchId}/bank-results/${reported.body.reportId}`, { token: maker })).body;
    return view.status === 'APPLYING' ? undefined : view;
  }, undefined, 'the bank report');
  expect(applied).toMatchObject({ status: 'APPLIED', settled: people });
  expect(await batch(['PAID_OUT'])).toMatchObject({ status: 'RECONCILED' });

  // Every leased worker died once, and the next acquire of that lease (the retry) took it at once
  // rather than being turned away until the dead worker's lease expired.
  expect([...died.keys()].sort()).toEqual([...leasedQueues].sort());
  for (const [queue, dead] of died) expect({ queue, first: dead.later[0] }).toEqual({ queue, first: 'taken' });
});
