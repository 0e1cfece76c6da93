// The figure maintainers: one per source table's DynamoDB stream (recipients, payments,
// hospitalNotices). Reports the failed records so Lambda retries from the first of them.
// Two entries build them: handler.ts (recipients, payments) and notices.ts, which alone brings the
// SSM client (the recipientIdKey), as only the notices' maintainer is granted the secret.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../shared/observability/logger.ts';
import { maintainFigures, type RecipientIdKey } from '../../shared/usecases/figures.ts';
import { tableEnv, type StreamTableName } from '../../shared/topology.ts';

const streamTables: StreamTableName[] = ['recipients', 'payments', 'hospitalNotices'];

/** The logical table a stream ARN (…:table/NAME/stream/…) belongs to. */
function tableOf(arn: string | undefined): StreamTableName {
  const physical = /:table\/([^/]+)\//.exec(arn ?? '')?.[1];
  const found = streamTables.find((t) => process.env[tableEnv(t)] === physical);
  if (!found) throw new Error(`records from an unknown stream ${arn}`);
  return found;
}

/** A maintainer's handler; `recipientIdKey` for the hospital notices' stream (see maintainFigures). */
export const figureMaintainer = (recipientIdKey?: RecipientIdKey) =>
  middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    if (event.Records.length === 0) return { batchItemFailures: [] };
    const table = tableOf(event.Records[0]!.eventSourceARN);
    const failed = await maintainFigures(table, event.Records, recipientIdKey);
    if (failed.length > 0) logger.warn('figures: records to retry', { count: failed.length, from: failed[0] });
    // The lowest failed sequence number: Lambda retries from it (and what follows it in the shard).
    return { batchItemFailures: failed.slice(0, 1).map((itemIdentifier) => ({ itemIdentifier })) };
  }).use(injectLambdaContext(logger));
