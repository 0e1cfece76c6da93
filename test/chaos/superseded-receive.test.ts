// Chaos seed 3, made a test for every leased worker: a message is received twice at once (its
// visibility ran out while the first receive still worked). The later receive takes the work's
// lease and dies (the acquire applied, its answer lost); then the first receive reaches its own
// acquire and finds its later receive holding the lease. Before the fix it answered "held
// elsewhere", reported its message done and the message was deleted: nobody alive held the work,
// and it waited for the dead receive's lease to expire (the function's timeout: a batch PAYING for
// 900 s). Now the first receive fails its record, the message comes back, and its next receive
// takes the lease over from the dead one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import type { QueueName } from '../../shared/topology.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { eventually, startTestStack, type ConcurrentDelivery, type CopyOutcome, type TestStack } from '../support/local-stack.ts';
import { aroundAdapterCalls, InjectedFault, type AdapterCall } from './faults.ts';

const leasedQueues: QueueName[] = ['recipientImports', 'payoutPlans', 'payoutChunks', 'payoutFiles', 'bankResults'];

/** A lease acquire (shared/adapters/lease.ts acquireLease), told from renewals and releases by its update. */
const isAcquire = (call: AdapterCall) =>
  call.name === 'UpdateItemCommand' && String(call.input?.UpdateExpression ?? '').startsWith('SET #leaseOwner = :leaseOwner');

const leaseKey = (call: AdapterCall) => `${call.input.TableName} ${JSON.stringify(call.input.Key)} ${call.input.ExpressionAttributeNames['#leaseOwner']}`;

/** Per queue: the twice-received message, the lease its later receive died holding, and what the first receive's acquire of it met. */
const twice = new Map<QueueName, ConcurrentDelivery>();
const diedHolding = new Map<QueueName, string>();
const firstReceive = new Map<QueueName, string>();
let stack: TestStack;
let uninstall: () => void;

beforeAll(async () => {
  stack = await startTestStack();
  for (const queue of leasedQueues) {
    // The leased steps: a planning segment (a plan message only fans out), a chunk (not the dispatch).
    const leased = (body: { kind?: string }) => !['plan', 'dispatch'].includes(body.kind ?? '');
    twice.set(queue, stack.deliverConcurrently(queue, leased, 2));
  }
  uninstall = aroundAdapterCalls(async (call, send) => {
    const queue = call.delivery?.queue;
    if (!queue || !twice.has(queue) || !isAcquire(call) || firstReceive.has(queue)) return send();
    if (call.delivery!.copy === 2) {
      diedHolding.set(queue, leaseKey(call));
      await send();
      throw new InjectedFault(`injected: the later receive of the ${queue} message died after taking its lease`);
    }
    // The first receive acquires only once its later receive has died holding the lease (other
    // messages of the queue wait as long, then go on untouched).
    await twice.get(queue)!.copyFinished(2);
    if (diedHolding.get(queue) !== leaseKey(call)) return send();
    try {
      const result = await send();
      firstReceive.set(queue, 'taken');
      return result;
    } catch (error) {
      firstReceive.set(queue, (error as Error).name);
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
    [`HH-${n}`, `居民${n}`, validIdNumber(n, '19520101'), 'DIBAO', '真州镇', '80000', '2022-03-01', '江苏银行', `62284802${String(n).padStart(8, '0')}`].join(','),
  ),
].join('\n');

it('a receive whose later receive of the same message died holding the lease leaves the message to be received again, and the work finishes (imports, planning, paying, bank files, bank results)', async () => {
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const maker = await stack.token('finance', 'finance-maker');
  const checker = await stack.token('finance', 'finance-checker');

  const posted = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv, contentType: 'text/csv' });
  expect(posted.status).toBe(202);
  const imported = await eventually(async () => {
    const view = (await stack.call('GET', `/recipients/imports/${posted.body.importId}`, { token: reviewer })).body;
    return view.status === 'RUNNING' ? undefined : view;
  }, undefined, 'the import whose later receive died holding its lease');
  expect(imported).toMatchObject({ status: 'COMPLETED', imported: people });

  const body = { program: 'PRICE_SUBSIDY', period: lastMonth(), title: 'superseded receive', categories: ['DIBAO'], perPersonFen: 5_000 };
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
  expect(payments).toHaveLength(people);
  const report = ['endToEndId,status,reason', ...payments.map((p) => `${p.endToEndId},ACSC,`)].join('\n');
  const reported = await stack.call('POST', `/payout-batches/${batchId}/bank-results`, { token: maker, rawBody: report, contentType: 'text/csv' });
  expect(reported.status).toBe(202);
  const applied = await eventually(async () => {
    const view = (await stack.call('GET', `/payout-batches/${batchId}/bank-results/${reported.body.reportId}`, { token: maker })).body;
    return view.status === 'APPLYING' ? undefined : view;
  }, undefined, 'the bank report');
  expect(applied).toMatchObject({ status: 'APPLIED', settled: people });
  expect(await batch(['PAID_OUT'])).toMatchObject({ status: 'RECONCILED' });

  // Each first receive's acquire met its dead later receive's live lease (the SDK's condition failed) ...
  const refused = 'ConditionalCheckFailedException';
  expect(Object.fromEntries(firstReceive)).toEqual(Object.fromEntries(leasedQueues.map((queue) => [queue, refused])));
  // ... and it failed its record (SupersededReceiveError) instead of reporting the message done, as
  // the dead receive did: so the message was received again and the work finished above.
  // (A batch whose every record failed comes back as a thrown error, as Powertools' processor throws.)
  const failed = (outcome: CopyOutcome) =>
    outcome.error !== undefined || ((outcome.response as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures?.length ?? 0) > 0;
  for (const [queue, delivery] of twice) {
    expect({ queue, failed: (await delivery.finished()).map(failed) }).toEqual({ queue, failed: [true, true] });
  }
});
