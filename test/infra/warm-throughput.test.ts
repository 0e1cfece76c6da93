// DynamoDB warm throughput as a deployment setting: a table named in `warmThroughput` is created
// pre-warmed to those units per second; the others carry no WarmThroughput; a bad setting is refused
// with the field at fault before any construct.
import { afterAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../infra/settings.ts';
import { tables, type TableName } from '../../shared/topology.ts';
import { buildStack, loadSettings, settingsFiles, type Resource } from './support.ts';

const base = loadSettings(settingsFiles.globalCognito);
const warm = { payments: { writeUnitsPerSecond: 40_000 }, payoutClaims: { writeUnitsPerSecond: 40_000, readUnitsPerSecond: 20_000 } };
const built = buildStack(undefined, parseSettings({ ...base, warmThroughput: warm }));
afterAll(() => built.cleanup());

describe('warm throughput (settings.warmThroughput)', () => {
  it('pre-warms exactly the tables named, to the units given', () => {
    const resources = built.template().toJSON().Resources as Record<string, Resource>;
    for (const name of Object.keys(tables) as TableName[]) {
      const table = resources[built.logicalId(built.stack.tables[name])]!;
      const expected = (warm as Partial<Record<TableName, { readUnitsPerSecond?: number; writeUnitsPerSecond?: number }>>)[name];
      expect(table.Properties!.WarmThroughput, name).toEqual(
        expected && { ...(expected.readUnitsPerSecond && { ReadUnitsPerSecond: expected.readUnitsPerSecond }), WriteUnitsPerSecond: expected.writeUnitsPerSecond },
      );
    }
  });

  it('is none by default (the settings files name none)', () => {
    expect(base.warmThroughput).toEqual({});
  });

  it('refuses a table the topology does not have, an empty entry and a non-integer', () => {
    expect(() => parseSettings({ ...base, warmThroughput: { paymnts: { writeUnitsPerSecond: 40_000 } } })).toThrow(/warmThroughput/);
    expect(() => parseSettings({ ...base, warmThroughput: { payments: {} } })).toThrow(/warmThroughput\.payments: give readUnitsPerSecond or writeUnitsPerSecond/);
    expect(() => parseSettings({ ...base, warmThroughput: { payments: { writeUnitsPerSecond: 1.5 } } })).toThrow(/warmThroughput\.payments\.writeUnitsPerSecond/);
  });
});
