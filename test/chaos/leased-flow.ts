// The one flow through every leased worker (an import, planning, paying, bank files, a bank
// report), for the tests that kill or supersede one receive of each: it must finish regardless.
import { expect } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import type { QueueName } from '../../shared/topology.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { eventually, type TestStack } from '../support/local-stack.ts';
import type { AdapterCall } from './faults.ts';

/** The queues whose workers run under a lease (shared/usecases/recovery.ts runLeased; planning segments). */
export const leasedQueues: QueueName[] = ['recipientImports', 'payoutPlans', 'payoutChunks', 'payoutFiles', 'bankResults'];

/** A lease acquire (shared/adapters/lease.ts acquireLease), told from renewals and releases by its update. */
export const isAcquire = (call: AdapterCall) =>
  call.name === 'UpdateItemCommand' && String(call.input?.UpdateExpression ?? '').startsWith('SET #leaseOwner = :leaseOwner');

/** Which lease an acquire is for: table, key and lease name. */
export const leaseOf = (call: AdapterCall) =>
  `${call.input.TableName} ${JSON.stringify(call.input.Key)} ${call.input.ExpressionAttributeNames['#leaseOwner']}`;

function lastMonth(): string {
  const china = new Date(Date.now() + 8 * 3600_000);
  const d = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Imports `people` DIBAO recipients (ID numbers from `birthDate`, distinct per test), pays them a
 * price subsidy for last month (China time) and applies an all-settled bank report; asserts each
 * step ends as it should (COMPLETED, PENDING_APPROVAL, PAID_OUT, APPLIED, RECONCILED).
 */
export async function payThroughEveryLeasedWorker(stack: TestStack, title: string, birthDate: string, people = 6): Promise<void> {
  const csv = [
    registryCsvColumns.join(','),
    ...Array.from({ length: people }, (_, n) =>
      [`HH-${n}`, `居民${n}`, validIdNumber(n, birthDate), 'DIBAO', '真州镇', '80000', '2022-03-01', '江苏银行', `6228${birthDate.slice(0, 4)}${String(n).padStart(8, '0')}`].join(','),
    ),
  ].join('\n');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const maker = await stack.token('finance', 'finance-maker');
  const checker = await stack.token('finance', 'finance-checker');

  const posted = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv, contentType: 'text/csv' });
  expect(posted.status).toBe(202);
  const imported = await eventually(async () => {
    const view = (await stack.call('GET', `/recipients/imports/${posted.body.importId}`, { token: reviewer })).body;
    return view.status === 'RUNNING' ? undefined : view;
  }, undefined, `the import (${title})`);
  expect(imported).toMatchObject({ status: 'COMPLETED', imported: people });

  const body = { program: 'PRICE_SUBSIDY', period: lastMonth(), title, categories: ['DIBAO'], perPersonFen: 5_000 };
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
}
