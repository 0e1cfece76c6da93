// Bank files split at the payer bank's per-file limit, through the real local stack (HTTP, SQS,
// DynamoDB, S3): a batch above the limit is written as parts, each a whole CSV and pain.001 with
// its own MsgId, NbOfTxs and CtrlSum; the API lists every part and keeps `files` for one-part
// batches only; the bank's reports for any part reconcile, and a whole-file rejection of one part
// returns that part's payments only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { CSV_COLUMNS } from '../../shared/domain/payouts/bank-files.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { at, parseCsv, textAt, xmlTree } from '../unit/payouts/helpers.ts';

let stack: TestStack;
let maker: string;
let checker: string;

// 23 DIBAO and 4 TEKUN recipients; the bank takes at most 10 payments a file here (the env lowers data/payer.json's).
const maxPerFile = 10;
const dibao = 23;
const tekun = 4;
const benefit = (n: number) => 60_000 + (n % 5) * 1_001;

interface PartView {
  part: number;
  messageId: string;
  count: number;
  totalFen: number;
  csvUrl: string;
  pain001Url: string;
}

async function inStatus(id: string, statuses: string[]) {
  return eventually(async () => {
    const r = await stack.call('GET', `/payout-batches/${id}`, { token: maker });
    return statuses.includes(r.body.status) ? r.body : undefined;
  }, 60_000, `batch ${id} in ${statuses.join('/')}`);
}

async function paidOutBatch(body: Record<string, unknown>) {
  const created = await stack.call('POST', '/payout-batches', { token: maker, body });
  expect(created.status).toBe(201);
  const planned = await inStatus(created.body.id, ['PENDING_APPROVAL', 'FAILED']);
  expect(planned.status).toBe('PENDING_APPROVAL');
  expect((await stack.call('POST', `/payout-batches/${planned.id}/approve`, { token: checker })).status).toBe(202);
  return inStatus(planned.id, ['PAID_OUT', 'FAILED']);
}

async function payments(id: string) {
  const items: Array<{ endToEndId: string; amountFen: number; status: string; returnReason?: string }> = [];
  let nextToken: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(nextToken && { nextToken }) });
    const r = await stack.call('GET', `/payout-batches/${id}/payments?${query}`, { token: maker });
    expect(r.status).toBe(200);
    items.push(...r.body.items);
    nextToken = r.body.nextToken;
  } while (nextToken);
  return items;
}

async function postReport(batchId: string, body: string, contentType: string) {
  const posted = await stack.call('POST', `/payout-batches/${batchId}/bank-results`, { token: maker, rawBody: body, contentType });
  expect(posted.status).toBe(202);
  return eventually(async () => {
    const r = await stack.call('GET', `/payout-batches/${batchId}/bank-results/${posted.body.reportId}`, { token: maker });
    return r.body.status === 'APPLYING' ? undefined : r.body;
  }, 30_000, 'report applied');
}

/** A part's two files read back: the CSV's rows and the pain.001's header and transactions. */
async function readPart(part: PartView) {
  // Decoded keeping the BOM (Response.text() drops it): each part starts with its own.
  const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await (await fetch(part.csvUrl)).arrayBuffer());
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const rows = parseCsv(csv.slice(1));
  expect(rows[0]).toEqual([...CSV_COLUMNS]);
  const doc = at(xmlTree(await (await fetch(part.pain001Url)).text()), 'CstmrCdtTrfInitn');
  const txs = at(doc, 'PmtInf').children.filter((c) => c.name === 'CdtTrfTxInf');
  const fen = (yuan: string) => Math.round(Number(yuan) * 100);
  return {
    csvIds: rows.slice(1).map((r) => r[0]!),
    csvFen: rows.slice(1).reduce((sum, r) => sum + Number(r[5]), 0),
    msgId: textAt(doc, 'GrpHdr', 'MsgId'),
    nbOfTxs: Number(textAt(doc, 'GrpHdr', 'NbOfTxs')),
    ctrlSumFen: fen(textAt(doc, 'GrpHdr', 'CtrlSum')),
    xmlIds: txs.map((tx) => textAt(tx, 'PmtId', 'EndToEndId')),
    xmlFen: txs.reduce((sum, tx) => sum + fen(textAt(tx, 'Amt', 'InstdAmt')), 0),
  };
}

beforeAll(async () => {
  process.env.TUODI_MAX_PAYMENTS_PER_FILE = String(maxPerFile);
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
  checker = await stack.token('finance', 'finance-checker');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const lines = Array.from({ length: dibao + tekun }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(n, '19600101'), n < dibao ? 'DIBAO' : 'TEKUN', '真州镇', String(benefit(n)), '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
  );
  const created = await stack.call('POST', '/recipients/imports', {
    token: reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  const done = await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return ['COMPLETED', 'FAILED'].includes(r.body?.status) ? r.body : undefined;
  }, 200_000, 'the registry import');
  expect(done).toMatchObject({ status: 'COMPLETED', imported: dibao + tekun });
}, 300_000);
afterAll(async () => {
  delete process.env.TUODI_MAX_PAYMENTS_PER_FILE;
  await stack?.stop();
});

describe('a batch above the payer bank’s per-file limit', () => {
  let batch: { id: string; planned: { count: number; totalFen: number }; files: unknown; fileParts: PartView[] };

  it('is written as parts of at most the limit, each a whole CSV and pain.001, adding up to the batch', async () => {
    batch = await paidOutBatch({ program: 'MONTHLY_BENEFIT', period: '2026-12', title: '低保金 2026-12', categories: ['DIBAO'] });
    expect(batch).toMatchObject({ status: 'PAID_OUT', planned: { count: dibao }, files: null });
    const parts = batch.fileParts;
    expect(parts.map((p) => [p.part, p.count])).toEqual([[1, 10], [2, 10], [3, 3]]);
    expect(parts.reduce((sum, p) => sum + p.totalFen, 0)).toBe(batch.planned.totalFen);

    const all = await payments(batch.id);
    const seen: string[] = [];
    for (const part of parts) {
      const file = await readPart(part);
      expect(file.msgId).toBe(`${batch.id}-${part.part}`);
      expect(part.messageId).toBe(file.msgId);
      expect([file.nbOfTxs, file.xmlIds.length, file.csvIds.length]).toEqual([part.count, part.count, part.count]);
      expect([file.ctrlSumFen, file.xmlFen, file.csvFen]).toEqual([part.totalFen, part.totalFen, part.totalFen]);
      expect(file.xmlIds).toEqual(file.csvIds);
      seen.push(...file.csvIds);
    }
    // Every payment in exactly one part, in endToEndId order.
    expect(seen).toEqual(all.map((p) => p.endToEndId).sort());
    expect(new Set(seen).size).toBe(dibao);
  });

  it('reconciles a pain.002 for part 2, by endToEndId', async () => {
    const part2 = await readPart(batch.fileParts[1]!);
    const pain002 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>BANK-P2</MsgId><CreDtTm>2026-12-02T10:00:00+08:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>${part2.msgId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>${part2.msgId}</OrgnlPmtInfId>
${part2.xmlIds.map((id, i) => `<TxInfAndSts><OrgnlEndToEndId>${id}</OrgnlEndToEndId><TxSts>${i === 0 ? 'RJCT' : 'ACSC'}</TxSts>${i === 0 ? '<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>' : ''}</TxInfAndSts>`).join('\n')}
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`;
    expect(await postReport(batch.id, pain002, 'application/xml')).toMatchObject({ status: 'APPLIED', settled: 9, returned: 1, unknownCount: 0 });
    const view = (await stack.call('GET', `/payout-batches/${batch.id}`, { token: maker })).body;
    expect(view).toMatchObject({ status: 'PAID_OUT', reconciliation: { settled: 9, returned: 1, pending: dibao - 10 } });
  });

  it('applies a whole-file rejection of part 1 to part 1’s payments only, leaving part 3 pending', async () => {
    const part1 = await readPart(batch.fileParts[0]!);
    const rejection = (msgId: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>RPT-DUPL</MsgId><CreDtTm>2026-12-03T10:00:00+08:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>${msgId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>RJCT</GrpSts>
<StsRsnInf><Rsn><Cd>DUPL</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>`;
    // The batch id alone names no file of a batch in parts.
    const bare = await postReport(batch.id, rejection(batch.id), 'application/xml');
    const refused = await stack.call('POST', `/payout-batches/${batch.id}/bank-results/${bare.reportId}/return-all`, { token: maker, body: { reason: '整批退回' } });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'INVALID_STATE']);

    const report = await postReport(batch.id, rejection(part1.msgId), 'application/xml');
    const returned = await stack.call('POST', `/payout-batches/${batch.id}/bank-results/${report.reportId}/return-all`, { token: maker, body: { reason: '银行以重复文件退回第1个文件' } });
    expect(returned.status).toBe(202);
    const applied = await eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batch.id}/bank-results/${report.reportId}`, { token: maker });
      return r.body.status === 'APPLIED' ? r.body : undefined;
    }, 30_000, 'the return-all applied');
    expect(applied).toMatchObject({ returned: 10, returnAll: { part: { part: 1, messageId: part1.msgId } } });
    const view = (await stack.call('GET', `/payout-batches/${batch.id}`, { token: maker })).body;
    expect(view).toMatchObject({ status: 'PAID_OUT', reconciliation: { settled: 9, returned: 11, pending: 3 } });
    const byId = new Map((await payments(batch.id)).map((p) => [p.endToEndId, p]));
    for (const id of part1.csvIds) expect(byId.get(id)).toMatchObject({ status: 'RETURNED', returnReason: expect.stringContaining('(DUPL)') });
    for (const id of (await readPart(batch.fileParts[2]!)).csvIds) expect(byId.get(id)?.status).toBe('RECORDED');
  });

  it('reconciles a CSV report for part 3, and the batch is RECONCILED', async () => {
    const part3 = await readPart(batch.fileParts[2]!);
    const csv = ['endToEndId,status,reason', ...part3.csvIds.map((id) => `${id},ACSC,`)].join('\n');
    expect(await postReport(batch.id, csv, 'text/csv')).toMatchObject({ status: 'APPLIED', settled: 3, returned: 0, unknownCount: 0 });
    const reconciled = await inStatus(batch.id, ['RECONCILED']);
    expect(reconciled.reconciliation).toEqual({ settled: 12, returned: 11, pending: 0 });
  });
});

describe('a batch within the limit', () => {
  it('keeps `files` as before parts existed, and lists its one part named by the batch id', async () => {
    const batch = await paidOutBatch({ program: 'MONTHLY_BENEFIT', period: '2026-12', title: '特困 2026-12', categories: ['TEKUN'] });
    expect(batch).toMatchObject({ status: 'PAID_OUT', planned: { count: tekun } });
    expect(batch.files).toEqual({ csvUrl: expect.stringContaining('/payments.csv'), pain001Url: expect.stringContaining('/pain.001.xml') });
    expect(batch.fileParts).toEqual([
      { part: 1, messageId: batch.id, count: tekun, totalFen: batch.planned.totalFen, csvUrl: batch.files.csvUrl, pain001Url: batch.files.pain001Url },
    ]);
    const file = await readPart(batch.fileParts[0]);
    expect([file.msgId, file.nbOfTxs, file.ctrlSumFen]).toEqual([batch.id, tekun, batch.planned.totalFen]);
  });
});
