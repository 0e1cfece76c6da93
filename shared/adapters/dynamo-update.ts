// One builder for the conditional updates that move a record from one status to another: what
// to set, what to append to a list (its history), what to add to a counter, what to remove, and the
// statuses it must be in;
// and the one conditional write: applied (true) or its condition false (false, nothing written).
import { PutCommand, UpdateCommand, type PutCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TableName } from '../topology.ts';
import { documents } from './clients.ts';
import { tableName } from './resources.ts';

type Values = Record<string, unknown>;

export interface UpdateSpec {
  set?: Values;
  /** Set only where the attribute is missing (an id that must never change once written). */
  setIfMissing?: Values;
  /** Appended to list attributes, which are created when missing. */
  append?: Record<string, unknown[]>;
  /** Added to number attributes (DynamoDB ADD: a missing attribute starts at 0): counters. */
  add?: Record<string, number>;
  remove?: readonly string[];
  /** One element of a list attribute to remove. */
  removeListItem?: { attribute: string; index: number };
  /** The record must exist with one of these statuses... */
  statusIn?: readonly string[];
  /** ...and/or meet this condition (placeholders of its own, not #s0/#a0/#d0/#r0/#m0/#c0 style). */
  condition?: { expression: string; names?: Record<string, string>; values?: Values };
}

export function updateParams(tableName: string, key: Values, spec: UpdateSpec) {
  const names: Record<string, string> = { ...spec.condition?.names };
  const values: Values = { ...spec.condition?.values };
  const sets: string[] = [];
  const definedEntries = (record: Values | undefined) => Object.entries(record ?? {}).filter(([, v]) => v !== undefined);
  definedEntries(spec.set).forEach(([attribute, value], i) => {
    names[`#s${i}`] = attribute;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  });
  definedEntries(spec.setIfMissing).forEach(([attribute, value], i) => {
    names[`#m${i}`] = attribute;
    values[`:m${i}`] = value;
    sets.push(`#m${i} = if_not_exists(#m${i}, :m${i})`);
  });
  Object.entries(spec.append ?? {}).forEach(([attribute, items], i) => {
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = items;
    values[':emptyList'] = [];
    sets.push(`#a${i} = list_append(if_not_exists(#a${i}, :emptyList), :a${i})`);
  });
  const adds = definedEntries(spec.add).map(([attribute, amount], i) => {
    names[`#d${i}`] = attribute;
    values[`:d${i}`] = amount;
    return `#d${i} :d${i}`;
  });
  const removes = (spec.remove ?? []).map((attribute, i) => {
    names[`#r${i}`] = attribute;
    return `#r${i}`;
  });
  if (spec.removeListItem) {
    names['#rl'] = spec.removeListItem.attribute;
    removes.push(`#rl[${spec.removeListItem.index}]`);
  }
  const conditions: string[] = [];
  if (spec.statusIn) {
    names['#c0'] = 'status';
    const placeholders = spec.statusIn.map((status, i) => {
      values[`:c${i}`] = status;
      return `:c${i}`;
    });
    conditions.push(`#c0 IN (${placeholders.join(', ')})`);
  }
  if (spec.condition) conditions.push(`(${spec.condition.expression})`);
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: [
      sets.length ? `SET ${sets.join(', ')}` : '',
      adds.length ? `ADD ${adds.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' '),
    ...(conditions.length && { ConditionExpression: conditions.join(' AND ') }),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length && { ExpressionAttributeValues: values }),
  };
}

export const isConditionFailure = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

/** Runs a conditional write: true when applied, false when its condition was false (nothing written); any other error throws. */
async function appliedUnlessConditionFailed(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** A conditional UpdateItem: true when applied, false when its ConditionExpression was false. */
export const updateIf = (input: UpdateCommandInput): Promise<boolean> =>
  appliedUnlessConditionFailed(() => documents().send(new UpdateCommand(input)));

/** A conditional PutItem: true when written, false when its ConditionExpression was false. */
export const putIf = (input: PutCommandInput): Promise<boolean> =>
  appliedUnlessConditionFailed(() => documents().send(new PutCommand(input)));

/** `spec` applied to one item of `table` (see UpdateSpec): true when applied, false when its condition was false. */
export const updateItem = (table: TableName, key: Values, spec: UpdateSpec): Promise<boolean> => updateIf(updateParams(tableName(table), key, spec));

/** Why each action of a cancelled transaction failed ('ConditionalCheckFailed', 'None', ...), or null if it was not cancelled. */
export function cancellationCodes(error: unknown): string[] | null {
  if ((error as Error).name !== 'TransactionCanceledException') return null;
  return ((error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}
