// Issue 13, part 5: grants bite locally. A function's SDK calls are checked against its topology
// entry, so a forgotten or too-narrow grant fails here, naming it, not on the first deployment.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { takeGrantViolations } from '../../local/grant-guard.ts';
import { functions, routeMethodAccess, type Access } from '../../shared/topology.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let maker: string;
const batch = { program: 'PRICE_SUBSIDY', period: '2026-12', title: '价格临时补贴', categories: ['DIBAO'], perPersonFen: 100 };

/** Runs `act` with one function's access replaced (the topology object the local stack checks against), then restores it. */
async function withAccess<T>(name: keyof typeof functions, access: Access, act: () => Promise<T>): Promise<T> {
  const spec = functions[name] as { access: Access };
  const original = spec.access;
  spec.access = access;
  try {
    return await act();
  } finally {
    spec.access = original;
  }
}

beforeAll(async () => {
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
});
afterEach(() => {
  // The refusals below are this file's point, not a failure of the run.
  takeGrantViolations();
});
afterAll(async () => stack?.stop());

describe('the local grant guard', () => {
  it('refuses a call whose grant was removed, naming the function, the action and the table', async () => {
    const { payoutBatches: _removed, ...others } = functions.createPayoutBatch.access.tables!;
    const response = await withAccess('createPayoutBatch', { ...functions.createPayoutBatch.access, tables: others }, () =>
      stack.call('POST', '/payout-batches', { token: maker, body: batch }),
    );
    expect(response.status).toBe(500);
    expect(takeGrantViolations()).toContain(
      'grant missing: function createPayoutBatch calls dynamodb:PutItem on table payoutBatches; its topology entry (shared/topology.ts) does not allow it',
    );
  });

  it('refuses a write under a grant narrowed from readwrite to read', async () => {
    const created = await stack.call('POST', '/payout-batches', { token: maker, body: batch });
    expect(created.status).toBe(201);
    // Nobody is in the registry: planning ends FAILED ("nothing to pay"), a state cancel ends.
    await eventually(async () => ((await stack.call('GET', `/payout-batches/${created.body.id}`, { token: maker })).body.status === 'FAILED' ? true : undefined));
    const access = functions.cancelPayoutBatch.access;
    const response = await withAccess('cancelPayoutBatch', { ...access, tables: { ...access.tables, payoutBatches: 'read' } }, () =>
      stack.call('POST', `/payout-batches/${created.body.id}/cancel`, { token: maker, body: { reason: '重复建批' } }),
    );
    expect(response.status).toBe(500);
    expect(takeGrantViolations().some((v) => v.startsWith('grant missing: function cancelPayoutBatch calls dynamodb:UpdateItem on table payoutBatches'))).toBe(true);
  });

  it('refuses an idempotent POST once the grant a POST route implies is removed, naming the idempotency table', async () => {
    const implied = routeMethodAccess.POST;
    delete routeMethodAccess.POST;
    try {
      const response = await stack.call('POST', '/payout-batches', { token: maker, body: batch, headers: { 'Idempotency-Key': 'grant-guard-implied' } });
      expect(response.status).toBe(500);
    } finally {
      routeMethodAccess.POST = implied;
    }
    expect(takeGrantViolations().some((v) => v.startsWith('grant missing: function createPayoutBatch calls dynamodb:PutItem on table idempotency'))).toBe(true);
  });

  it('lets the same calls through under the topology as written', async () => {
    const created = await stack.call('POST', '/payout-batches', { token: maker, body: batch });
    expect(created.status).toBe(201);
    expect(takeGrantViolations()).toEqual([]);
  });
});
