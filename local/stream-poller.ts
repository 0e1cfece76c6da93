// Reads a table's DynamoDB stream as Lambda's DynamoDB event source mapping does: every shard
// from its oldest record (TRIM_HORIZON), shards side by side, a shard's children only after it is
// finished, batches of up to the configured size in order (GetRecords answers at most 1,000
// records a call: a batch takes several), the parallelization factor (that many batches of one
// shard handled at once, each item's records in one of them and in order, as Lambda keeps order
// per partition key), ReportBatchItemFailures semantics (a throw, or a failed itemIdentifier,
// retries that batch from that record; later records of the shard wait behind it).
// DynamoDB Local serves the streams API on its own endpoint.
import { createHash } from 'node:crypto';
import type { LocalCredentials } from './credentials.ts';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { FunctionName } from '../shared/topology.ts';
import { lambdaContext, type Handler } from './lambda-runtime.ts';
import { localRegion } from './provision.ts';

export interface StreamPollerOptions {
  name: FunctionName;
  handler: Handler;
  tableName: string;
  batchSize: number;
  /** Batches of one shard handled at once (Lambda's ParallelizationFactor, 1–10); default 1. */
  parallelizationFactor?: number;
  dynamodbEndpoint: string;
  /** The emulators' credentials: DynamoDB Local keeps data per access key id, so any other key sees no table. */
  credentials: LocalCredentials;
  onError?: (message: string) => void;
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves when every record written before the call has been handled (tests and benches wait on it). */
  drained(): Promise<void>;
}


function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: localRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime ? Math.floor(new Date(d.ApproximateCreationDateTime).getTime() / 1000) : undefined,
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
    },
  };
}

/** The first failed sequence number a handler's answer names; undefined when none failed; null for the whole batch. */
export function firstFailure(records: DynamoDBRecord[], response: unknown): string | undefined | null {
  if (response === undefined || response === null) return undefined;
  if (typeof response !== 'object') return null;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return null;
  if (failures.length === 0) return undefined;
  const known = new Set(records.map((r) => r.dynamodb?.SequenceNumber));
  const ids: string[] = [];
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown })?.itemIdentifier;
    if (typeof id !== 'string' || !known.has(id)) return null;
    ids.push(id);
  }
  return ids.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];
}

/**
 * Records split into at most `parts` batches by item (its Keys): one item's records all in one
 * batch, in their order, as Lambda's parallelization factor keeps order per partition key.
 */
export function splitByItem(records: DynamoDBRecord[], parts: number): DynamoDBRecord[][] {
  if (parts <= 1) return [records];
  const batches: DynamoDBRecord[][] = Array.from({ length: parts }, () => []);
  for (const record of records) {
    const key = JSON.stringify(record.dynamodb?.Keys ?? {});
    batches[createHash('sha256').update(key).digest().readUInt32BE(0) % parts]!.push(record);
  }
  return batches.filter((b) => b.length > 0);
}

export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const streams = new DynamoDBStreamsClient({ endpoint: options.dynamodbEndpoint, region: localRegion, credentials: options.credentials });
  const tables = new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: localRegion, credentials: options.credentials });
  let stopping = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  // Shards: where each stands (an iterator), and which are finished.
  const iterators = new Map<string, string>();
  const finished = new Set<string>();
  const pending = new Map<string, DynamoDBRecord[]>();
  const lastRead = new Map<string, string>();
  let idleRounds = 0;
  let round = 0;
  // DescribeStream is not asked every round (ten a second per table when idle, a tenth of DynamoDB
  // Local's calls beside the hospital notices' bench): only at the start, when a shard has finished
  // (its children are due) and every few seconds for shards that split.
  const shardListEveryMs = 5000;
  let shardsListedAt = 0;
  let finishedWhenListed = 0;

  async function shardsOf(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  /** From the oldest record, or just after the last one read. */
  async function iteratorAt(streamArn: string, shardId: string, afterSequenceNumber?: string): Promise<string | undefined> {
    const result = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: afterSequenceNumber ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        SequenceNumber: afterSequenceNumber,
      }),
    );
    return result.ShardIterator;
  }

  /** GetRecords' most records a call. */
  const recordsPerRead = 1000;
  const parallel = Math.max(1, Math.min(10, options.parallelizationFactor ?? 1));

  /** Up to `wanted` records of a shard, in order, in as many reads as needed; [] when none are waiting. */
  async function readShard(streamArn: string, shardId: string, wanted: number): Promise<DynamoDBRecord[]> {
    const records: DynamoDBRecord[] = [];
    while (records.length < wanted) {
      const iterator = iterators.get(shardId);
      if (!iterator) break;
      let page;
      try {
        page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(recordsPerRead, wanted - records.length) }));
      } catch (error) {
        // DynamoDB Local answers TrimmedDataAccessException for an iterator taken while the shard
        // was empty (aws/aws-sdk-java#2923): take a new one after the last record read.
        const name = (error as Error).name;
        if (name !== 'TrimmedDataAccessException' && name !== 'ExpiredIteratorException') throw error;
        const again = await iteratorAt(streamArn, shardId, lastRead.get(shardId));
        if (again) iterators.set(shardId, again);
        break;
      }
      const read = (page.Records ?? []).map((r) => toLambdaRecord(r, streamArn));
      records.push(...read);
      if (read.length > 0) lastRead.set(shardId, read.at(-1)!.dynamodb!.SequenceNumber!);
      if (page.NextShardIterator) iterators.set(shardId, page.NextShardIterator);
      else {
        iterators.delete(shardId);
        finished.add(shardId);
      }
      if (read.length === 0) break;
    }
    return records;
  }

  /** One invocation with `records`; answers the records to offer again (from the first failed one). */
  async function invoke(records: DynamoDBRecord[]): Promise<DynamoDBRecord[]> {
    let retryFrom: string | undefined | null;
    try {
      const response = await options.handler({ Records: records } satisfies DynamoDBStreamEvent, lambdaContext(options.name));
      retryFrom = firstFailure(records, response);
    } catch (error) {
      options.onError?.(`${options.name}: batch of ${records.length} failed: ${(error as Error).message}`);
      retryFrom = null;
    }
    if (retryFrom === undefined) return [];
    return records.slice(retryFrom === null ? 0 : records.findIndex((r) => r.dynamodb?.SequenceNumber === retryFrom));
  }

  /**
   * Handles what a shard has waiting, up to `parallel` batches at once; answers whether it handled
   * records. A failed batch is kept and offered again from its first failed record (nothing after
   * it in the shard is read meanwhile), as Lambda retries from the failed sequence number.
   */
  async function pollShard(streamArn: string, shardId: string): Promise<boolean> {
    const records = pending.get(shardId) ?? (await readShard(streamArn, shardId, options.batchSize * parallel));
    if (records.length === 0) return false;
    const batches = splitByItem(records, parallel);
    const again = (await Promise.all(batches.map(invoke))).flat();
    if (again.length === 0) {
      pending.delete(shardId);
    } else {
      pending.set(shardId, again.sort((a, b) => (BigInt(a.dynamodb!.SequenceNumber!) < BigInt(b.dynamodb!.SequenceNumber!) ? -1 : 1)));
      await sleep(200);
    }
    return true;
  }

  async function loop(): Promise<void> {
    let streamArn: string | undefined;
    while (!stopping) {
      try {
        streamArn ??= (await tables.send(new DescribeTableCommand({ TableName: options.tableName }))).Table?.LatestStreamArn;
        if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);
        const listShards =
          (iterators.size === 0 && pending.size === 0) || finished.size !== finishedWhenListed || Date.now() - shardsListedAt >= shardListEveryMs;
        if (listShards) {
          shardsListedAt = Date.now();
          finishedWhenListed = finished.size;
          for (const shard of await shardsOf(streamArn)) {
            const id = shard.ShardId!;
            if (finished.has(id) || iterators.has(id) || pending.has(id)) continue;
            // Children wait for their parent, so one item's changes stay in order.
            const parent = shard.ParentShardId;
            if (parent && (iterators.has(parent) || pending.has(parent))) continue;
            const it = await iteratorAt(streamArn, id);
            if (it) iterators.set(id, it);
          }
        }
        const arn = streamArn;
        const shards = [...new Set([...iterators.keys(), ...pending.keys()])];
        const found = (await Promise.all(shards.map((id) => pollShard(arn, id)))).some(Boolean);
        round++;
        idleRounds = found ? 0 : idleRounds + 1;
        if (!found) await sleep(100);
        else idleRounds = 0;
      } catch (error) {
        if (stopping) return;
        options.onError?.(`${options.name}: stream read failed: ${(error as Error).message}`);
        await sleep(500);
      }
    }
  }

  const running = loop();
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await running;
      streams.destroy();
      tables.destroy();
    },
    drained: async () => {
      // Two full idle rounds after the call: every record written before it was read and handled.
      const start = round;
      while (!stopping && !(round >= start + 3 && idleRounds >= 2)) await new Promise((r) => setTimeout(r, 50));
    },
  };
}
