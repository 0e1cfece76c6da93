// npm run bench:reports: a registry of BENCH_PEOPLE people (default 100,000) and a year of monthly
// payouts (12 batches, each paying BENCH_PAYEES of them, default all, across all three categories),
// then GET /reports/annual and /reports/monthly timed (target p99 ≤ 500 ms) and the figures checked
// against the independent recount. Every figure is printed with the load average beside it.
//
// Seeding goes through the system's own write paths, driven at the adapters (not HTTP) with
// BENCH_WRITERS calls in flight (default 32), so the stream consumers see the events production
// would make: the registry through createRecipients (the import worker's conditional put per
// person, IMPORTED history entry); each month's payments through claimAndPlan (the planner's claim
// and PLANNED payment in one transaction, under a planning lease), putPayments as RECORDED (what
// the pay worker writes) and applyBankOutcome per payment (what a bank report does: SETTLED, and
// one in a hundred RETURNED after settling, which releases its claim): three or four stream
// records per payment, as in production. Left out: the HTTP edge, the queues and the bank files,
// which no figure reads.
// The stream consumers (functions/maintain-figures, polled as Lambda would) do all the
// aggregating; the bench prints their throughput (stream records/s) and what each record cost
// (transactions, ledger entries and counter-shard updates written: maintenanceCounts).
// BENCH_MONTHS (default 12) shortens the year; BENCH_QUIET_LOAD waits for a quiet machine
// between seeding and timing (below).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import pMap from 'p-map';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/stack.ts';
import { documents } from '../shared/adapters/clients.ts';
import { counterRows, counterShards } from '../shared/adapters/figure-store.ts';
import { acquireLease } from '../shared/adapters/lease.ts';
import { applyBankOutcome, claimAndPlan, putPayments } from '../shared/adapters/payout-store.ts';
import { createRecipients } from '../shared/adapters/registry-store.ts';
import { tableName } from '../shared/adapters/resources.ts';
import { counterRanges } from '../shared/domain/figures.ts';
import { paymentKey, type PaymentRecord } from '../shared/domain/payouts/batch.ts';
import { recipientCategories, type Recipient } from '../shared/domain/registry.ts';
import { maintenanceCounts, recountYear } from '../shared/usecases/figures.ts';
import { benchIdNumber } from './fixtures.ts';

const people = Number(process.env.BENCH_PEOPLE ?? 100_000);
const payees = Math.min(people, Number(process.env.BENCH_PAYEES ?? people));
const months = Math.min(12, Number(process.env.BENCH_MONTHS ?? 12));
const requests = Number(process.env.BENCH_REQUESTS ?? 300);
const writers = Number(process.env.BENCH_WRITERS ?? 32);
const year = '2024';
const townships = ['真州镇', '青山镇', '新集镇', '新城镇', '马集镇', '刘集镇', '陈集镇', '大仪镇', '月塘镇', '枣林湾', '经济开发区', '化工园区'];
const load = () => `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const seconds = (from: number) => (performance.now() - from) / 1000;
const rate = (n: number, s: number) => (n / s).toFixed(0);

/**
 * DynamoDB Local starved of CPU fails a write "waiting for a lock" (InternalServerError; real
 * DynamoDB would succeed, it says): the bench tries the same write again. `attempt` lets a
 * write tell a repeat of its own earlier success.
 */
async function persist<T>(write: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write(attempt);
    } catch (error) {
      if (attempt >= 30 || !/waiting for a lock|aborted/i.test((error as Error).message)) throw error;
      localLockRetries++;
      await new Promise((r) => setTimeout(r, 200 * Math.min(attempt + 1, 10)));
    }
  }
}
let localLockRetries = 0;

/** The maintainers' work since `before`: stream records, and per record the writes they made. */
function consumerWork(before: typeof maintenanceCounts, elapsed: number): string {
  const d = Object.fromEntries(Object.entries(maintenanceCounts).map(([k, v]) => [k, v - before[k as keyof typeof before]])) as typeof before;
  const per = (n: number) => (d.records > 0 ? (n / d.records).toFixed(3) : '-');
  return (
    `${d.records} stream records received (a failed batch received again counts again) in ${elapsed.toFixed(1)} s (${rate(d.records, elapsed)} records/s); per record: ` +
    `${per(d.transactions)} transactions, ${per(d.entryWrites)} ledger entries, ${per(d.counterUpdates)} counter-shard updates; ` +
    `${d.conflicts} conflicted transactions`
  );
}

console.log(`start (${load()}); ${people} people, ${payees} payees × ${months} months, ${writers} writers`);
const stack = await startLocalStack({ onError: (m) => console.error(m) });
try {
  const category = (n: number) => recipientCategories[n % 3]!;
  const recipients: Recipient[] = Array.from({ length: people }, (_, n) => {
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
      history: [{ at: '2024-12-31T02:00:00.000Z', by: 'bench', action: 'IMPORTED', reason: 'registry import bench', category: category(n), status: 'ACTIVE', since }],
    };
  });
  const slices = (n: number, size: number) => Array.from({ length: Math.ceil(n / size) }, (_, i) => [i * size, Math.min(n, (i + 1) * size)] as const);
  // createRecipients puts 32 at a time: writers/32 slices in flight.
  let before = { ...maintenanceCounts };
  let t0 = performance.now();
  await pMap(slices(people, 200), async ([from, to]) => {
    await persist(async (attempt) => {
      const notCreated = await createRecipients(recipients.slice(from, to));
      if (notCreated.size > 0 && attempt === 0) throw new Error(`${notCreated.size} people already in the registry`);
    });
  }, { concurrency: Math.max(1, Math.round(writers / 32)) });
  const registryWritten = seconds(t0);
  console.log(`registry: ${people} people written in ${registryWritten.toFixed(1)} s (${rate(people, registryWritten)} people/s) (${load()})`);
  await stack.streamsDrained();
  console.log(`registry stream consumer: caught up ${(seconds(t0) - registryWritten).toFixed(1)} s after the last write; ${consumerWork(before, seconds(t0))} (${load()})`);

  // Each month one MONTHLY_BENEFIT batch paying all three categories; one payment in a hundred returned after settling.
  before = { ...maintenanceCounts };
  t0 = performance.now();
  let plannedIn = 0;
  let recordedIn = 0;
  let bankIn = 0;
  for (let m = 1; m <= months; m++) {
    const period = `${year}-${String(m).padStart(2, '0')}`;
    const batchId = `pb_bench_${period}`;
    await documents().send(
      new PutCommand({
        TableName: tableName('payoutBatches'),
        Item: { batchId, program: 'MONTHLY_BENEFIT', period, title: 'bench', categories: [...recipientCategories], status: 'PAID_OUT', history: [] },
      }),
    );
    const payments: PaymentRecord[] = Array.from({ length: payees }, (_, n) => ({
      ...paymentKey({ batchId }, `E${period.replace('-', '')}${String(n).padStart(8, '0')}`),
      batchId,
      recipientId: `rcp_bench_${n}`,
      category: category(n),
      claimKey: `MONTHLY_BENEFIT#${period}#rcp_bench_${n}`,
      creditorName: `对象${n}`,
      bankName: '江苏银行',
      bankAccount: `6228${String(n).padStart(12, '0')}`,
      amountFen: 90000 + (n % 5) * 1000,
      status: 'RECORDED',
      recordedAt: `${period}-05T02:00:00.000Z`,
    }));
    // Planned as the planner plans: claim and PLANNED payment together, beside its lease's fence.
    let t1 = performance.now();
    const progressKey = { batchId, entry: 'plan#bench' };
    await documents().send(new PutCommand({ TableName: tableName('payoutProgress'), Item: progressKey }));
    const acquired = await acquireLease({ table: 'payoutProgress', key: progressKey, name: 'plan' }, { owner: 'bench', durationMs: 3_600_000, now: new Date() });
    if (!acquired) throw new Error('the bench could not take its own planning lease');
    const planned = await persist(() => claimAndPlan(payments.map((p) => ({ ...p, status: 'PLANNED' as const, recordedAt: undefined })), `${period}-04T02:00:00.000Z`, acquired.lease, writers));
    if (planned.written + planned.alreadyInBatch !== payees) throw new Error(`${period}: planned ${planned.written + planned.alreadyInBatch} of ${payees}`);
    plannedIn += seconds(t1);
    t1 = performance.now();
    await pMap(slices(payees, 25 * 8), ([from, to]) => persist(() => putPayments(payments.slice(from, to))), { concurrency: Math.max(1, Math.round(writers / 8)) });
    recordedIn += seconds(t1);
    t1 = performance.now();
    const settledAt = `${period}-06T02:00:00.000Z`;
    await pMap(payments, async (p, n) => {
      const done = (r: string) => r === 'applied' || r === 'already';
      const settled = await persist(() => applyBankOutcome({ batchId }, p.endToEndId, { status: 'SETTLED' }, settledAt));
      const returned = n % 100 === 7 ? await persist(() => applyBankOutcome({ batchId }, p.endToEndId, { status: 'RETURNED', reason: 'bench' }, `${period}-09T02:00:00.000Z`)) : 'applied';
      if (!done(settled) || !done(returned)) throw new Error(`${p.endToEndId}: ${settled} ${returned}`);
    }, { concurrency: writers });
    bankIn += seconds(t1);
    console.log(`  ${period}: recorded and settled (${seconds(t0).toFixed(0)} s so far; ${load()})`);
  }
  const paymentsWritten = months * payees;
  const paymentsWrittenIn = seconds(t0);
  console.log(
    `payouts: ${months} monthly batches × ${payees} = ${paymentsWritten} payments; planned (claimAndPlan) at ${rate(paymentsWritten, plannedIn)}/s, recorded (putPayments) at ${rate(paymentsWritten, recordedIn)}/s, ` +
      `settled (applyBankOutcome) at ${rate(paymentsWritten, bankIn)}/s; ${paymentsWrittenIn.toFixed(1)} s in all (${load()})`,
  );
  await stack.streamsDrained();
  console.log(`seeding writes DynamoDB Local failed waiting for a lock (made again): ${localLockRetries}`);
  console.log(`payments stream consumer: caught up ${(seconds(t0) - paymentsWrittenIn).toFixed(1)} s after the last write; ${consumerWork(before, seconds(t0))} (${load()})`);

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
  console.log(`counter items a report reads: annual ${year} ${await itemsRead(year)}, monthly ${year}-06 ${await itemsRead(`${year}-06`)} (${load()})`);
  // A bigger registry adds shards of the same counters, never new counters (those come from the
  // categories, townships, months and years of history): once every counter has all its shards a
  // report reads no more, however many people or payments there are.
  const mostItems = async (until: string) => (await counterRows(until)).length * counterShards;
  console.log(`counter items a report can read at any registry size (each counter with all ${counterShards} shards): annual ${year} ${await mostItems(year)}, monthly ${year}-06 ${await mostItems(`${year}-06`)}`);
  // The read alone (counterRows: the queries and the shard sums, in this process), apart from HTTP and the report's shaping.
  for (const until of [year, `${year}-06`]) {
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      await counterRows(until);
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    console.log(`counterRows(${until}) in process: 30 reads, p50 ${samples[14]!.toFixed(0)} ms, max ${samples[29]!.toFixed(0)} ms (${load()})`);
  }

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
    console.log(`GET ${label}: ${requests} requests one at a time, p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms (target p99 ≤ 500 ms) (${load()})`);
  };
  await time(`/reports/annual?year=${year}`, [`/reports/annual?year=${year}`]);
  const monthPaths = Array.from({ length: 12 }, (_, i) => `/reports/monthly?month=${year}-${String(i + 1).padStart(2, '0')}`);
  await time(`/reports/monthly?month=${year}-01…12 (in turn)`, monthPaths);
  
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
    `recount of ${year} (annual and each month) from the source records: ${recount.matches ? 'equal to the maintained figures' : `${recount.differences.length} differences`} (${seconds(t0).toFixed(1)} s) (${load()})`,
  );
  for (const d of recount.differences.slice(0, 10)) console.log(`  ${d}`);
  if (!recount.matches || annual.payouts.byProgram.MONTHLY_BENEFIT.amountFen !== expectedFen) process.exitCode = 1;
} finally {
  await stack.stop();
}
