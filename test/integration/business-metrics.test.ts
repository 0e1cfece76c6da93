// Issue 13, part 7: the business metrics leave the real local stack as CloudWatch EMF lines. The
// local stack runs every function in this process, and Powertools metrics prints its EMF documents
// to process.stdout (as Lambda, whose log agent turns them into metrics): the test reads them there,
// swallowing only EMF lines. Nothing of AWS is mocked; the flows go through HTTP, SQS and DynamoDB.
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { metricsNamespace } from '../../shared/observability/metrics.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber, withWrongCheckDigit } from '../support/id-numbers.ts';

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [field: string]: unknown;
}

const emitted: Emf[] = [];
let stdoutWrite: MockInstance<typeof process.stdout.write>;

/** Starts reading EMF lines from this process's stdout; every other line is written as before. */
function captureEmf() {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  stdoutWrite = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const lines = String(chunk).split('\n');
    const emf = lines.filter((line) => line.includes('"_aws"'));
    for (const line of emf) emitted.push(JSON.parse(line) as Emf);
    return emf.length === lines.filter(Boolean).length && emf.length > 0 ? true : write(chunk, ...rest);
  }) as typeof process.stdout.write);
}

/** The total a metric's EMF lines counted under one dimension value, each line checked for namespace, unit and dimension. */
function counted(metric: string, dimension: string, value: string): number {
  return emitted
    .filter((document) => document._aws.CloudWatchMetrics.some((d) => d.Metrics.some((m) => m.Name === metric)))
    .filter((document) => {
      const [directive] = document._aws.CloudWatchMetrics;
      expect(directive).toMatchObject({ Namespace: metricsNamespace, Metrics: [{ Name: metric, Unit: 'Count' }] });
      expect(directive!.Dimensions[0]).toContain(dimension);
      return document[dimension] === value;
    })
    .reduce((sum, document) => sum + Number(document[metric]), 0);
}

let stack: TestStack;
let reviewer: string;
const people = [1, 2, 3].map((n) => ({ idNumber: validIdNumber(400 + n), name: `郑${'一二三'[n - 1]}` }));
const row = (who: { idNumber: string; name: string }, n: number) =>
  [`HH-M${n}`, who.name, who.idNumber, 'DIBAO', '真州镇', '90000', '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(',');

async function importCsv(lines: string[]) {
  const created = await stack.call('POST', '/recipients/imports', {
    token: reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  expect(created.status).toBe(202);
  return eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return ['COMPLETED', 'FAILED'].includes(r.body?.status) ? r.body : undefined;
  }, 60_000, 'the registry import');
}

beforeAll(async () => {
  captureEmf();
  stack = await startTestStack();
  reviewer = await stack.token('reviewer', 'reviewer-1');
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  stdoutWrite?.mockRestore();
});

describe('business metrics through the local stack', () => {
  it('an import with a bad line emits ImportLinesRejected by the line’s reason code', async () => {
    const bad = { idNumber: withWrongCheckDigit(validIdNumber(409)), name: '错号' };
    const result = await importCsv([...people.map(row), row(bad, 9)]);
    expect(result).toMatchObject({ status: 'COMPLETED', imported: 3 });
    expect(result.rejected).toHaveLength(1);
    expect(counted('ImportLinesRejected', 'reason', 'ID_NUMBER_CHECK_DIGIT')).toBe(1);
  });

  it('deciding a hospital notice emits NoticesDecided by its outcome', async () => {
    const hospital = await stack.token('hospital', 'his-peoples', 'H-YZ-PEOPLES');
    const before = counted('NoticesDecided', 'outcome', 'GUARANTEED');
    const posted = await stack.call('POST', '/hospital-notices', {
      token: hospital,
      body: { noticeNo: `ZY-M-${Date.now()}`, kind: 'ADMISSION', patient: people[0], admittedAt: '2026-11-20T09:00:00+08:00' },
    });
    expect([200, 202]).toContain(posted.status);
    const notice = await eventually(async () => {
      const r = await stack.call('GET', `/hospital-notices/${posted.body.id}`, { token: hospital });
      return r.status === 200 && r.body.status !== 'RECEIVED' ? r.body : undefined;
    }, 30_000, 'the admission decided');
    expect(notice.status).toBe('GUARANTEED');
    // The worker and a waiting request may both try: only the one decision recorded is counted.
    expect(counted('NoticesDecided', 'outcome', 'GUARANTEED') - before).toBe(1);
  });

  it('paying a batch emits PaymentsRecorded by program, once per payment', async () => {
    const maker = await stack.token('finance', 'finance-maker');
    const checker = await stack.token('finance', 'finance-checker');
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'PRICE_SUBSIDY', period: '2026-12', title: '价格临时补贴 2026-12', categories: ['DIBAO'], perPersonFen: 5_000 },
    });
    expect(created.status).toBe(201);
    const batchIn = (statuses: string[]) =>
      eventually(async () => {
        const r = await stack.call('GET', `/payout-batches/${created.body.id}`, { token: maker });
        return statuses.includes(r.body?.status) ? r.body : undefined;
      }, 60_000, `batch in ${statuses.join('/')}`);
    expect(await batchIn(['PENDING_APPROVAL', 'FAILED'])).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: 3 } });
    expect((await stack.call('POST', `/payout-batches/${created.body.id}/approve`, { token: checker })).status).toBe(202);
    expect(await batchIn(['PAID_OUT', 'FAILED'])).toMatchObject({ status: 'PAID_OUT', progress: { recorded: 3 } });
    expect(counted('PaymentsRecorded', 'program', 'PRICE_SUBSIDY')).toBe(3);
  });
});
