// npm run bench:reports: a registry of BENCH_PEOPLE people (default 100,000) and a year of monthly
// payouts to BENCH_PAYEES of them (default all), written to the source tables as the import and
// the payout pipeline write them; the stream consumers maintain the figures; then GET
// /reports/annual and /reports/monthly are timed (target p99 ≤ 500 ms) and the figures are
// checked against the independent recount.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/stack.ts';
import { documents } from '../shared/adapters/clients.ts';
import { batchPut } from '../shared/adapters/dynamo-batch.ts';
import { tableName } from '../shared/adapters/resources.ts';
import { recipientCategories } from '../shared/domain/registry.ts';
import { recountYear } from '../shared/usecases/figures.ts';
import { benchIdNumber } from './fixtures.ts';

const people = Number(process.env.BENCH_PEOPLE ?? 100_000);
const payees = Math.min(people, Number(process.env.BENCH_PAYEES ?? people));
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const year = '2024';
const townships = ['真州镇', '青山镇', '新集镇', '新城镇', '马集镇', '刘集镇', '陈集镇', '大仪镇', '月塘镇', '枣林湾', '经济开发区', '化工园区'];

const stack = await startLocalStack({ onError: (m) => console.error(m) });
try {
  const started = Date.now();
  const recipients = Array.from({ length: people }, (_, n) => {
    const category = recipientCategories[n % 3]!;
    const since = `${2015 + (n % 10)}-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`;
    return {
      idNumber: benchIdNumber(n),
      recipientId: `rcp_bench_${n}`,
      householdId: `HH-${Math.floor(n / 2)}`,
      name: `对象${n}`,
      category,
      township: townships[Math.floor(n / 2) % townships.length]!,
      monthlyBenefitFen: 90000,
      since,
      bankName: '江苏银行',
      bankAccount: `6228${String(n).padStart(12, '0')}`,
      status: 'ACTIVE',
      importId: 'bench',
      history: [{ at: '2024-12-31T02:00:00.000Z', by: 'bench', action: 'IMPORTED', reason: 'bench', category, status: 'ACTIVE', since }],
    };
  });
  await batchPut(tableName('recipients'), recipients);
  const seededRegistry = (Date.now() - started) / 1000;

  for (let m = 1; m <= 12; m++) {
    const period = `${year}-${String(m).padStart(2, '0')}`;
    const batchId = `pb_bench_${period}`;
    await documents().send(
      new PutCommand({
        TableName: tableName('payoutBatches'),
        Item: { batchId, program: 'MONTHLY_BENEFIT', period, title: 'bench', categories: ['DIBAO'], status: 'RECONCILED', history: [] },
      }),
    );
    await batchPut(
      tableName('payments'),
      Array.from({ length: payees }, (_, n) => ({
        batchId,
        endToEndId: `E${period.replace('-', '')}${String(n).padStart(8, '0')}`,
        recipientId: `rcp_bench_${n}`,
        claimKey: `MONTHLY_BENEFIT#${period}#rcp_bench_${n}`,
        creditorName: `对象${n}`,
        bankName: '江苏银行',
        bankAccount: `6228${String(n).padStart(12, '0')}`,
        amountFen: 90000,
        // One in a hundred returned by the bank after settling.
        status: n % 100 === 7 ? 'RETURNED' : 'SETTLED',
      })),
    );
  }
  const seeded = (Date.now() - started) / 1000;
  await stack.streamsDrained();
  const maintained = (Date.now() - started) / 1000;
  const changes = people + 12 * payees;
  console.log(`registry: ${people} people; payouts: 12 monthly batches × ${payees} = ${12 * payees} payments`);
  console.log(`seeded source tables in ${seeded.toFixed(1)} s (registry ${seededRegistry.toFixed(1)} s); figures maintained from the streams after ${maintained.toFixed(1)} s (${(changes / maintained).toFixed(0)} changes/s end to end)`);

  const token = await stack.keys.sign({ role: 'reviewer', sub: 'bench' });
  const time = async (path: string) => {
    const samples: number[] = [];
    let body: unknown;
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      const response = await fetch(stack.url + path, { headers: { authorization: `Bearer ${token}` } });
      body = await response.json();
      samples.push(performance.now() - t0);
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    }
    samples.sort((a, b) => a - b);
    const q = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!.toFixed(0);
    console.log(`GET ${path}: ${requests} requests, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms (target p99 ≤ 500 ms)`);
    return body as Record<string, any>;
  };
  const annual = await time(`/reports/annual?year=${year}`);
  const monthly = await time(`/reports/monthly?month=${year}-06`);
  console.log(
    `annual ${year}: people at year end ${JSON.stringify(Object.fromEntries(Object.entries(annual.registry.byCategory).map(([c, v]) => [c, (v as any).people])))}; ` +
      `MONTHLY_BENEFIT ${JSON.stringify(annual.payouts.byProgram.MONTHLY_BENEFIT)}; monthly ${year}-06 DIBAO spending ${monthly.categories.DIBAO.spendingFen} fen`,
  );
  const t0 = performance.now();
  const recount = await recountYear(year, new Date());
  console.log(`recount of ${year} from the source records: ${recount.matches ? 'equal to the maintained figures' : `${recount.differences.length} differences`} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  for (const d of recount.differences.slice(0, 10)) console.log(`  ${d}`);
  if (!recount.matches) process.exitCode = 1;
} finally {
  await stack.stop();
}
