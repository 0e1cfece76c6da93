// A DynamoDB stream record's image (DynamoDB JSON, as Lambda delivers it) as a plain item.
import type { AttributeValue } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** NewImage or OldImage of a stream record, unmarshalled (numbers as JS numbers, sets as Sets). */
export function streamImage(image: Record<string, AttributeValue>): Record<string, unknown> {
  return unmarshall(image as never);
}
