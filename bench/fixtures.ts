import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../shared/adapters/clients.ts';
import { acquireLease } from '../shared/adapters/lease.ts';
import { claimAndPlan, createPlanSegments } from '../shared/adapters/payout-store.ts';
import { recordPlannedPayments } from '../shared/adapters/recovery-store.ts';
import { checkCharacter } from '../shared/domain/id-number.ts';
import { planSegmentEntry, type PaymentRecord } from '../shared/domain/payouts/batch.ts';
import { tableEnv, type TableName } from '../shared/topology.ts';

/** Distinct valid resident ID numbers for benchmark person n (up to 1,000 per birth date). */
export function benchIdNumber(n: number): string {
  const day = new Date(Date.UTC(1940, 0, 1) + Math.floor(n / 1000) * 86_400_000);
  const birth = day.toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `321081${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/**
 * Raw BatchWriteItem calls in flight when measuring the baseline: as many as the local stack's
 * pipeline can have (4 pollers per queue, each writing 8 batches at a time), so the comparison
 * does not flatter the pipeline.
 */
export const rawConcurrency = 4 * 8;

/**
 * Fresh tables of the planner's keys (payoutClaims, payments, payoutProgress) named `<prefix>-<table>`,
 * which the payout store then uses (their environment variables point at them). The payments table
 * carries a NEW_AND_OLD_IMAGES stream and the sparse index `returnsByBatch`, as the topology declares
 * them, only when asked. Returns the old environment values, for `restorePlannerTables`.
 */
export async function usePlannerScratchTables(prefix: string, payments: { stream?: boolean; index?: boolean } = {}): Promise<Array<readonly [string, string | undefined]>> {
  const specs = { payoutClaims: ['claimKey'], payments: ['batchShard', 'endToEndId'], payoutProgress: ['batchId', 'entry'] } as const;
  const saved: Array<readonly [string, string | undefined]> = [];
  for (const [table, [pk, sk]] of Object.entries(specs) as Array<[TableName, readonly [string, string?]]>) {
    const name = `${prefix}-${table}`;
    const index = table === 'payments' && payments.index;
    await dynamodb().send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: pk, AttributeType: 'S' },
          ...(sk ? [{ AttributeName: sk, AttributeType: 'S' as const }] : []),
          ...(index ? [{ AttributeName: 'batchId', AttributeType: 'S' as const }, { AttributeName: 'returnedAt', AttributeType: 'S' as const }] : []),
        ],
        KeySchema: [{ AttributeName: pk, KeyType: 'HASH' }, ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : [])],
        ...(table === 'payments' && payments.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
        ...(index && {
          GlobalSecondaryIndexes: [{
            IndexName: 'returnsByBatch',
            KeySchema: [{ AttributeName: 'batchId', KeyType: 'HASH' }, { AttributeName: 'returnedAt', KeyType: 'RANGE' }],
            Projection: { ProjectionType: 'ALL' },
          }],
        }),
      }),
    );
    saved.push([tableEnv(table), process.env[tableEnv(table)]] as const);
    process.env[tableEnv(table)] = name;
  }
  return saved;
}

/** Points the payout store back at the tables `usePlannerScratchTables` replaced. */
export function restorePlannerTables(saved: ReadonlyArray<readonly [string, string | undefined]>): void {
  for (const [name, value] of saved) process.env[name] = value;
}

/**
 * The planner's own claim + payment transactions (claimAndPlan: 25 pairs and the lease's fence
 * check each) for `payments`, `inFlight` at once, under a fresh lease on segment 0 of `batchId`
 * in the tables the payout store points at: pairs/s. Throws when not every pair was written.
 */
export async function claimRate(batchId: string, payments: PaymentRecord[], inFlight: number): Promise<number> {
  await createPlanSegments(batchId, [0]);
  const lease = (await acquireLease(
    { table: 'payoutProgress', key: { batchId, entry: planSegmentEntry(0) }, name: 'plan' },
    { owner: 'bench', durationMs: 3_600_000, now: new Date() },
  ))!.lease;
  const t0 = performance.now();
  const outcome = await claimAndPlan(payments, new Date().toISOString(), lease, inFlight);
  if (outcome.written !== payments.length) throw new Error(`${outcome.written} of ${payments.length} claim + payment pairs written`);
  return outcome.written / ((performance.now() - t0) / 1000);
}

/** Paying's own writer (recordPlannedPayments: PLANNED -> RECORDED by conditional UpdateItem) on these PLANNED payments, `inFlight` at once: payments/s. */
export async function recordRate(payments: PaymentRecord[], inFlight: number): Promise<number> {
  const recordedAt = new Date().toISOString();
  const t0 = performance.now();
  const recorded = await recordPlannedPayments(payments.map((p) => ({ ...p, recordedAt })), inFlight);
  if (recorded !== payments.length) throw new Error(`${recorded} of ${payments.length} payments recorded`);
  return recorded / ((performance.now() - t0) / 1000);
}
