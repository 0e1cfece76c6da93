// Pays 100,000 recipients on the local stack and prints payments per second next to two ceilings
// measured in the same run: raw BatchWriteItem (paying's) and the planner's own claim + payment
// transactions (claimAndPlan, fenced, 32 in flight: planning's); the time per planning segment;
// then the peak memory of the bank file writer for 10,000, 50,000 and 100,000 payments (each in a
// fresh process; --skip-memory leaves it out).
// npm run bench:payouts [-- --recipients 100000] [--skip-memory]
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../shared/adapters/clients.ts';
import { batchPut } from '../shared/adapters/dynamo-batch.ts';
import { tableName } from '../shared/adapters/resources.ts';
import { tableEnv, type TableName } from '../shared/topology.ts';
import { startLocalStack } from '../local/stack.ts';
import { benchIdNumber, rawConcurrency } from './fixtures.ts';
import { claimAndPlan, createPlanSegments, progressEntries } from '../shared/adapters/payout-store.ts';
import { acquireLease } from '../shared/adapters/lease.ts';
import { paymentKey, planAttemptPrefix, planSegmentEntry, type PaymentRecord } from '../shared/domain/payouts/batch.ts';

const { values } = parseArgs({ options: { recipients: { type: 'string', default: '100000' }, 'skip-memory': { type: 'boolean', default: false } } });
const total = Number(values.recipients);
const small = total / 10;
/** Planning transactions the local pipeline keeps in flight: 4 pollers, 4 per segment invocation. */
const transactionsInFlight = 4 * 4;
const medium = total / 2;

const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(', ');
const stack = await startLocalStack({ onError: (m) => console.error(m) });
const api = async (method: string, path: string, token: string, body?: unknown) => {
  const response = await fetch(stack.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, any>;
};
const until = async (id: string, token: string, statuses: string[]) => {
  for (;;) {
    const batch = await api('GET', `/payout-batches/${id}`, token);
    if (statuses.includes(batch.status)) return batch;
    if (batch.status === 'FAILED') throw new Error(`batch failed: ${batch.failureReason}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

try {
  const recipient = (n: number) => ({
    idNumber: benchIdNumber(n),
    recipientId: `rcp_bench_${n}`,
    householdId: `HH-${n}`,
    name: `居民${n}`,
    category: n < small ? 'TEKUN' : n < medium ? 'MARGINAL' : 'DIBAO',
    township: '真州镇',
    monthlyBenefitFen: 90_000,
    since: '2022-03-01',
    bankName: '江苏银行',
    bankAccount: `62284800${String(n).padStart(8, '0')}`,
    status: 'ACTIVE',
    history: [],
  });
  // Raw: the same writer, items of a payment's size, straight into a scratch table.
  await dynamodb().send(
    new CreateTableCommand({
      TableName: 'bench-raw',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  const rawItems = Array.from({ length: total }, (_, n) => ({
    pk: 'pb_raw', sk: `PS202612-${String(n).padStart(24, '0')}`, recipientId: `rcp_bench_${n}`, claimKey: `PRICE_SUBSIDY#2026-12#rcp_bench_${n}`,
    creditorName: `居民${n}`, bankName: '江苏银行', bankAccount: `62284800${String(n).padStart(8, '0')}`, amountFen: 5000, status: 'RECORDED', recordedAt: new Date().toISOString(),
  }));
  const log = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
  log('raw writes');
  let started = performance.now();
  await batchPut('bench-raw', rawItems, rawConcurrency);
  const rawRate = total / ((performance.now() - started) / 1000);
  log(`raw: ${rawRate.toFixed(0)} items/s; seeding recipients`);

  // The transactional ceiling: the planner's own transactions (claimAndPlan: 25 claim + payment
  // pairs and the lease's fence check each), as many in flight as the local pipeline has (4
  // pollers, 4 per segment), into scratch tables of the same keys without the payments stream
  // (the figures consumer would otherwise read them), pointed at for the measurement only.
  log('claim + payment transactions');
  const scratch = { payoutClaims: ['bench-claims', 'claimKey'], payments: ['bench-payments', 'batchShard', 'endToEndId'], payoutProgress: ['bench-progress', 'batchId', 'entry'] } as const;
  for (const [, [name, pk, sk]] of Object.entries(scratch)) {
    await dynamodb().send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: pk, AttributeType: 'S' }, ...(sk ? [{ AttributeName: sk, AttributeType: 'S' as const }] : [])],
        KeySchema: [{ AttributeName: pk, KeyType: 'HASH' }, ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : [])],
      }),
    );
  }
  const saved = Object.keys(scratch).map((t) => [tableEnv(t as TableName), process.env[tableEnv(t as TableName)]] as const);
  for (const [table, [name]] of Object.entries(scratch)) process.env[tableEnv(table as TableName)] = name;
  let transactionalRate: number;
  try {
    await createPlanSegments('pb_ceiling', [0]);
    const lease = (await acquireLease(
      { table: 'payoutProgress', key: { batchId: 'pb_ceiling', entry: planSegmentEntry(0) }, name: 'plan' },
      { owner: 'bench', durationMs: 3_600_000, now: new Date() },
    ))!.lease;
    const ceilingPayments: PaymentRecord[] = rawItems.map((item, n) => ({
      ...paymentKey({ batchId: 'pb_ceiling' }, item.sk), batchId: 'pb_ceiling', recipientId: item.recipientId, claimKey: `PRICE_SUBSIDY#2026-12#rcp_bench_${n}`,
      creditorName: item.creditorName, bankName: item.bankName, bankAccount: item.bankAccount, amountFen: item.amountFen, status: 'PLANNED',
    }));
    started = performance.now();
    const ceilingOutcome = await claimAndPlan(ceilingPayments, new Date().toISOString(), lease, transactionsInFlight);
    transactionalRate = ceilingOutcome.written / ((performance.now() - started) / 1000);
  } finally {
    for (const [name, value] of saved) process.env[name] = value;
  }
  log(`transactional: ${transactionalRate.toFixed(0)} pairs/s; seeding recipients`);

  await batchPut(tableName('recipients'), Array.from({ length: total }, (_, n) => recipient(n)));
  // The figures' stream consumer counts the seeded registry before planning starts, so planning's
  // figures are not measured beside the seeding's backlog.
  log('seeded; waiting for the figures to count the registry');
  await stack.streamsDrained();
  const maker = await stack.keys.sign({ role: 'finance', sub: 'bench-maker' });
  const checker = await stack.keys.sign({ role: 'finance', sub: 'bench-checker' });

  async function payBatch(body: Record<string, unknown>) {
    const t0 = performance.now();
    const { id } = await api('POST', '/payout-batches', maker, body);
    const planned = await until(id, maker, ['PENDING_APPROVAL']);
    const t1 = performance.now();
    log(`${id} planned ${planned.planned.count} in ${((t1 - t0) / 1000).toFixed(1)} s; paying`);
    await api('POST', `/payout-batches/${id}/approve`, checker);
    const paid = await until(id, maker, ['PAID_OUT']);
    const t2 = performance.now();
    if (paid.planned.count !== planned.planned.count || paid.progress.recorded !== paid.planned.count) throw new Error('counts differ');
    return { id, count: paid.planned.count as number, planSeconds: (t1 - t0) / 1000, paySeconds: (t2 - t1) / 1000 };
  }

  const big = await payBatch({ program: 'PRICE_SUBSIDY', period: '2026-12', title: 'bench', categories: ['DIBAO', 'MARGINAL', 'TEKUN'], perPersonFen: 5000 });
  const little = await payBatch({ program: 'ONE_TIME_LIVING', period: '2026-12', title: 'bench small', categories: ['TEKUN'], perPersonFen: 20000 });
  const half = await payBatch({ program: 'MONTHLY_BENEFIT', period: '2026-12', title: 'bench half', categories: ['MARGINAL', 'TEKUN'] });

  // Time per planning segment, from each segment's own record (planMs, written as it finished).
  const segmentTimes = (await progressEntries(big.id, planAttemptPrefix()))
    .map((e) => ({ ms: e.planMs as number, pairs: (e.selected as number) ?? 0 }))
    .sort((a, b) => a.ms - b.ms);
  const at = (q: number) => segmentTimes[Math.min(segmentTimes.length - 1, Math.floor(q * segmentTimes.length))]!;

  // Asynchronously: the emulators answering the child run in this process's event loop.
  const memory = async (batchId: string) => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'bench/bank-file-memory.ts', batchId], {
      env: { ...process.env, ...stack.env, POWERTOOLS_LOG_LEVEL: 'WARN', NODE_OPTIONS: '--expose-gc' },
      encoding: 'utf8',
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as { payments: number; parts: number; peakHeapMiB: number; peakRssMiB: number; seconds: number };
  };
  log('file writer memory');
  const writerMemory = values['skip-memory'] ? [] : [await memory(little.id), await memory(half.id), await memory(big.id)];

  console.log(`recipients: ${total}; batch ${big.id}: ${big.count} payments; load average at start ${loadAtStart}, at end ${loadavg().map((l) => l.toFixed(2)).join(', ')} (2 cores, shared)`);
  console.log(`raw BatchWriteItem:        ${rawRate.toFixed(0)} items/s (same writer, ${rawConcurrency} calls in flight, same run)`);
  const bothCeiling = 1 / (1 / transactionalRate + 1 / rawRate);
  console.log(`transactional ceiling:     ${transactionalRate.toFixed(0)} claim + payment pairs/s (claimAndPlan, ${transactionsInFlight} transactions in flight, same run)`);
  console.log(`planning (select, claim):  ${(big.count / big.planSeconds).toFixed(0)} payments/s (${big.planSeconds.toFixed(1)} s); ${((big.count / big.planSeconds / transactionalRate) * 100).toFixed(0)}% of the transactional ceiling (target: 85%)`);
  console.log(`planning segments:         ${segmentTimes.length} messages; time per segment min ${(segmentTimes[0]!.ms / 1000).toFixed(1)} s, median ${(at(0.5).ms / 1000).toFixed(1)} s, max ${(segmentTimes.at(-1)!.ms / 1000).toFixed(1)} s; ${at(0.5).pairs} people in the median segment`);
  console.log(`paying (approve->PAID_OUT): ${(big.count / big.paySeconds).toFixed(0)} payments/s (${big.paySeconds.toFixed(1)} s, chunks + both bank files); ${((big.count / big.paySeconds / rawRate) * 100).toFixed(0)}% of raw (target: 40%)`);
  const endToEnd = big.count / (big.planSeconds + big.paySeconds);
  console.log(`end to end:                ${endToEnd.toFixed(0)} payments/s; ${((endToEnd / bothCeiling) * 100).toFixed(0)}% of the ${bothCeiling.toFixed(0)}/s the two ceilings imply (target: 85%)`);
  for (const m of writerMemory) {
    console.log(`bank file writer, ${m.payments} payments in ${m.parts} part(s): peak live heap ${m.peakHeapMiB.toFixed(1)} MiB, peak RSS ${m.peakRssMiB.toFixed(1)} MiB, ${m.seconds.toFixed(1)} s (CSV + pain.001 streamed to S3)`);
  }
  console.log('(a file under one 5 MiB part is sent whole; larger ones hold at most a few parts per file in memory)');
} finally {
  await stack.stop();
}
