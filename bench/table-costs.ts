// Why planning and paying run at a fraction of DynamoDB Local's bare ceilings on the real tables
// (bench:payouts): separates what the payments table's stream and its index cost this emulator.
// Per condition, fresh tables of the planner's keys, then (1) the planner's own claim + payment
// transactions (claimAndPlan, 32 in flight: planning's ceiling) and (2) the same number of payments
// recorded PLANNED -> RECORDED (recordPlannedPayments, 160 in flight: paying's ceiling):
//   plain                          no stream, no index (bench:payouts' scratch tables);
//   index                          the payments table's sparse index (returnsByBatch) alone;
//   stream                         a NEW_AND_OLD_IMAGES stream alone, nobody has asked about it;
//   stream + index                 both, as the real payments table is declared;
//   stream + index, described      the same after one DescribeStream (what any reader does first),
//                                  then not read while the writes run;
//   stream + index, read           read by the local stream poller as the figures consumer's event
//                                  source mapping reads it (batches of 1,000, parallelization 4)
//                                  with a handler that does nothing;
//   the stack's tables             the real tables provisioned from the topology, no reader;
//   stream + index, again          the fourth repeated after the others' stream records;
//   plain, again                   the first repeated: the JVM did not just slow down over the run.
// A warm-up of the first condition runs before them, unreported. Each line prints both rates, their
// share of the first condition's, the streams calls made while writing, and how many records the
// stream kept (read back from TRIM_HORIZON afterwards).
// npm run bench:table-costs [-- --pairs 3000]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { dynamodb } from '../shared/adapters/clients.ts';
import { functions, tableEnv, type TableName } from '../shared/topology.ts';
import { startLocalStack } from '../local/stack.ts';
import { startStreamPoller } from '../local/stream-poller.ts';
import { paymentKey, type PaymentRecord } from '../shared/domain/payouts/batch.ts';
import { recordingInFlightPerChunk } from '../shared/adapters/recovery-store.ts';
import { claimRate, recordRate, usePlannerScratchTables } from './fixtures.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '3000' } } });
const pairs = Number(values.pairs);
const inFlight = 32;
/** As bench:payouts: the chunk workers' maxConcurrency times each one's conditional updates in flight. */
const recordingInFlight = (functions.payPayoutChunks.trigger.type === 'queue' ? (functions.payPayoutChunks.trigger.maxConcurrency ?? 2) : 1) * recordingInFlightPerChunk;
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
  recording: number;
  calls: string;
  kept?: number;
}
const results: Outcome[] = [];
const realTables = Object.fromEntries((['payoutClaims', 'payments', 'payoutProgress'] as const).map((t) => [t, env[tableEnv(t)]!]));
try {
  const payments = (batchId: string): PaymentRecord[] =>
    Array.from({ length: pairs }, (_, n) => ({
      ...paymentKey({ batchId }, `PS202612-${String(n).padStart(24, '0')}`), batchId, recipientId: `rcp_bench_${n}`, claimKey: `PRICE_SUBSIDY#2026-12#${batchId}#${n}`,
      creditorName: `居民${n}`, bankName: '江苏银行', bankAccount: `62284800${String(n).padStart(8, '0')}`, amountFen: 5000, status: 'PLANNED',
    }));
  /** claimRate, then recordRate on what it wrote; NaN (and a log line) for a writer that failed. */
  const rates = async (batchId: string) => {
    const all = payments(batchId);
    const failed = (what: string) => (error: Error) => {
      log(`${what} failed: ${error.name}: ${error.message}`);
      return Number.NaN;
    };
    const transactional = await claimRate(batchId, all, inFlight).catch(failed('transactions'));
    const recording = await recordRate(all, recordingInFlight).catch(failed('recording'));
    return { transactional, recording };
  };

  const conditions: Array<{ condition: string; stream?: boolean; index?: boolean; describe?: boolean; read?: boolean; real?: boolean }> = [
    { condition: 'plain' },
    { condition: 'index', index: true },
    { condition: 'stream', stream: true },
    { condition: 'stream + index', stream: true, index: true },
    { condition: 'stream + index, described', stream: true, index: true, describe: true },
    { condition: 'stream + index, read', stream: true, index: true, read: true },
    { condition: "the stack's tables", real: true },
    { condition: 'stream + index, again', stream: true, index: true },
    { condition: 'plain, again' },
  ];
  // The JVM compiles the write paths first, so the first condition is not measured cold.
  await usePlannerScratchTables('scwarm');
  log('warm-up (not reported)');
  await rates('pb_scwarm');
  for (const [n, { condition, stream, index, describe, read, real }] of conditions.entries()) {
    let paymentsTable: string;
    if (real) {
      for (const [table, name] of Object.entries(realTables)) process.env[tableEnv(table as TableName)] = name;
      paymentsTable = realTables.payments!;
    } else {
      await usePlannerScratchTables(`sc${n}`, { stream, index });
      paymentsTable = `sc${n}-payments`;
    }
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
    log(`${condition}: ${pairs} pairs at ${inFlight} in flight, then their recording at ${recordingInFlight}`);
    streamCalls.clear();
    const t0 = performance.now();
    const { transactional, recording } = await rates(`pb_sc${n}`);
    const seconds = (performance.now() - t0) / 1000;
    const calls = [...streamCalls].map(([name, c]) => `${name.replace('Command', '')} ${(c.count / seconds).toFixed(1)}/s, ${(c.ms / c.count).toFixed(0)} ms each`).join('; ');
    if (poller) {
      await poller.drained();
      await poller.stop();
    }
    const kept = stream && !real ? await recordsKept(paymentsTable) : undefined;
    results.push({ condition, transactional, recording, calls, kept });
    log(`${condition}: ${transactional.toFixed(0)} pairs/s, recording ${recording.toFixed(0)} payments/s`);
  }
  const share = (value: number, first: number) => `${((value / first) * 100).toFixed(0)}%`.padStart(5);
  console.log(`\n== ${pairs} claim + payment pairs (claimAndPlan, ${inFlight} in flight), then their recording PLANNED -> RECORDED (recordPlannedPayments, ${recordingInFlight} in flight), per condition; load average at end ${loadavg().map((l) => l.toFixed(2)).join(', ')} (2 cores, shared)`);
  console.log(`${'condition'.padEnd(28)} ${'pairs/s'.padStart(8)} ${'share'.padStart(5)} ${'recorded/s'.padStart(10)} ${'share'.padStart(5)}  stream records kept; streams calls while writing`);
  const first = results[0]!;
  for (const r of results) {
    console.log(
      `${r.condition.padEnd(28)} ${r.transactional.toFixed(0).padStart(8)} ${share(r.transactional, first.transactional)} ${r.recording.toFixed(0).padStart(10)} ${share(r.recording, first.recording)}  ${r.kept ?? '-'}; ${r.calls || 'none'}`,
    );
  }
} finally {
  streams.destroy();
  await stack.stop();
}
