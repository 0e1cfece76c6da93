// Pays a registry of 10,000, 50,000 and 100,000 recipients on the local stack (each size in a
// fresh process with fresh emulators) and prints, per size, figures measured in the same run:
// planning's ceiling, the planner's own claim + payment transactions (claimAndPlan, fenced, as many
// in flight as the pipeline keeps); paying's ceiling, its own writer (recordPlannedPayments: a
// conditional PLANNED -> RECORDED update per payment, as many in flight as the chunk workers keep);
// both also at a smaller in-flight count and on the real tables; raw BatchWriteItem for reference;
// planning and paying rates and their shares of the ceilings, the time per planning segment
// (median, max), end to end create -> PAID_OUT and its share of 1 / (1/tx + 1/recording), the
// DynamoDB calls of each phase; then the peak memory of the bank file writer (each in a fresh
// process; --skip-memory leaves it out). A summary table ends it.
// With --no-streams the stack's stream consumers do not run. On DynamoDB Local a table with both a
// stream and an index (the payments table) costs both writers most of their rate, more as its stream
// records grow (bench:table-costs); on AWS neither slows the table's writes.
// npm run bench:payouts [-- --recipients 10000,50000,100000] [--skip-memory] [--no-streams]
import { execFile, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../shared/adapters/clients.ts';
import { batchPut } from '../shared/adapters/dynamo-batch.ts';
import { tableName } from '../shared/adapters/resources.ts';
import { functions } from '../shared/topology.ts';
import { startLocalStack } from '../local/stack.ts';
import { benchIdNumber, claimRate, rawConcurrency, recordRate, restorePlannerTables, usePlannerScratchTables } from './fixtures.ts';
import { progressEntries, putNewBatch } from '../shared/adapters/payout-store.ts';
import { paymentKey, planAttemptPrefix, type PaymentRecord, type PayoutBatch } from '../shared/domain/payouts/batch.ts';
import { planSegmentCount, transactionsInFlightPerSegment } from '../shared/usecases/payout-planning.ts';
import { transientRetriesSoFar } from '../shared/adapters/dynamo-faults.ts';
import { recordingInFlightPerChunk } from '../shared/adapters/recovery-store.ts';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '10000,50000,100000' },
    'skip-memory': { type: 'boolean', default: false },
    /** The stack's stream consumers (the figures) do not run. */
    'no-streams': { type: 'boolean', default: false },
    /** Set by the parent: run one size here and end with a RESULT line. */
    child: { type: 'boolean', default: false },
  },
});

/** What one size's run hands its parent for the summary table. */
interface SizeResult {
  recipients: number;
  rawRate: number;
  transactionalRate: number;
  recordingRate: number;
  /** The same writers on the real tables (beside the figures consumer unless --no-streams). */
  realTransactionalRate: number;
  realRecordingRate: number;
  planRate: number;
  payRate: number;
  segments: number;
  segmentMedianS: number;
  segmentMaxS: number;
  endToEndRate: number;
  /** 1 / (1/transactionalRate + 1/recordingRate). */
  impliedCeiling: number;
}

if (!values.child) {
  // One child per size: fresh emulators and SDK clients, and the figures of one size never wait on another's tables.
  const sizes = values.recipients.split(',').map(Number);
  const results: SizeResult[] = [];
  const failures: string[] = [];
  for (const size of sizes) {
    const args = ['--import', 'tsx', 'bench/payouts.ts', '--child', '--recipients', String(size), ...(values['skip-memory'] ? ['--skip-memory'] : []), ...(values['no-streams'] ? ['--no-streams'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      process.stdout.write(text.split('\n').filter((line) => !line.startsWith('RESULT ')).join('\n'));
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (code === 0 && line) results.push(JSON.parse(line.slice('RESULT '.length)) as SizeResult);
    else failures.push(`${size}: exit ${code}`);
  }
  const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;
  console.log(`\nsummary (each size in its own run; figures consumer ${values['no-streams'] ? 'off' : 'on'}; targets: planning >= 85% of tx, end to end >= 85% of implied = 1/(1/tx + 1/recording))`);
  console.log('recipients | raw items/s | tx pairs/s | recording/s | planning/s (% tx) | paying/s (% recording) | segments: n, median s, max s | end to end/s (% implied) | on the real tables: tx, recording');
  for (const r of results) {
    console.log(
      [
        String(r.recipients).padStart(10),
        r.rawRate.toFixed(0).padStart(11),
        r.transactionalRate.toFixed(0).padStart(10),
        r.recordingRate.toFixed(0).padStart(11),
        `${r.planRate.toFixed(0)} (${pct(r.planRate, r.transactionalRate)})`.padStart(17),
        `${r.payRate.toFixed(0)} (${pct(r.payRate, r.recordingRate)})`.padStart(22),
        `${r.segments}, ${r.segmentMedianS.toFixed(1)}, ${r.segmentMaxS.toFixed(1)}`.padStart(28),
        `${r.endToEndRate.toFixed(0)} of ${r.impliedCeiling.toFixed(0)} (${pct(r.endToEndRate, r.impliedCeiling)})`.padStart(24),
        `${r.realTransactionalRate.toFixed(0)}, ${r.realRecordingRate.toFixed(0)}`,
      ].join(' | '),
    );
  }
  for (const failure of failures) console.log(`failed: ${failure} (see its log above)`);
  process.exit(failures.length ? 1 : 0);
}

const total = Number(values.recipients);
const small = total / 10;
/**
 * Planning transactions the local pipeline keeps in flight: as many segment invocations as the
 * planner's maxConcurrency (the local poller runs that many batches, as Lambda's event source
 * would) or the big batch's segments if fewer, each with transactionsInFlightPerSegment.
 */
const plannerConcurrency = functions.planPayoutBatch.trigger.type === 'queue' ? (functions.planPayoutBatch.trigger.maxConcurrency ?? 2) : 1;
const segmentsAtOnce = Math.min(plannerConcurrency, planSegmentCount('PRICE_SUBSIDY', total));
const transactionsInFlight = segmentsAtOnce * transactionsInFlightPerSegment;
/**
 * Paying's writes in flight: as many chunk workers as the payer's maxConcurrency, each recording its
 * chunk's payments PLANNED -> RECORDED by conditional UpdateItem, recordingInFlightPerChunk at once.
 */
const payerConcurrency = functions.payPayoutChunks.trigger.type === 'queue' ? (functions.payPayoutChunks.trigger.maxConcurrency ?? 2) : 1;
const recordingInFlight = payerConcurrency * recordingInFlightPerChunk;
/** The smaller in-flight count the ceiling is also measured at (the last session's probe). */
const fewerInFlight = 16;
/** Pairs of the side measurements (fewer in flight; beside the figures consumer): enough for a steady rate, cheap at every size. */
const sideSample = Math.min(total, 10_000);
const medium = total / 2;

const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(', ');
const figuresOn = !values['no-streams'];
const stack = await startLocalStack({ onError: (m) => console.error(m), streams: figuresOn });
const api = async (method: string, path: string, token: string, body?: unknown) => {
  const response = await fetch(stack.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, any>;
};
const until = async (id: string, token: string, statuses: string[]) => {
  let reported = performance.now();
  for (;;) {
    const batch = await api('GET', `/payout-batches/${id}`, token);
    if (statuses.includes(batch.status)) return batch;
    if (batch.status === 'FAILED') throw new Error(`batch failed: ${batch.failureReason}`);
    if (performance.now() - reported > 30_000) {
      // A stalled step shows here (a message waiting out its visibility timeout) instead of a silent bench.
      const segments = await progressEntries(id, planAttemptPrefix());
      log(`${id} still ${batch.status}: ${segments.filter((e) => e.planDoneAt).length}/${segments.length} planning segments done, ${batch.progress?.recorded ?? 0} recorded`);
      reported = performance.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
};
/** The transient faults retried in this process since `before` (dynamo-faults.ts), e.g. "InternalServerError 12". */
const retriesSince = (before: Record<string, number>) =>
  Object.entries(transientRetriesSoFar())
    .map(([name, count]) => [name, count - (before[name] ?? 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ') || 'none';
/**
 * Every DynamoDB call of this process (handlers, pollers, the bench; the document client's too), by
 * command: count, time from send to answer, failures by name.
 */
const dynamoCalls = new Map<string, { count: number; ms: number; failed: Map<string, number> }>();
// The SDK's base client: DynamoDBClient and the document client both send through it.
const baseClient = Object.getPrototypeOf(DynamoDBClient.prototype) as { send: (this: { config: { serviceId?: string } }, command: { constructor: { name: string } }, ...rest: unknown[]) => Promise<unknown> };
const clientSend = baseClient.send;
baseClient.send = function (this: { config: { serviceId?: string } }, command: { constructor: { name: string } }, ...rest: unknown[]) {
  const call = clientSend.call(this, command, ...rest);
  if (this.config.serviceId !== 'DynamoDB') return call;
  const name = command.constructor.name;
  const t0 = performance.now();
  const settle = (failure?: string) => {
    const entry = dynamoCalls.get(name) ?? { count: 0, ms: 0, failed: new Map<string, number>() };
    dynamoCalls.set(name, entry);
    entry.count++;
    entry.ms += performance.now() - t0;
    if (failure) entry.failed.set(failure, (entry.failed.get(failure) ?? 0) + 1);
  };
  return call.then(
    (result) => (settle(), result),
    (error: Error) => (settle(error.name), Promise.reject(error)),
  );
};
/** The calls since `dynamoCalls` was cleared, per second of `seconds`, with their mean time. */
const dynamoCallsSummary = (seconds: number) =>
  [...dynamoCalls]
    .filter(([, c]) => c.count > 0)
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([name, c]) => `${name.replace('Command', '')} ${(c.count / seconds).toFixed(1)}/s ${(c.ms / c.count).toFixed(0)} ms${c.failed.size ? ` (failed: ${[...c.failed].map(([n, k]) => `${n} ${k}`).join(', ')})` : ''}`)
    .join('; ');
const log = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

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
  log(`${total} recipients: raw writes`);
  let started = performance.now();
  await batchPut('bench-raw', rawItems, rawConcurrency);
  const rawRate = total / ((performance.now() - started) / 1000);
  log(`raw: ${rawRate.toFixed(0)} items/s; seeding recipients`);

  // The ceilings: the planner's own transactions and paying's own writer, as many in flight as the
  // local pipeline has, into scratch tables of the same keys without the payments stream and index
  // (bench:table-costs says what those cost DynamoDB Local), pointed at for the measurement only.
  log('claim + payment transactions');
  const saved = await usePlannerScratchTables('bench');
  const ceilingPayments = (batchId: string, claimPrefix: string, count: number): PaymentRecord[] =>
    rawItems.slice(0, count).map((item, n) => ({
      ...paymentKey({ batchId }, item.sk), batchId, recipientId: item.recipientId, claimKey: `${claimPrefix}#rcp_bench_${n}`,
      creditorName: item.creditorName, bankName: item.bankName, bankAccount: item.bankAccount, amountFen: item.amountFen, status: 'PLANNED',
    }));
  let transactionalRate: number;
  let fewerRate: number;
  let recordingRate: number;
  let recordingFewerRate: number;
  try {
    const planned = ceilingPayments('pb_ceiling', 'PRICE_SUBSIDY#2026-12', total);
    transactionalRate = await claimRate('pb_ceiling', planned, transactionsInFlight);
    log(`transactional: ${transactionalRate.toFixed(0)} pairs/s at ${transactionsInFlight} in flight; at ${fewerInFlight}`);
    const plannedFewer = ceilingPayments('pb_ceiling16', 'PRICE_SUBSIDY#2026-10', sideSample);
    fewerRate = await claimRate('pb_ceiling16', plannedFewer, fewerInFlight);
    log(`at ${fewerInFlight} in flight: ${fewerRate.toFixed(0)} pairs/s; recording those payments`);
    recordingRate = await recordRate(planned, recordingInFlight);
    recordingFewerRate = await recordRate(plannedFewer, fewerInFlight);
  } finally {
    restorePlannerTables(saved);
  }
  log(`recording: ${recordingRate.toFixed(0)} payments/s at ${recordingInFlight} in flight, ${recordingFewerRate.toFixed(0)} at ${fewerInFlight}; seeding recipients`);

  await batchPut(tableName('recipients'), Array.from({ length: total }, (_, n) => recipient(n)));
  // The figures' stream consumer counts the seeded registry before planning starts, so planning's
  // figures are not measured beside the seeding's backlog.
  log('seeded; waiting for the figures to count the registry');
  await stack.streamsDrained();
  // The same transactions and recordings into the real tables (a batch of their own, under a period
  // no bench batch plans; the figures consumer counts payments by their batch's program), with
  // the payments stream read by the figures consumer unless --no-streams.
  const besideId = 'pb_ceiling_real';
  await putNewBatch({
    batchId: besideId, program: 'PRICE_SUBSIDY', period: '2026-09', title: 'bench ceiling on the real tables', categories: ['DIBAO'],
    perPersonFen: 5000, status: 'PAYING', createdBy: 'bench', createdAt: new Date().toISOString(), history: [],
  } as PayoutBatch);
  log(`claim + payment transactions, then their recording, on the real tables${figuresOn ? ', beside the figures consumer' : ''}`);
  const retriesBefore = transientRetriesSoFar();
  const besidePayments = ceilingPayments(besideId, 'PRICE_SUBSIDY#2026-09', sideSample);
  // A probe that fails still leaves the rest of the figures to print.
  const besideRate = await claimRate(besideId, besidePayments, transactionsInFlight).catch((error: Error) => {
    log(`transactions on the real tables: failed (${error.name}: ${error.message})`);
    return Number.NaN;
  });
  await stack.streamsDrained();
  const besideRecordingRate = await recordRate(besidePayments, recordingInFlight).catch((error: Error) => {
    log(`recording on the real tables: failed (${error.name}: ${error.message})`);
    return Number.NaN;
  });
  const besideRetries = retriesSince(retriesBefore);
  await stack.streamsDrained();
  log(`real tables: ${besideRate.toFixed(0)} pairs/s, recording ${besideRecordingRate.toFixed(0)} payments/s; transient faults retried ${besideRetries}`);
  const maker = await stack.keys.sign({ role: 'finance', sub: 'bench-maker' });
  const checker = await stack.keys.sign({ role: 'finance', sub: 'bench-checker' });

  async function payBatch(body: Record<string, unknown>) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    dynamoCalls.clear();
    const retries0 = transientRetriesSoFar();
    const { id } = await api('POST', '/payout-batches', maker, body);
    const planned = await until(id, maker, ['PENDING_APPROVAL']);
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const planCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const planCalls = dynamoCallsSummary((t1 - t0) / 1000);
    // How far the figures' consumer was behind planning's writes when planning ended.
    await stack.streamsDrained();
    const planRetries = retriesSince(retries0);
    const streamLagSeconds = (performance.now() - t1) / 1000;
    log(`${id} planned ${planned.planned.count} in ${((t1 - t0) / 1000).toFixed(1)} s; paying`);
    const t2start = performance.now();
    dynamoCalls.clear();
    await api('POST', `/payout-batches/${id}/approve`, checker);
    const paid = await until(id, maker, ['PAID_OUT']);
    const t2 = performance.now();
    const payCalls = dynamoCallsSummary((t2 - t2start) / 1000);
    if (paid.planned.count !== planned.planned.count || paid.progress.recorded !== paid.planned.count) throw new Error('counts differ');
    return { id, count: paid.planned.count as number, planSeconds: (t1 - t0) / 1000, paySeconds: (t2 - t2start) / 1000, planCpuSeconds, streamLagSeconds, planRetries, planCalls, payCalls };
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

  const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;
  const planRate = big.count / big.planSeconds;
  const payRate = big.count / big.paySeconds;
  const endToEnd = big.count / (big.planSeconds + big.paySeconds);
  // Paying's ceiling is its own writer's: a conditional update per payment (a RECORDED payment
  // never goes back), which replaced BatchWriteItem; the issue's first formula (with raw) is printed too.
  const impliedCeiling = 1 / (1 / transactionalRate + 1 / recordingRate);
  const impliedWithRaw = 1 / (1 / transactionalRate + 1 / rawRate);
  const besideCeiling = 1 / (1 / besideRate + 1 / besideRecordingRate);
  const tables = figuresOn ? 'the real tables, their payments stream read by the figures consumer' : 'the real tables, no stream reader (--no-streams)';
  console.log(`\n== ${total} recipients; batch ${big.id}: ${big.count} payments; load average at start ${loadAtStart}, at end ${loadavg().map((l) => l.toFixed(2)).join(', ')} (2 cores, shared)`);
  console.log(`raw BatchWriteItem:        ${rawRate.toFixed(0)} items/s (same writer, ${rawConcurrency} calls in flight, same run)`);
  console.log(`transactional ceiling:     ${transactionalRate.toFixed(0)} claim + payment pairs/s (claimAndPlan, ${transactionsInFlight} transactions in flight as the pipeline keeps: ${segmentsAtOnce} segments x ${transactionsInFlightPerSegment}; scratch tables without a stream; ${total} pairs)`);
  console.log(`  at ${fewerInFlight} in flight:          ${fewerRate.toFixed(0)} pairs/s (${pct(fewerRate, transactionalRate)} of the ceiling; ${sideSample} pairs)`);
  console.log(`recording ceiling:         ${recordingRate.toFixed(0)} payments/s (recordPlannedPayments: PLANNED -> RECORDED by conditional UpdateItem, ${recordingInFlight} in flight as the pipeline keeps: ${payerConcurrency} chunk workers x ${recordingInFlightPerChunk}; the same scratch tables; ${total} payments)`);
  console.log(`  at ${fewerInFlight} in flight:          ${recordingFewerRate.toFixed(0)} payments/s (${pct(recordingFewerRate, recordingRate)} of the ceiling; ${sideSample} payments)`);
  console.log(`on ${tables}: transactions ${besideRate.toFixed(0)} pairs/s (${pct(besideRate, transactionalRate)}), recording ${besideRecordingRate.toFixed(0)} payments/s (${pct(besideRecordingRate, recordingRate)}); ${sideSample} each; transient faults retried: ${besideRetries}`);
  console.log(`planning (select, claim):  ${planRate.toFixed(0)} payments/s (${big.planSeconds.toFixed(1)} s, create -> PENDING_APPROVAL); ${pct(planRate, transactionalRate)} of the transactional ceiling (target: 85%); ${pct(planRate, besideRate)} of the transactions on ${figuresOn ? 'the real tables beside the figures consumer' : 'the real tables'}`);
  console.log(`  Node CPU while planning:   ${big.planCpuSeconds.toFixed(1)} s in ${big.planSeconds.toFixed(1)} s (${(big.planCpuSeconds / big.planSeconds).toFixed(2)} cores: handlers, pollers, the figures consumer; the DynamoDB Local JVM is apart); the figures consumer drained ${big.streamLagSeconds.toFixed(1)} s after planning ended; transient faults retried while planning: ${big.planRetries}`);
  console.log(`  DynamoDB calls while planning (this process, by time spent): ${big.planCalls}`);
  console.log(`planning segments:         ${segmentTimes.length} messages, up to ${Math.min(segmentTimes.length, segmentsAtOnce)} at once; time per segment min ${(segmentTimes[0]!.ms / 1000).toFixed(1)} s, median ${(at(0.5).ms / 1000).toFixed(1)} s, max ${(segmentTimes.at(-1)!.ms / 1000).toFixed(1)} s; ${at(0.5).pairs} people in the median segment`);
  for (const other of [little, half]) {
    console.log(`  a batch of ${other.count}:       planned at ${(other.count / other.planSeconds).toFixed(0)} payments/s (${other.planSeconds.toFixed(1)} s; the same ${total}-person registry scanned), paid at ${(other.count / other.paySeconds).toFixed(0)}/s`);
  }
  console.log(`paying (approve->PAID_OUT): ${payRate.toFixed(0)} payments/s (${big.paySeconds.toFixed(1)} s, chunks + both bank files); ${pct(payRate, recordingRate)} of the recording ceiling, ${pct(payRate, besideRecordingRate)} of recording on ${figuresOn ? 'the real tables beside the figures consumer' : 'the real tables'}; ${pct(payRate, rawRate)} of raw`);
  console.log(`  DynamoDB calls while paying (this process, by time spent): ${big.payCalls}`);
  console.log(`end to end:                ${endToEnd.toFixed(0)} payments/s (create -> PAID_OUT, ${(big.planSeconds + big.paySeconds).toFixed(1)} s); ${pct(endToEnd, impliedCeiling)} of the ${impliedCeiling.toFixed(0)}/s the two ceilings imply, 1/(1/tx + 1/recording) (target: 85%); ${pct(endToEnd, besideCeiling)} of the ${besideCeiling.toFixed(0)}/s the real tables' two rates imply; ${pct(endToEnd, impliedWithRaw)} of 1/(1/tx + 1/raw) = ${impliedWithRaw.toFixed(0)}/s`);
  for (const m of writerMemory) {
    console.log(`bank file writer, ${m.payments} payments in ${m.parts} part(s): peak live heap ${m.peakHeapMiB.toFixed(1)} MiB, peak RSS ${m.peakRssMiB.toFixed(1)} MiB, ${m.seconds.toFixed(1)} s (CSV + pain.001 streamed to S3)`);
  }
  console.log('(a file under one 5 MiB part is sent whole; larger ones hold at most a few parts per file in memory)');
  const result: SizeResult = {
    recipients: total, rawRate, transactionalRate, recordingRate, realTransactionalRate: besideRate, realRecordingRate: besideRecordingRate, planRate, payRate,
    segments: segmentTimes.length, segmentMedianS: at(0.5).ms / 1000, segmentMaxS: segmentTimes.at(-1)!.ms / 1000, endToEndRate: endToEnd, impliedCeiling,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await stack.stop();
}
