import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

let stack: TestStack;
let maker: string;
let checker: string;
let secondChecker: string;

// 110 recipients: 50 DIBAO, 40 TEKUN, 20 MARGINAL. With chunks of 50 (the stack's setting below, 500 when
// deployed), DIBAO+TEKUN make a chunk of 50 and one of 40, and all three categories three chunks.
const population = 110;
const paymentsPerChunk = 50;
const categories = (n: number) => (n < 50 ? 'DIBAO' : n < 90 ? 'TEKUN' : 'MARGINAL');
const benefit = (n: number) => 80_000 + (n % 7) * 1_000;

async function createBatch(body: Record<string, unknown>, token = maker) {
  return stack.call('POST', '/payout-batches', { token, body });
}

async function batchInStatus(id: string, statuses: string[], timeoutMs = 30_000) {
  return eventually(async () => {
    const r = await stack.call('GET', `/payout-batches/${id}`, { token: maker });
    return statuses.includes(r.body.status) ? r.body : undefined;
  }, timeoutMs, `batch ${id} in ${statuses.join('/')}`);
}

async function allPayments(id: string, status?: string) {
  const items: Array<{ endToEndId: string; recipientId: string; amountFen: number; status: string; returnReason?: string }> = [];
  let nextToken: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '40', ...(status && { status }), ...(nextToken && { nextToken }) });
    const r = await stack.call('GET', `/payout-batches/${id}/payments?${query}`, { token: maker });
    expect(r.status).toBe(200);
    items.push(...r.body.items);
    nextToken = r.body.nextToken;
  } while (nextToken);
  return items;
}

async function plannedBatch(body: Record<string, unknown>) {
  const created = await createBatch(body);
  expect(created.status).toBe(201);
  expect(created.body).toEqual({ id: expect.stringMatching(/^pb_/), status: 'PLANNING' });
  return batchInStatus(created.body.id, ['PENDING_APPROVAL', 'FAILED']);
}

/** Every payment recorded once, all distinct, summing to the plan. */
async function expectPaidExactlyOnce(batch: { id: string; planned: { count: number; totalFen: number } }) {
  const payments = await allPayments(batch.id);
  expect(payments).toHaveLength(batch.planned.count);
  expect(new Set(payments.map((p) => p.recipientId)).size).toBe(batch.planned.count);
  expect(new Set(payments.map((p) => p.endToEndId)).size).toBe(batch.planned.count);
  expect(payments.every((p) => p.status === 'RECORDED')).toBe(true);
  expect(payments.reduce((sum, p) => sum + p.amountFen, 0)).toBe(batch.planned.totalFen);
  return payments;
}

async function paidOut(id: string) {
  return batchInStatus(id, ['PAID_OUT', 'FAILED']);
}

beforeAll(async () => {
  stack = await startTestStack({ paymentsPerChunk });
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
  secondChecker = await stack.token('finance', 'finance-checker-2');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const lines = Array.from({ length: population }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(n, `19${50 + Math.floor(n / 1000)}0101`), categories(n), '真州镇', String(benefit(n)), '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
  );
  const created = await stack.call('POST', '/recipients/imports', {
    token: reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  const done = await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    // A transient 5xx on a loaded machine is not the answer: wait for the import to end.
    return ['COMPLETED', 'FAILED'].includes(r.body?.status) ? r.body : undefined;
  }, 200_000, 'the registry import');
  expect(done).toMatchObject({ status: 'COMPLETED', imported: population });
  // Registry creates are one conditional write per person (issue 9): slower than a blind batch write on a loaded machine.
}, 300_000);
afterAll(async () => stack?.stop());

describe('a price subsidy from plan to reconciliation', () => {
  let batch: Awaited<ReturnType<typeof paidOut>>;

  it('plans the ACTIVE recipients of the chosen categories', async () => {
    const planned = await plannedBatch({
      program: 'PRICE_SUBSIDY',
      period: '2026-12',
      title: '价格临时补贴 2026-12',
      categories: ['DIBAO', 'TEKUN'],
      perPersonFen: 5_000,
    });
    expect(planned).toMatchObject({
      status: 'PENDING_APPROVAL',
      planned: { count: 90, totalFen: 90 * 5_000 },
      skipped: { alreadyPlannedOrPaid: 0, noBankAccount: 0 },
      createdBy: 'finance-maker',
      files: null,
    });
    batch = planned;
  });

  it('is approved by a second officer only, and paid out once with bank files', async () => {
    const byMaker = await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: maker });
    expect([byMaker.status, byMaker.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const approved = await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker });
    expect(approved.status).toBe(202);
    expect(approved.body).toEqual({ id: batch.id, status: 'PAYING' });

    batch = await paidOut(batch.id);
    expect(batch).toMatchObject({ status: 'PAID_OUT', progress: { recorded: 90, failed: 0 }, approvedBy: 'finance-checker' });
    expect(batch.history.map((h: { action: string }) => h.action)).toEqual(['CREATED', 'PLANNED', 'APPROVED', 'PAID_OUT']);
    const payments = await expectPaidExactlyOnce(batch);

    const csv = await (await fetch(batch.files.csvUrl)).text();
    expect(csv.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(91);
    const xml = await (await fetch(batch.files.pain001Url)).text();
    expect(xml).toContain('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    expect(xml.match(/<CdtTrfTxInf>/g)).toHaveLength(90);
    expect(xml).toContain('<NbOfTxs>90</NbOfTxs>');
    expect(xml).toContain('<CtrlSum>4500.00</CtrlSum>');
    expect(xml).toContain(`<EndToEndId>${payments[0]!.endToEndId}</EndToEndId>`);
    expect(xml).toContain('<InstdAmt Ccy="CNY">50.00</InstdAmt>');
  });

  it('never pays a recipient twice for the same program and period, across batches', async () => {
    const again = await plannedBatch({ program: 'PRICE_SUBSIDY', period: '2026-12', title: 'again', categories: ['DIBAO', 'TEKUN', 'MARGINAL'], perPersonFen: 5_000 });
    // Only the MARGINAL recipients, not paid in the first batch, are planned.
    expect(again).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: 20 }, skipped: { alreadyPlannedOrPaid: 90 } });
    const dibaoOnly = await plannedBatch({ program: 'PRICE_SUBSIDY', period: '2026-12', title: 'third', categories: ['DIBAO'], perPersonFen: 5_000 });
    expect(dibaoOnly.status).toBe('FAILED');
    expect(dibaoOnly.failureReason).toMatch(/nothing to pay/);
  });

  it('reconciles a CSV and a pain.002 report, reports unknown ids, and lets a returned payment be paid again', async () => {
    const payments = await allPayments(batch.id);
    const [returned, pending, ...settled] = payments;
    const csv = [
      'endToEndId,status,reason',
      ...settled.map((p) => `${p.endToEndId},ACSC,`),
      `${returned!.endToEndId},RJCT,AC04 closed account`,
      'PS202612-NOTOURS000000000000000000,ACSC,',
    ].join('\n');
    const posted = await stack.call('POST', `/payout-batches/${batch.id}/bank-results`, { token: maker, rawBody: csv, contentType: 'text/csv' });
    expect(posted.status).toBe(202);
    expect(posted.body).toMatchObject({ status: 'APPLYING', entries: 90 });
    const report = await eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batch.id}/bank-results/${posted.body.reportId}`, { token: maker });
      return r.body.status === 'APPLIED' ? r.body : undefined;
    });
    expect(report).toMatchObject({ settled: 88, returned: 1, unknownCount: 1, unknownEndToEndIds: ['PS202612-NOTOURS000000000000000000'] });

    let view = (await stack.call('GET', `/payout-batches/${batch.id}`, { token: maker })).body;
    expect(view).toMatchObject({ status: 'PAID_OUT', reconciliation: { settled: 88, returned: 1, pending: 1 } });
    const returnedPayment = await allPayments(batch.id, 'RETURNED');
    expect(returnedPayment).toEqual([expect.objectContaining({ endToEndId: returned!.endToEndId, returnReason: 'AC04 closed account' })]);

    const pain002 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>BANK-1</MsgId><CreDtTm>2026-12-02T10:00:00+08:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>${batch.id}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>${batch.id}</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>${pending!.endToEndId}</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    const second = await stack.call('POST', `/payout-batches/${batch.id}/bank-results`, { token: maker, rawBody: pain002, contentType: 'application/xml' });
    expect(second.status).toBe(202);
    view = await batchInStatus(batch.id, ['RECONCILED']);
    expect(view.reconciliation).toEqual({ settled: 89, returned: 1, pending: 0 });
    expect(view.history.at(-1)).toMatchObject({ action: 'RECONCILED', by: expect.any(String), at: expect.any(String) });

    // The returned recipient, and only they, can be paid again for 2026-12.
    const reissue = await plannedBatch({ program: 'PRICE_SUBSIDY', period: '2026-12', title: 'reissue', categories: ['DIBAO', 'TEKUN'], perPersonFen: 5_000 });
    expect(reissue).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: 1, totalFen: 5_000 } });
    const reissued = await allPayments(reissue.id);
    expect(reissued.map((p) => p.recipientId)).toEqual([returned!.recipientId]);
  });

  it('refuses a status report that is neither XML nor CSV, and one for a batch not paid out', async () => {
    const garbage = await stack.call('POST', `/payout-batches/${batch.id}/bank-results`, { token: maker, rawBody: 'hello bank', contentType: 'text/csv' });
    expect([garbage.status, garbage.body.error.code, garbage.body.error.details[0].path]).toEqual([400, 'VALIDATION_FAILED', 'body']);
    const pdf = await stack.call('POST', `/payout-batches/${batch.id}/bank-results`, { token: maker, rawBody: '%PDF', contentType: 'application/pdf' });
    expect(pdf.status).toBe(415);
    const fresh = await plannedBatch({ program: 'PRICE_SUBSIDY', period: '2026-09', title: 'jan', categories: ['MARGINAL'], perPersonFen: 100 });
    const early = await stack.call('POST', `/payout-batches/${fresh.id}/bank-results`, { token: maker, rawBody: 'endToEndId,status,reason\nX,ACSC,', contentType: 'text/csv' });
    expect([early.status, early.body.error.code]).toEqual([409, 'INVALID_STATE']);
  });
});

describe('exactly once under faults', () => {
  it('pays each recipient once when every chunk is delivered two and three times', async () => {
    const batch = await plannedBatch({ program: 'MONTHLY_BENEFIT', period: '2026-12', title: '低保金 2026-12', categories: ['DIBAO', 'TEKUN', 'MARGINAL'] });
    const expectedTotal = Array.from({ length: population }, (_, n) => benefit(n)).reduce((a, b) => a + b, 0);
    expect(batch.planned).toEqual({ count: population, totalFen: expectedTotal });
    expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker })).status).toBe(202);
    const duplicates = [0, 1, 2, 0, 1, 2].map((chunk, i) => ({ Id: String(i), MessageBody: JSON.stringify({ kind: 'chunk', batchId: batch.id, chunk }) }));
    await stack.sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.queueUrls.payoutChunks, Entries: duplicates }));
    const done = await paidOut(batch.id);
    expect(done).toMatchObject({ status: 'PAID_OUT', progress: { recorded: population, failed: 0 } });
    await expectPaidExactlyOnce(done);
    // Late duplicates after the batch is paid out change nothing either.
    const late = await stack.sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.queueUrls.payoutChunks, Entries: duplicates }));
    await stack.handled('payoutChunks', late.Successful!.map((m) => m.MessageId!));
    await expectPaidExactlyOnce(done);
  });

  it('finishes a chunk whose worker died after writing part of it, paying nobody twice', async () => {
    const batch = await plannedBatch({ program: 'ONE_TIME_LIVING', period: '2026-12', title: '一次性生活补贴', categories: ['DIBAO', 'TEKUN', 'MARGINAL'], perPersonFen: 20_000 });
    // Fault injection: the chunk worker dies at its 26th payment write (each payment is one conditional update).
    const client = documents();
    const realSend = client.send.bind(client);
    let paymentWrites = 0;
    client.send = ((command: unknown, ...rest: unknown[]) => {
      if (command instanceof UpdateCommand && command.input.TableName === tableName('payments') && ++paymentWrites === 26) {
        return Promise.reject(new Error('injected: the worker died halfway through a chunk'));
      }
      return (realSend as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as typeof client.send;
    try {
      expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker })).status).toBe(202);
      const done = await paidOut(batch.id);
      expect(paymentWrites).toBeGreaterThan(26);
      expect(done).toMatchObject({ status: 'PAID_OUT', planned: { count: population, totalFen: population * 20_000 } });
      await expectPaidExactlyOnce(done);
    } finally {
      client.send = realSend as typeof client.send;
    }
  });

  it('starts the batch once when two officers approve at the same moment', async () => {
    const batch = await plannedBatch({ program: 'PRICE_SUBSIDY', period: '2026-08', title: 'feb', categories: ['TEKUN'], perPersonFen: 3_000 });
    const responses = await Promise.all([
      stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker }),
      stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: secondChecker }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([202, 409]);
    expect(responses.find((r) => r.status === 409)!.body.error.code).toBe('INVALID_STATE');
    await expectPaidExactlyOnce(await paidOut(batch.id));
  });
});

describe('one-off grants', () => {
  it('pays each granted grant once, whatever the period', async () => {
    const grant = (id: string, amountFen: number) => ({
      grantId: id,
      applicationId: id,
      type: 'TEMPORARY',
      status: 'GRANTED',
      amountFen,
      payeeName: '临时救助对象',
      payeeIdNumber: validIdNumber(77),
      bankName: '江苏银行',
      bankAccount: '6228480099990000',
      township: '真州镇',
      grantedAt: new Date().toISOString(),
      grantedBy: 'reviewer-1',
      history: [],
    });
    for (const g of [grant('app-grant-1', 300_000), grant('app-grant-2', 150_000)]) {
      await documents().send(new PutCommand({ TableName: tableName('grants'), Item: g }));
    }
    const batch = await plannedBatch({ program: 'ONE_OFF_GRANTS', period: '2026-12', title: '临时救助发放' });
    expect(batch.planned).toEqual({ count: 2, totalFen: 450_000 });
    expect((await stack.call('POST', `/payout-batches/${batch.id}/approve`, { token: checker })).status).toBe(202);
    await expectPaidExactlyOnce(await paidOut(batch.id));
    const nextMonth = await plannedBatch({ program: 'ONE_OFF_GRANTS', period: '2026-10', title: 'again' });
    expect(nextMonth.status).toBe('FAILED');
  });
});

describe('bad input is refused with the field named, and nothing is stored', () => {
  const good = { program: 'PRICE_SUBSIDY', period: '2026-12', title: 't', categories: ['DIBAO'], perPersonFen: 100 };
  const batchCount = async () =>
    (await documents().send(new ScanCommand({ TableName: tableName('payoutBatches'), Select: 'COUNT' }))).Count;

  it.each([
    ['an unknown program', { ...good, program: 'LOTTERY' }, 'program'],
    ['a malformed period', { ...good, period: '2026-13' }, 'period'],
    ['a period with a day', { ...good, period: '2026-12-01' }, 'period'],
    ['a missing perPersonFen', { ...good, perPersonFen: undefined }, 'perPersonFen'],
    ['fractional fen', { ...good, perPersonFen: 10.5 }, 'perPersonFen'],
    ['perPersonFen for the monthly benefit', { ...good, program: 'MONTHLY_BENEFIT' }, 'perPersonFen'],
    ['an unknown category', { ...good, categories: ['RICH'] }, 'categories.0'],
    ['no categories', { ...good, categories: [] }, 'categories'],
  ])('%s', async (_name, body, field) => {
    const before = await batchCount();
    const response = await createBatch(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await batchCount()).toBe(before);
  });

  it('lets only finance prepare, see and approve batches', async () => {
    for (const token of [await stack.token('caseworker', 'cw'), await stack.token('reviewer', 'rv'), await stack.token('hospital', 'h', 'H-YZ-PEOPLES')]) {
      expect((await createBatch(good, token)).status).toBe(403);
      expect((await stack.call('GET', '/payout-batches/pb_x', { token })).status).toBe(403);
      expect((await stack.call('POST', '/payout-batches/pb_x/approve', { token })).status).toBe(403);
    }
    expect((await stack.call('GET', '/payout-batches/pb_missing', { token: maker })).status).toBe(404);
    expect((await stack.call('GET', '/payout-batches/pb_missing/payments?limit=501', { token: maker })).body.error.details[0].path).toBe('limit');
  });
});

