// 统计 end to end: registry imports and status changes flow through the recipients table's stream
// into the maintained figures; the reports answer from them as JSON, workbook and CSV.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { dateInChina } from '../../shared/domain/clock.ts';
import { loadHandler, lambdaContext } from '../../local/lambda-runtime.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

let stack: TestStack;
let reviewer: string;
let finance: string;

/** The source's 77 marginal households, 180 people: 26 households of three and 51 of two. */
function marginalHouseholds(): { csv: string; idNumbers: string[] } {
  const lines = [registryCsvColumns.join(',')];
  const idNumbers: string[] = [];
  let person = 0;
  for (let h = 0; h < 77; h++) {
    const size = h < 26 ? 3 : 2;
    for (let m = 0; m < size; m++) {
      const idNumber = validIdNumber(person, '19700101');
      idNumbers.push(idNumber);
      const since = `2022-${String((person % 12) + 1).padStart(2, '0')}-15`;
      lines.push([`MB-${h}`, `边缘${person}`, idNumber, 'MARGINAL', h % 2 ? '真州镇' : '月塘镇', '0', since, '江苏银行', `62284800${String(person).padStart(8, '0')}`].join(','));
      person++;
    }
  }
  return { csv: lines.join('\n'), idNumbers };
}

async function annual(year: string) {
  const r = await stack.call('GET', `/reports/annual?year=${year}`, { token: reviewer });
  expect(r.status).toBe(200);
  return r.body;
}

beforeAll(async () => {
  stack = await startTestStack();
  reviewer = await stack.token('reviewer', 'reviewer-1');
  finance = await stack.token('finance', 'finance-1');
});
afterAll(async () => stack?.stop());

describe('reports', () => {
  let idNumbers: string[] = [];

  it('counts the 77 marginal households and 180 people recognised in 2022', async () => {
    const source = marginalHouseholds();
    idNumbers = source.idNumbers;
    const started = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: source.csv, contentType: 'text/csv' });
    expect(started.status).toBe(202);
    const report = await eventually(async () => {
      const body = await annual('2022');
      return body.registry.recognisedInYear.MARGINAL.people === 180 ? body : undefined;
    }, 480_000, 'the 2022 figures');
    // A report reads its counter families one query each: read again once the consumers are idle.
    await stack.streamsDrained();
    Object.assign(report, await annual('2022'));
    expect(report.registry.recognisedInYear.MARGINAL).toEqual({ households: 77, people: 180 });
    expect(report.registry.byCategory.MARGINAL).toEqual({ households: 77, people: 180 });
    expect(report.registry.recognisedInYear.DIBAO).toEqual({ households: 0, people: 0 });
    expect(report.registry.asOf).toBe('2022-12-31');
    expect(report.generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(report.coverage).toMatchObject({ complete: false, registryRecordedFrom: dateInChina(new Date()) });
    // Each township holds more than four: shown as numbers.
    expect(report.registry.byTownship['真州镇'].MARGINAL.people).toBeGreaterThan(4);
    // Nobody was recognised in 2021.
    expect((await annual('2021')).registry.byCategory.MARGINAL).toEqual({ households: 0, people: 0 });
  }, 540_000);

  it('answers the monthly lines; a suspension is a leaving on its day; a filed copy stays as filed', async () => {
    const month = dateInChina(new Date()).slice(0, 7);
    const before = await stack.call('GET', `/reports/monthly?month=${month}`, { token: finance });
    expect(before.status).toBe(200);
    expect(before.body.categories.MARGINAL).toMatchObject({ people: 180, households: 77, peopleLeft: 0 });
    const filed = await stack.call('POST', `/reports/monthly/${month}/filings`, { token: finance, body: { reason: '月报报送' } });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ month, filedBy: 'finance-1', report: { categories: { MARGINAL: { people: 180 } } } });

    const suspended = await stack.call('POST', '/recipients/suspensions', { token: reviewer, body: { idNumber: idNumbers[0], reason: '入户核查期间暂停' } });
    expect(suspended.status).toBe(200);
    const after = await eventually(async () => {
      const r = await stack.call('GET', `/reports/monthly?month=${month}`, { token: finance });
      return r.body.categories.MARGINAL.peopleLeft === 1 ? r.body : undefined;
    }, 120_000, 'the suspension counted');
    expect(after.categories.MARGINAL).toMatchObject({ people: 179, households: 77, peopleLeft: 1 });

    const filings = await stack.call('GET', `/reports/monthly/${month}/filings`, { token: reviewer });
    expect(filings.body.items).toHaveLength(1);
    expect(filings.body.items[0].report.categories.MARGINAL).toMatchObject({ people: 180, peopleLeft: 0 });
  }, 240_000);

  it('gives a workbook with a sheet per table and numbers as numbers, and a CSV', async () => {
    const response = await fetch(`${stack.url}/reports/annual?year=2022&format=xlsx`, { headers: { authorization: `Bearer ${reviewer}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['在册对象', '年内认定', '补贴发放', '临时救助等', '医疗救助', '分镇街']);
    const recognised = workbook.getWorksheet('年内认定')!;
    expect(recognised.getRow(1).values).toEqual([undefined, '类别', '户数', '人数']);
    expect(recognised.getRow(3).values).toEqual([undefined, '低保边缘家庭', 77, 180]);

    const csv = await stack.call('GET', '/reports/monthly?month=2022-12&format=csv', { token: reviewer });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('社会救助,低保边缘家庭,月末人数,180');

    // And the other way round: the monthly report as a workbook, the annual one as CSV.
    const monthlyBook = await fetch(`${stack.url}/reports/monthly?month=2022-12&format=xlsx`, { headers: { authorization: `Bearer ${reviewer}` } });
    expect(monthlyBook.status).toBe(200);
    const monthly = new ExcelJS.Workbook();
    await monthly.xlsx.load(Buffer.from(await monthlyBook.arrayBuffer()) as never);
    expect(monthly.worksheets.map((s) => s.name)).toEqual(['社会救助', '补贴发放', '临时救助等', '医疗救助', '分镇街']);
    // 15 of the 180 have their since in December 2022.
    const marginalLine = monthly.getWorksheet('社会救助')!.getRow(3).values as unknown[];
    expect(marginalLine.slice(1, 5)).toEqual(['低保边缘家庭', 77, 180, 15]);
    expect(marginalLine.slice(2).every((v) => typeof v === 'number')).toBe(true);
    const annualCsv = await stack.call('GET', '/reports/annual?year=2022&format=csv', { token: reviewer });
    expect(annualCsv.status).toBe(200);
    expect(annualCsv.text).toContain('年内认定,低保边缘家庭,人数,180');
  });

  it('refuses hospitals and bad parameters', async () => {
    const hospital = await stack.token('hospital', 'his-1', 'H-YZ-PEOPLES');
    expect((await stack.call('GET', '/reports/annual?year=2022', { token: hospital })).status).toBe(403);
    const bad = await stack.call('GET', '/reports/monthly?month=2022-13', { token: reviewer });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('month');
    expect((await stack.call('GET', '/reports/annual?year=2022&format=pdf', { token: reviewer })).status).toBe(400);
  });

  it("splits a batch paying Dibao and 特困 by each payee's category, returns after settlement taken out", async () => {
    // 3 DIBAO and 2 TEKUN people (the 180 MARGINAL ones are not in the batch).
    const people = [0, 1, 2, 3, 4].map((n) => ({ idNumber: validIdNumber(n, '19600202'), category: n < 3 ? 'DIBAO' : 'TEKUN' }));
    const csv = [
      registryCsvColumns.join(','),
      ...people.map((p, n) => [`MC-${n}`, `混合${n}`, p.idNumber, p.category, '真州镇', '90000', '2024-01-15', '江苏银行', `62284811${String(n).padStart(8, '0')}`].join(',')),
    ].join('\n');
    const imported = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv, contentType: 'text/csv' });
    expect(imported.status).toBe(202);
    await eventually(async () => {
      const r = await stack.call('GET', `/recipients/imports/${imported.body.importId}`, { token: reviewer });
      return ['COMPLETED', 'FAILED'].includes(r.body?.status) ? r.body : undefined;
    }, 200_000, 'the import');
    const maker = await stack.token('finance', 'finance-maker');
    const month = dateInChina(new Date()).slice(0, 7);
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'PRICE_SUBSIDY', period: month, title: `价格临时补贴 ${month}`, categories: ['DIBAO', 'TEKUN'], perPersonFen: 5_000 },
    });
    expect(created.status).toBe(201);
    const batchId = created.body.id as string;
    const inStatus = (statuses: string[]) =>
      eventually(async () => {
        const r = await stack.call('GET', `/payout-batches/${batchId}`, { token: maker });
        return statuses.includes(r.body.status) ? r.body : undefined;
      }, 200_000, `the batch ${statuses.join('/')}`);
    expect(await inStatus(['PENDING_APPROVAL', 'FAILED'])).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: 5 } });
    expect((await stack.call('POST', `/payout-batches/${batchId}/approve`, { token: finance })).status).toBe(202);
    await inStatus(['PAID_OUT']);
    const payments = (await stack.call('GET', `/payout-batches/${batchId}/payments?limit=100`, { token: maker })).body.items as Array<{ endToEndId: string; recipientId: string }>;
    expect(payments).toHaveLength(5);
    const bank = async (lines: string[]) => {
      const posted = await stack.call('POST', `/payout-batches/${batchId}/bank-results`, { token: maker, rawBody: ['endToEndId,status,reason', ...lines].join('\n'), contentType: 'text/csv' });
      expect(posted.status).toBe(202);
      await eventually(async () => {
        const r = await stack.call('GET', `/payout-batches/${batchId}/bank-results/${posted.body.reportId}`, { token: maker });
        return r.body.status === 'APPLIED' ? r.body : undefined;
      }, 120_000, 'the bank report applied');
    };
    await bank(payments.map((p) => `${p.endToEndId},ACSC,`));
    const spending = async (expected: (body: any) => boolean) =>
      eventually(async () => {
        const r = await stack.call('GET', `/reports/monthly?month=${month}`, { token: reviewer });
        return expected(r.body) ? r.body : undefined;
      }, 120_000, "the month's spending");
    const settled = await spending((b) => b.payouts.byProgram.PRICE_SUBSIDY.personTimes === 5);
    expect([settled.categories.DIBAO.spendingFen, settled.categories.TEKUN.spendingFen, settled.mixedCategorySpendingFen]).toEqual([15_000, 10_000, 0]);
    // The bank returns one 特困 payment after it had settled.
    const tekun = await stack.call('GET', `/recipients?idNumber=${people[3]!.idNumber}`, { token: reviewer });
    expect(tekun.body.items[0]).toMatchObject({ category: 'TEKUN' });
    const returned = payments.find((p) => p.recipientId === tekun.body.items[0].recipientId)!;
    expect(returned).toBeDefined();
    await bank([`${returned.endToEndId},RJCT,AC04 closed account`]);
    const after = await spending((b) => b.payouts.byProgram.PRICE_SUBSIDY.personTimes === 4);
    expect([after.categories.DIBAO.spendingFen, after.categories.TEKUN.spendingFen, after.categories.MARGINAL.spendingFen, after.mixedCategorySpendingFen]).toEqual([15_000, 5_000, 0, 0]);
  }, 600_000);

  it('the recount job finds the maintained figures equal to the source records', async () => {
    await stack.streamsDrained();
    const recount = await loadHandler('recountFigures');
    for (const asOf of ['2022-12-31', dateInChina(new Date())]) {
      const result = (await recount({ job: 'recount-figures', asOf }, lambdaContext('recountFigures'))) as { matches: boolean; differences: string[] };
      expect(result.differences).toEqual([]);
      expect(result.matches).toBe(true);
    }
  }, 240_000);
});
