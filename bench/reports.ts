// npm run bench:reports: a registry of BENCH_PEOPLE people (default 100,000) and a year of monthly
// payouts (12 batches, each paying BENCH_PAYEES of them, default all, across all three categories),
// then GET /reports/annual and /reports/monthly timed (target p99 ≤ 500 ms) and the figures checked
// against the independent recount.
//
// Seeding: the source records are written as the import and the payout pipeline leave them
// (recipients with their IMPORTED history entry; payments in their final state, SETTLED or
// RETURNED, with the payee's category), straight into the tables with BatchWriteItem. The stream
// consumers (functions/maintain-figures, polled as Lambda would) still do every bit of the
// aggregating: each written record is one stream record they apply. Going through the real flow
// (import, plan, pay, bank report) would write each payment three times (PLANNED, RECORDED, SETTLED:
// three stream records where one carries the figures) and take, at the bench:payouts rate
// measured quiet (1,182 payments/s end to end), about 17 minutes of planning and paying alone for
// 1,200,000 payments before the consumer's own work: the bench measures the reports, so it feeds
// the consumer what that flow would leave and times how long it takes to catch up.
// BENCH_MONTHS (default 12) shortens the year when the machine cannot take the full run;
// BENCH_QUIET_LOAD waits for a quiet machine between seeding and timing (below).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/stack.ts';
import { documents } from '../shared/adapters/clients.ts';
import { batchPut } from '../shared/adapters/dynamo-batch.ts';
import { tableName } from '../shared/adapters/resources.ts';
import { counterRanges } from '../shared/domain/figures.ts';
import { recipientCategories } from '../shared/domain/registry.ts';
import { recountYear } from '../shared/usecases/figures.ts';
import { benchIdNumber } from './fixtures.ts';

const people = Number(process.env.BENCH_PEOPLE ?? 100_000);
const payees = Math.min(people, Number(process.env.BENCH_PAYEES ?? people));
const months = Math.min(12, Number(process.env.BENCH_MONTHS ?? 12));
const requests = Number(process.env.BENCH_REQUESTS ?? 300);
const year = '2024';
const townships = ['真州镇', '青山镇', '新集镇', '新城镇', '马集镇', '刘集镇', '陈集镇', '大仪镇', '月塘镇', '枣林湾', '经济开发区', '化工园区'];
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const seconds = (from: number) => (performance.now() - from) / 1000;

console.log(`load average at start: ${load()}`);
const stack = await startLocalStack({ onError: (m) => console.error(m) });
try {
  const category = (n: number) => recipientCategories[n % 3]!;
  const recipients = Array.from({ length: people }, (_, n) => {
    const since = `${2015 + (n % 10)}-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`;
    return {
      idNumber: benchIdNumber(n),
      recipientId: `rcp_bench_${n}`,
      householdId: `HH-${Math.floor(n / 2)}`,
      name: `对象${n}`,
      category: category(n),
      township: townships[Math.floor(n / 2) % townships.length]!,
      monthlyBenefitFen: 90000,
      since,
      bankName: '江苏银行',
      bankAccount: `6228${String(n).padStart(12, '0')}`,
      status: 'ACTIVE',
      importId: 'bench',
      history: [{ at: '2024-12-31T02:00:00.000Z', by: 'bench', action: 'IMPORTED', reason: 'bench', category: category(n), status: 'ACTIVE', since }],
    };
  });
  let t0 = performance.now();
  await batchPut(tableName('recipients'), recipients);
  const registryWritten = seconds(t0);
  t0 = performance.now();
  await stack.streamsDrained();
  const registryCaughtUp = seconds(t0);
  console.log(
    `registry: ${people} people written in ${registryWritten.toFixed(1)} s (${(people / registryWritten).toFixed(0)}/s); ` +
      `stream consumer caught up ${registryCaughtUp.toFixed(1)} s later`,
  );

  // Each month one MONTHLY_BENEFIT batch paying all three categories; one payment in a hundred returned after settling.
  t0 = performance.now();
  let paymentsWritten = 0;
  for (let m = 1; m <= months; m++) {
    const period = `${year}-${String(m).padStart(2, '0')}`;
    const batchId = `pb_bench_${period}`;
    await documents().send(
      new PutCommand({
        TableName: tableName('payoutBatches'),
        Item: { batchId, program: 'MONTHLY_BENEFIT', period, title: 'bench', categories: [...recipientCategories], status: 'RECONCILED', history: [] },
      }),
    );
    await batchPut(
      tableName('payments'),
      Array.from({ length: payees }, (_, n) => ({
        batchId,
        endToEndId: `E${period.replace('-', '')}${String(n).padStart(8, '0')}`,
        recipientId: `rcp_bench_${n}`,
        category: category(n),
        claimKey: `MONTHLY_BENEFIT#${period}#rcp_bench_${n}`,
        creditorName: `对象${n}`,
        bankName: '江苏银行',
        bankAccount: `6228${String(n).padStart(12, '0')}`,
        amountFen: 90000 + (n % 5) * 1000,
        status: n % 100 === 7 ? 'RETURNED' : 'SETTLED',
      })),
    );
    paymentsWritten += payees;
  }
  const paymentsWrittenIn = seconds(t0);
  t0 = performance.now();
  await stack.streamsDrained();
  const paymentsCaughtUp = seconds(t0);
  console.log(
    `payouts: ${months} monthly batches × ${payees} = ${paymentsWritten} payments written in ${paymentsWrittenIn.toFixed(1)} s ` +
      `(${(paymentsWritten / paymentsWrittenIn).toFixed(0)}/s); stream consumer caught up ${paymentsCaughtUp.toFixed(1)} s after the last write ` +
      `(consumer throughput at least ${(paymentsWritten / (paymentsWrittenIn + paymentsCaughtUp)).toFixed(0)} payments/s)`,
  );
  console.log(`load average after seeding: ${load()}`);

  // What a report costs is the counter items it reads (counterRanges), bounded by the years of
  // history and the townships, not by the people or payments counted.
  const itemsRead = async (until: string) => {
    let items = 0;
    for (const { pk, from, to } of counterRanges(until)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents().send(
          new QueryCommand({
            TableName: tableName('figures'),
            Select: 'COUNT',
            KeyConditionExpression: from === undefined ? 'pk = :pk AND sk < :to' : 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': pk, ':to': to, ...(from !== undefined && { ':from': from }) },
            ExclusiveStartKey: startKey,
          }),
        );
        items += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return items;
  };
  // BENCH_QUIET_LOAD: on a shared machine, seed now and time the reports once the 1-minute load
  // average falls below this (or the file BENCH_GO_FILE appears), so the latencies are the reports'.
  const quietLoad = Number(process.env.BENCH_QUIET_LOAD ?? 0);
  if (quietLoad > 0) {
    const waitStart = performance.now();
    while (loadavg()[0]! >= quietLoad && !(process.env.BENCH_GO_FILE && existsSync(process.env.BENCH_GO_FILE))) {
      await new Promise((r) => setTimeout(r, 10_000));
    }
    console.log(`waited ${seconds(waitStart).toFixed(0)} s for the load average to fall below ${quietLoad}: now ${load()}`);
  }
  console.log(`counter items a report reads: annual ${year} ${await itemsRead(year)}, monthly ${year}-06 ${await itemsRead(`${year}-06`)}`);

  const token = await stack.keys.sign({ role: 'reviewer', sub: 'bench' });
  const time = async (label: string, paths: string[]) => {
    const samples: number[] = [];
    for (let i = 0; i < requests; i++) {
      const path = paths[i % paths.length]!;
      const start = performance.now();
      const response = await fetch(stack.url + path, { headers: { authorization: `Bearer ${token}` } });
      const body = await response.text();
      samples.push(performance.now() - start);
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body}`);
    }
    samples.sort((a, b) => a - b);
    const q = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!.toFixed(0);
    console.log(`GET ${label}: ${requests} requests one at a time, p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms (target p99 ≤ 500 ms)`);
  };
  await time(`/reports/annual?year=${year}`, [`/reports/annual?year=${year}`]);
  const monthPaths = Array.from({ length: 12 }, (_, i) => `/reports/monthly?month=${year}-${String(i + 1).padStart(2, '0')}`);
  await time(`/reports/monthly?month=${year}-01…12 (in turn)`, monthPaths);
  console.log(`load average after timing: ${load()}`);

  const annual = (await (await fetch(`${stack.url}/reports/annual?year=${year}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, any>;
  const june = (await (await fetch(`${stack.url}/reports/monthly?month=${year}-06`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, any>;
  const returned = Array.from({ length: payees }, (_, n) => n).filter((n) => n % 100 === 7);
  const expectedFen = months * (Array.from({ length: payees }, (_, n) => 90000 + (n % 5) * 1000).reduce((a, b) => a + b, 0) - returned.reduce((a, n) => a + 90000 + (n % 5) * 1000, 0));
  console.log(
    `annual ${year}: people at year end ${JSON.stringify(Object.fromEntries(Object.entries(annual.registry.byCategory).map(([c, v]) => [c, (v as any).people])))}; ` +
      `MONTHLY_BENEFIT ${JSON.stringify(annual.payouts.byProgram.MONTHLY_BENEFIT)} (expected ${expectedFen} fen, ${months * (payees - returned.length)} person-times); ` +
      `${year}-06 spending by category ${JSON.stringify(Object.fromEntries(Object.entries(june.categories).map(([c, v]) => [c, (v as any).spendingFen])))}, mixed ${june.mixedCategorySpendingFen}`,
  );
  t0 = performance.now();
  const recount = await recountYear(year, new Date());
  console.log(
    `recount of ${year} (annual and each month) from the source records: ${recount.matches ? 'equal to the maintained figures' : `${recount.differences.length} differences`} (${seconds(t0).toFixed(1)} s)`,
  );
  for (const d of recount.differences.slice(0, 10)) console.log(`  ${d}`);
  if (!recount.matches || annual.payouts.byProgram.MONTHLY_BENEFIT.amountFen !== expectedFen) process.exitCode = 1;
} finally {
  await stack.stop();
}
