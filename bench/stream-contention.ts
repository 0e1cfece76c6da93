// Why planning and paying run at a fraction of DynamoDB Local's ceilings while the payments'
// figures consumer runs (bench:payouts): separates what a stream on the table being written costs.
// Per condition, fresh scratch tables of the planner's keys, then (1) the planner's own claim +
// payment transactions (claimAndPlan, 32 in flight: planning's ceiling) and (2) the same number of
// RECORDED payments by BatchWriteItem (paying's writer and ceiling) into the payments table:
//   no stream                 the payments table has no stream (bench:payouts' bare ceilings);
//   stream, never described   a NEW_AND_OLD_IMAGES stream nobody has asked about;
//   stream, described         the same after one DescribeStream (what any reader does first), then
//                             not read while the writes run;
//   stream, read              the same, read by the local stream poller as the figures consumer's
//                             event source mapping reads it (batches of 1,000, parallelization 4)
//                             with a handler that does nothing;
//   no stream, again          the first repeated: the JVM did not just slow down over the run.
// A warm-up of the first condition runs before them, unreported.
// Each line prints both rates, their share of the first condition's, the streams calls made while
// writing, and how many records the stream kept (read back from TRIM_HORIZON afterwards).
// npm run bench:stream-contention [-- --pairs 5000]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { dynamodb } from '../shared/adapters/clients.ts';
import { batchPut } from '../shared/adapters/dynamo-batch.ts';
import { tableEnv, type TableName } from '../shared/topology.ts';
import { startLocalStack } from '../local/stack.ts';
import { startStreamPoller } from '../local/stream-poller.ts';
import { claimAndPlan, createPlanSegments } from '../shared/adapters/payout-store.ts';
import { acquireLease } from '../shared/adapters/lease.ts';
import { paymentKey, planSegmentEntry, type PaymentRecord } from '../shared/domain/payouts/batch.ts';
import { rawConcurrency } from './fixtures.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '5000' } } });
const pairs = Number(values.pairs);
const inFlight = 32;
const log = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

// Every streams call, by command: how many, and their time (ms) from send to answer.
const streamCalls = new Map<string, { count: number; ms: number }>();
const send = DynamoDBStreamsClient.prototype.send;
DynamoDBStreamsClient.prototype.send = async function (this: DynamoDBStreamsClient, command: { constructor: { name: string } }, ...rest: unknown[]) {
  const t0 = performance.now();
  try {
    return await (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
  } finally {
    const entry = streamCalls.get(command.constructor.name) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += performance.now() - t0;
    streamCalls.set(command.constructor.name, entry);
  }
} as typeof send;

// The stack's own stream consumers stay off: the one poller below is the only stream reader.
const stack = await startLocalStack({ onError: (m) => console.error(m), streams: false });
const env = stack.env;
const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
const streams = new DynamoDBStreamsClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB!, region: env.AWS_REGION!, credentials });
const streamArnOf = async (table: string) => (await dynamodb().send(new DescribeTableCommand({ TableName: table }))).Table!.LatestStreamArn!;
/** Records a stream holds, read from TRIM_HORIZON in every shard. */
const recordsKept = async (table: string) => {
  const arn = await streamArnOf(table);
  let count = 0;
  for (const shard of (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards ?? []) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      count += page.Records?.length ?? 0;
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return count;
};

interface Outcome {
  condition: string;
  transactional: number;
  raw: number;
  calls: string;
  kept?: number;
}
const results: Outcome[] = [];
try {
  /** Fresh scratch tables of the planner's keys; the payments table with a stream when asked. */
  const scratchTables = async (prefix: string, stream: boolean) => {
    const specs = { payoutClaims: ['claimKey'], payments: ['batchShard', 'endToEndId'], payoutProgress: ['batchId', 'entry'] } as const;
    for (const [table, [pk, sk]] of Object.entries(specs) as Array<[TableName, readonly [string, string?]]>) {
      const name = `${prefix}-${table}`;
      await dynamodb().send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: pk, AttributeType: 'S' }, ...(sk ? [{ AttributeName: sk, AttributeType: 'S' as const }] : [])],
          KeySchema: [{ AttributeName: pk, KeyType: 'HASH' }, ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : [])],
          ...(stream && table === 'payments' && { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
        }),
      );
      process.env[tableEnv(table)] = name;
    }
    return `${prefix}-payments`;
  };
  const payments = (batchId: string, prefix: string): PaymentRecord[] =>
    Array.from({ length: pairs }, (_, n) => ({
      ...paymentKey({ batchId }, `${prefix}-${String(n).padStart(24, '0')}`), batchId, recipientId: `rcp_bench_${n}`, claimKey: `PRICE_SUBSIDY#2026-12#rcp_bench_${n}`,
      creditorName: `居民${n}`, bankName: '江苏银行', bankAccount: `62284800${String(n).padStart(8, '0')}`, amountFen: 5000, status: 'PLANNED',
    }));
  /** claimAndPlan's pairs/s; NaN (and a log line) when DynamoDB Local gave up on its lock. */
  const claimRate = async (batchId: string) => {
    await createPlanSegments(batchId, [0]);
    const lease = (await acquireLease(
      { table: 'payoutProgress', key: { batchId, entry: planSegmentEntry(0) }, name: 'plan' },
      { owner: 'bench', durationMs: 3_600_000, now: new Date() },
    ))!.lease;
    const all = payments(batchId, 'PS202612');
    const t0 = performance.now();
    try {
      const outcome = await claimAndPlan(all, new Date().toISOString(), lease, inFlight);
      if (outcome.written !== all.length) throw new Error(`${outcome.written} of ${all.length} written`);
    } catch (error) {
      log(`transactions failed: ${(error as Error).name}: ${(error as Error).message}`);
      return Number.NaN;
    }
    return pairs / ((performance.now() - t0) / 1000);
  };
  const rawRate = async (batchId: string, table: string) => {
    const recorded = payments(batchId, 'PS202611').map((p) => ({ ...p, status: 'RECORDED', recordedAt: new Date().toISOString() }));
    const t0 = performance.now();
    try {
      await batchPut(table, recorded, rawConcurrency);
    } catch (error) {
      log(`BatchWriteItem failed: ${(error as Error).name}: ${(error as Error).message}`);
      return Number.NaN;
    }
    return pairs / ((performance.now() - t0) / 1000);
  };

  const conditions: Array<{ condition: string; stream: boolean; describe?: boolean; read?: boolean }> = [
    { condition: 'no stream', stream: false },
    { condition: 'stream, never described', stream: true },
    { condition: 'stream, described, not read', stream: true, describe: true },
    { condition: 'stream, read (handler does nothing)', stream: true, read: true },
    { condition: 'no stream, again', stream: false },
  ];
  // The JVM compiles the write paths first, so the first condition is not measured cold.
  await scratchTables('scwarm', false);
  log('warm-up (not reported)');
  await claimRate('pb_scwarm');
  await rawRate('pb_scwarm', 'scwarm-payments');
  for (const [n, { condition, stream, describe, read }] of conditions.entries()) {
    const paymentsTable = await scratchTables(`sc${n}`, stream);
    if (describe) await streams.send(new DescribeStreamCommand({ StreamArn: await streamArnOf(paymentsTable) }));
    const poller = read
      ? startStreamPoller({
          name: 'maintainPaymentFigures',
          handler: async () => ({ batchItemFailures: [] }),
          tableName: paymentsTable,
          batchSize: 1000,
          parallelizationFactor: 4,
          dynamodbEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB!,
          credentials,
          onError: (m) => console.error(m),
        })
      : undefined;
    if (poller) await poller.drained();
    log(`${condition}: ${pairs} pairs at ${inFlight} in flight, then ${pairs} items by BatchWriteItem`);
    streamCalls.clear();
    const t0 = performance.now();
    const transactional = await claimRate(`pb_sc${n}`);
    const raw = await rawRate(`pb_sc${n}`, paymentsTable);
    const seconds = (performance.now() - t0) / 1000;
    const calls = [...streamCalls].map(([name, c]) => `${name.replace('Command', '')} ${(c.count / seconds).toFixed(1)}/s, ${(c.ms / c.count).toFixed(0)} ms each`).join('; ');
    if (poller) {
      await poller.drained();
      await poller.stop();
    }
    const kept = stream ? await recordsKept(paymentsTable) : undefined;
    results.push({ condition, transactional, raw, calls, kept });
    log(`${condition}: ${transactional.toFixed(0)} pairs/s, ${raw.toFixed(0)} items/s; stream kept ${kept ?? '-'} records`);
  }
  const share = (value: number, first: number) => `${((value / first) * 100).toFixed(0)}%`.padStart(5);
  console.log(`\n== ${pairs} claim + payment pairs (claimAndPlan, ${inFlight} in flight) and ${pairs} items by BatchWriteItem (${rawConcurrency} in flight) per condition, fresh scratch tables each; load average at end ${loadavg().map((l) => l.toFixed(2)).join(', ')} (2 cores, shared)`);
  console.log(`${'condition'.padEnd(38)} ${'pairs/s'.padStart(8)} ${'share'.padStart(5)} ${'items/s'.padStart(8)} ${'share'.padStart(5)}  stream records kept; streams calls while writing`);
  const first = results[0]!;
  for (const r of results) {
    console.log(
      `${r.condition.padEnd(38)} ${r.transactional.toFixed(0).padStart(8)} ${share(r.transactional, first.transactional)} ${r.raw.toFixed(0).padStart(8)} ${share(r.raw, first.raw)}  ${r.kept ?? '-'}; ${r.calls || 'none'}`,
    );
  }
} finally {
  streams.destroy();
  await stack.stop();
}
