import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { acquireLease, releaseLease } from '../../shared/adapters/lease.ts';
import { createImport, storeImportFile, getRecipients, type RecipientImport } from '../../shared/adapters/registry-store.ts';
import { putProgressEntry } from '../../shared/adapters/payout-store.ts';
import { putExport } from '../../shared/adapters/bank-file-store.ts';
import { transitionBatchFrom } from '../../shared/adapters/recovery-store.ts';
import { reportEntry } from '../../shared/domain/payouts/batch.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { runImport } from '../../shared/usecases/registry-import.ts';
import { leaseMsFor, recoverStalledWork } from '../../shared/usecases/recovery.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { updateApplication } from '../../shared/adapters/application-store.ts';
import { applicationBody, member, storedApplication } from '../support/applications.ts';

// The sweeper (recover-stalled-work) against the real local stack: work whose message was lost in
// a crash is re-driven from DynamoDB, never beside a live lease; a step that keeps failing ends
// with its reason on the record. The sweeper runs in this process with staleAfterMs 0 ("anything
// not moving is stale"), as the scheduled job would once the queue's visibility timeout passed.
let stack: TestStack;
let maker: string;
let checker: string;
let reviewer: string;
const sweep = () => recoverStalledWork(new Date(), { staleAfterMs: 0 });

const csvLine = (n: number, birth: string) =>
  [`HH-${n}`, `居民${n}`, validIdNumber(n, birth), 'TEKUN', '真州镇', '120000', '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(',');
const csv = (from: number, to: number, birth: string) =>
  [registryCsvColumns.join(','), ...Array.from({ length: to - from }, (_, i) => csvLine(from + i, birth))].join('\n');

beforeAll(async () => {
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
  reviewer = await stack.token('reviewer', 'reviewer-1');
});
afterAll(async () => stack?.stop());

async function storedImport(importId: string, objectKey: string): Promise<RecipientImport> {
  const at = new Date().toISOString();
  const record: RecipientImport = {
    importId,
    status: 'RUNNING',
    objectKey,
    imported: 0,
    rejected: [],
    rejectedCount: 0,
    createdAt: at,
    createdBy: 'reviewer-1',
    history: [{ at, by: 'reviewer-1', action: 'IMPORT_STARTED', reason: 'registry CSV uploaded' }],
  };
  await createImport(record);
  return record;
}

async function importView(importId: string) {
  return (await stack.call('GET', `/recipients/imports/${importId}`, { token: reviewer })).body;
}

describe('imports', () => {
  it('finish by themselves, with exact counts, after a crash left half the lines in the registry and the message lost', async () => {
    const importId = `imp-crashed-${Date.now()}`;
    // Half the file went in before the crash (the same import id wrote them), then the message was lost.
    await storeImportFile(`registry-imports/${importId}-half.csv`, csv(0, 30, '19450101'));
    await storedImport(importId, `registry-imports/${importId}-half.csv`);
    await runImport(importId, new Date());
    await storeImportFile(`registry-imports/${importId}.csv`, csv(0, 60, '19450101'));
    await documents().send(
      new UpdateCommand({
        TableName: tableName('recipientImports'),
        Key: { importId },
        UpdateExpression: 'SET #s = :running, objectKey = :key, imported = :zero',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':running': 'RUNNING', ':key': `registry-imports/${importId}.csv`, ':zero': 0 },
      }),
    );
    expect(await importView(importId)).toMatchObject({ status: 'RUNNING', imported: 0 });

    expect((await sweep()).imports).toBeGreaterThanOrEqual(1);
    const done = await eventually(async () => {
      const view = await importView(importId);
      return view.status === 'RUNNING' ? undefined : view;
    }, 30_000, 'the swept import');
    expect(done).toMatchObject({ status: 'COMPLETED', imported: 60, rejectedCount: 0 });
    const registered = await getRecipients(Array.from({ length: 60 }, (_, n) => validIdNumber(n, '19450101')));
    expect(registered).toHaveLength(60);
    expect(new Set(registered.map((r) => r.importId))).toEqual(new Set([importId]));
  });

  it('are not re-driven while a live lease holds them, and are once it is released', async () => {
    const importId = `imp-leased-${Date.now()}`;
    await storeImportFile(`registry-imports/${importId}.csv`, csv(100, 110, '19460101'));
    await storedImport(importId, `registry-imports/${importId}.csv`);
    // Held as a live worker holds it (for its function's timeout).
    const held = await acquireLease(
      { table: 'recipientImports', key: { importId } },
      { owner: 'live-worker', durationMs: leaseMsFor('recipientImports'), now: new Date() },
    );
    expect(held).not.toBeNull();
    // The sweeper queues nothing for it (the imports before this one are finished).
    expect((await sweep()).imports).toBe(0);
    expect(await importView(importId)).toMatchObject({ status: 'RUNNING' });
    await releaseLease(held!.lease);
    expect((await sweep()).imports).toBe(1);
    const done = await eventually(async () => {
      const view = await importView(importId);
      return view.status === 'RUNNING' ? undefined : view;
    }, 30_000, 'the released import');
    expect(done).toMatchObject({ status: 'COMPLETED', imported: 10 });
  });

  it('that fail on every receive end FAILED with the reason, not RUNNING for ever', async () => {
    const importId = `imp-poisoned-${Date.now()}`;
    await storedImport(importId, `registry-imports/${importId}-never-stored.csv`);
    await sweep();
    const failed = await eventually(async () => {
      const view = await importView(importId);
      return view.status === 'RUNNING' ? undefined : view;
    }, 60_000, 'the poisoned import');
    expect(failed).toMatchObject({ status: 'FAILED', imported: 0 });
    const stored = await documents().send(new GetCommand({ TableName: tableName('recipientImports'), Key: { importId }, ConsistentRead: true }));
    expect(stored.Item?.lastFailure).toMatchObject({ receiveCount: 3, reason: expect.any(String) });
    expect(stored.Item?.history.at(-1)).toMatchObject({ action: 'IMPORT_FAILED', reason: expect.stringContaining('gave up after 3 attempts') });
  });
});

describe('payout batches', () => {
  beforeAll(async () => {
    const created = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv(200, 230, '19470101'), contentType: 'text/csv' });
    await eventually(async () => ((await importView(created.body.importId)).status === 'COMPLETED' ? true : undefined));
  });

  async function plannedBatch(period: string) {
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'ONE_TIME_LIVING', period, title: `一次性生活补贴 ${period}`, categories: ['TEKUN'], perPersonFen: 30_000 },
    });
    return eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${created.body.id}`, { token: maker });
      return r.body.status === 'PENDING_APPROVAL' ? r.body : undefined;
    }, 30_000, 'planned');
  }

  it('PAYING whose messages were lost is paid out by the sweeper, every payment once', async () => {
    const batch = await plannedBatch('2025-03');
    const count = batch.planned.count;
    expect(count).toBeGreaterThanOrEqual(30);
    // The approval was stored, then the process died before the dispatch message was sent.
    const at = new Date().toISOString();
    expect(
      await transitionBatchFrom(batch.id, ['PENDING_APPROVAL'], 'PAYING', { at, by: 'finance-checker', action: 'APPROVED', reason: 'approved' }, { set: { approvedBy: 'finance-checker' } }),
    ).toBe(true);
    expect((await sweep()).chunks).toBe(1);
    const paid = await eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batch.id}`, { token: maker });
      return r.body.status === 'PAYING' ? undefined : r.body;
    }, 30_000, 'paid out');
    expect(paid).toMatchObject({ status: 'PAID_OUT', planned: { count, totalFen: count * 30_000 }, progress: { recorded: count, failed: 0 } });
    const csvFile = await (await fetch(paid.files.csvUrl)).text();
    expect(csvFile.trim().split('\n')).toHaveLength(count + 1);
    // Nothing left to re-drive for it: sweeping again queues nothing.
    const again = await sweep();
    expect([again.chunks, again.bankFiles]).toEqual([0, 0]);
  });

  it('a bank report whose message was lost is applied by the sweeper', async () => {
    const batch = await plannedBatch('2025-04');
    await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker });
    const paid = await eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batch.id}`, { token: maker });
      return r.body.status === 'PAID_OUT' ? r.body : undefined;
    }, 30_000, 'paid out');
    const items = (await stack.call('GET', `/payout-batches/${batch.id}/payments?limit=500`, { token: maker })).body.items as Array<{ endToEndId: string }>;
    const reportId = `lost-report-${Date.now()}`;
    const objectKey = `payouts/${batch.id}/bank-results/${reportId}`;
    await putExport(objectKey, ['endToEndId,status,reason', ...items.map((p) => `${p.endToEndId},ACSC,`)].join('\n'), 'text/csv');
    await putProgressEntry({
      batchId: batch.id,
      entry: reportEntry(reportId),
      reportId,
      objectKey,
      status: 'APPLYING',
      format: 'csv',
      entries: items.length,
      problems: [],
      receivedAt: new Date().toISOString(),
      receivedBy: 'finance-maker',
    });
    expect((await sweep()).bankReports).toBe(1);
    const reconciled = await eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batch.id}`, { token: maker });
      return r.body.status === 'RECONCILED' ? r.body : undefined;
    }, 30_000, 'reconciled');
    expect(reconciled.reconciliation).toEqual({ settled: paid.planned.count, returned: 0, pending: 0 });
  });

  it("a rejection cut short before its claims were released is finished by the sweeper", async () => {
    const batch = await plannedBatch('2025-05');
    // The REJECTED move was stored; the process died before releasing the claims.
    await transitionBatchFrom(batch.id, ['PENDING_APPROVAL'], 'REJECTED', { at: new Date().toISOString(), by: 'finance-checker', action: 'REJECTED', reason: '驳回' });
    expect((await sweep()).claimReleases).toBeGreaterThanOrEqual(1);
    const again = await plannedBatch('2025-05');
    expect(again.planned.count).toBe(batch.planned.count);
    expect((await sweep()).claimReleases).toBe(0);
  });
});

describe('application assessments', () => {
  /** Files an application and stores its submission as submit() does, but the process dies before the message is sent. */
  async function submittedWithoutMessage(n: number) {
    const caseworker = await stack.token('caseworker', 'caseworker-1');
    const created = await stack.call('POST', '/applications', { token: caseworker, body: applicationBody('DIBAO', [member(n)]) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const at = new Date().toISOString();
    const stored = await updateApplication(id, {
      set: { status: 'SUBMITTED', submittedAt: at, submittedBy: 'caseworker-1', updatedAt: at },
      append: { history: [{ at, by: 'caseworker-1', action: 'SUBMIT', reason: 'submitted for assessment', from: 'DRAFT', to: 'SUBMITTED' }] },
      statusIn: ['DRAFT'],
    });
    expect(stored).toBe(true);
    return { id, submittedAt: Date.parse(at) };
  }
  const view = async (id: string) => (await stack.call('GET', `/applications/${id}`, { token: reviewer })).body;

  it('whose message was lost after the submission was stored are assessed once the sweeper re-sends it, once', async () => {
    const { id, submittedAt } = await submittedWithoutMessage(900);
    expect((await view(id)).status).toBe('SUBMITTED');
    // Not before the staleness: an application just submitted may have its message still queued.
    expect((await recoverStalledWork(new Date(submittedAt + 59_000), { staleAfterMs: 60_000 })).applications).toBe(0);
    expect((await recoverStalledWork(new Date(submittedAt + 60_000), { staleAfterMs: 60_000 })).applications).toBe(1);
    const assessed = await eventually(async () => {
      const body = await view(id);
      return body.status === 'SUBMITTED' ? undefined : body;
    }, 30_000, 'the re-sent assessment');
    expect(assessed).toMatchObject({ status: 'UNDER_REVIEW', assessment: { eligible: expect.any(Boolean) } });

    // A second copy (the sweeper's and a late original) changes nothing: one assessment in the history.
    await stack.handled('applicationAssessments', [await stack.send('applicationAssessments', { id })]);
    const history = (await storedApplication(id)).history.filter((entry) => entry.action === 'ASSESS');
    expect(history).toHaveLength(1);
    expect((await sweep()).applications).toBe(0);
  });

  it('whose message was dead-lettered are re-sent after the staleness, counted from the last failure', async () => {
    const { id } = await submittedWithoutMessage(901);
    const failedAt = Date.now() + 30_000;
    await documents().send(
      new UpdateCommand({
        TableName: tableName('applications'),
        Key: { id },
        UpdateExpression: 'SET lastFailure = :failure',
        ExpressionAttributeValues: { ':failure': { at: new Date(failedAt).toISOString(), reason: 'recipients table throttled', receiveCount: 5 } },
      }),
    );
    expect((await recoverStalledWork(new Date(failedAt + 59_000), { staleAfterMs: 60_000 })).applications).toBe(0);
    expect((await recoverStalledWork(new Date(failedAt + 60_000), { staleAfterMs: 60_000 })).applications).toBe(1);
    await eventually(async () => ((await view(id)).status === 'UNDER_REVIEW' ? true : undefined), 30_000, 'the re-sent assessment');
  });
});
