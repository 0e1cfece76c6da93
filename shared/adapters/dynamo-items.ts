// One item by its key, and a new item where none has its key: the two single-item calls every store
// makes (conditional updates are dynamo-update.ts, pages and queries dynamo-pages.ts).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableName } from '../topology.ts';
import { documents } from './clients.ts';
import { tableName } from './resources.ts';

type Values = Record<string, unknown>;

/**
 * The item of `table` under `key`, or undefined when there is none. Strongly consistent (a read
 * after a write sees it) unless `eventually`; the whole item unless `attributes` names some.
 */
export async function getItem<T = Values>(
  table: TableName,
  key: Values,
  read: { eventually?: boolean; attributes?: readonly string[] } = {},
): Promise<T | undefined> {
  const names = read.attributes && Object.fromEntries(read.attributes.map((attribute, i) => [`#a${i}`, attribute]));
  const result = await documents().send(
    new GetCommand({
      TableName: tableName(table),
      Key: key,
      ConsistentRead: !read.eventually,
      ...(names && { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }),
    }),
  );
  return result.Item as T | undefined;
}

/**
 * Writes `item` to `table` only where no item has its key (`keyAttribute`, the partition key): an
 * existing one is left as it is and DynamoDB's ConditionalCheckFailedException thrown (isConditionFailure).
 */
export async function putNew(table: TableName, item: object, keyAttribute: string): Promise<void> {
  await documents().send(
    new PutCommand({
      TableName: tableName(table),
      Item: item as Values,
      ConditionExpression: 'attribute_not_exists(#key)',
      ExpressionAttributeNames: { '#key': keyAttribute },
    }),
  );
}
