// 统计: keeping the figures as source records change (stream consumers), answering reports from
// the counters, filing a month's report, and recounting a year from the source records.
import { createHash, randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  annualFromCounters,
  coverageFor,
  dayOf,
  differences,
  monthlyFromCounters,
  noticeContribution,
  recountAnnual,
  recountMonthly,
  type NoticeFacts,
  type PaymentFacts,
  type RegistryFacts,
  type SourceRecords,
} from '../domain/figures.ts';
import { alreadyApplied, ledgerId, planNotice, planPayment, planRecipient, type LedgerPlan, type ReadEntry } from '../domain/figure-ledger.ts';
import type { RecipientCategory, RecipientHistoryEntry } from '../domain/registry.ts';
import { documents } from '../adapters/clients.ts';
import { collect, queryAll, scanAll } from '../adapters/dynamo-pages.ts';
import {
  counterRows,
  filings,
  noteRegistryRecordedOn,
  putFiling,
  readEntries,
  registryRecordedFrom,
  shardOf,
  writePlan,
  type Filing,
} from '../adapters/figure-store.ts';
import { tableName } from '../adapters/resources.ts';
import type { StreamTableName } from '../topology.ts';

type Item = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Source items → facts (the same mapping for the maintainers and the recount).

export function registryFactsOf(item: Item): RegistryFacts {
  return {
    recipientId: item.recipientId as string,
    householdId: item.householdId as string,
    category: item.category as RecipientCategory,
    township: item.township as string,
    since: item.since as string,
    history: ((item.history ?? []) as RecipientHistoryEntry[]).map((e) => ({
      at: e.at,
      action: e.action,
      category: e.category,
      effectiveOn: e.since,
    })),
  };
}

interface BatchFacts {
  program: string;
  period: string;
  categories: string[];
}

/** A non-identifying key of a patient, so distinct people can be counted without their number. */
export function patientKeyOf(idNumber: string): string {
  return createHash('sha256').update(`tuodi-figures\u0000${idNumber}`).digest('hex').slice(0, 32);
}

export function noticeFactsOf(item: Item): NoticeFacts {
  const settlement = item.settlement as { medicalAssistanceFen?: number } | undefined;
  return {
    id: item.id as string,
    kind: item.kind as string,
    status: item.status as string,
    admittedAt: item.admittedAt as string | undefined,
    dischargedAt: item.dischargedAt as string | undefined,
    medicalAssistanceFen: settlement?.medicalAssistanceFen,
    patientKey: typeof item.patientIdNumber === 'string' ? patientKeyOf(item.patientIdNumber) : undefined,
  };
}

export function paymentFactsOf(item: Item, batch: BatchFacts, grantType: string | undefined): PaymentFacts {
  return {
    batchId: item.batchId as string,
    endToEndId: item.endToEndId as string,
    program: batch.program,
    period: batch.period,
    batchCategory: batch.categories.length === 1 ? (batch.categories[0] as RecipientCategory) : 'MIXED',
    grantType,
    amountFen: item.amountFen as number,
    status: item.status as string,
  };
}

// A batch's program, period and categories, and a grant's type, never change: cached per process.
const batchCache = new Map<string, Promise<BatchFacts>>();
const grantTypeCache = new Map<string, Promise<string | undefined>>();

function batchFacts(batchId: string): Promise<BatchFacts> {
  let found = batchCache.get(batchId);
  if (!found) {
    found = documents()
      .send(new GetCommand({ TableName: tableName('payoutBatches'), Key: { batchId }, ProjectionExpression: 'program, period, categories' }))
      .then((r) => {
        if (!r.Item) throw new Error(`payment of unknown batch ${batchId}`);
        return { program: r.Item.program as string, period: r.Item.period as string, categories: (r.Item.categories as string[] | undefined) ?? [] };
      });
    found.catch(() => batchCache.delete(batchId));
    batchCache.set(batchId, found);
  }
  return found;
}

function grantType(grantId: string): Promise<string | undefined> {
  let found = grantTypeCache.get(grantId);
  if (!found) {
    found = documents()
      .send(new GetCommand({ TableName: tableName('grants'), Key: { grantId }, ProjectionExpression: '#t', ExpressionAttributeNames: { '#t': 'type' } }))
      .then((r) => r.Item?.type as string | undefined);
    found.catch(() => grantTypeCache.delete(grantId));
    grantTypeCache.set(grantId, found);
  }
  return found;
}

async function paymentFactsFor(item: Item): Promise<PaymentFacts> {
  const batch = await batchFacts(item.batchId as string);
  const type = batch.program === 'ONE_OFF_GRANTS' ? await grantType(item.recipientId as string) : undefined;
  return paymentFactsOf(item, batch, type);
}

// ---------------------------------------------------------------------------------------------
// Stream maintenance.

const maxAttempts = 30;

/** Reads the entries a plan needs (two rounds: the first entry names the others), plans, writes. */
async function applyChange(
  entityId: string,
  firstIds: string[],
  moreIds: (read: ReadEntry) => string[],
  plan: (read: ReadEntry) => LedgerPlan | 'stale',
  seq: string,
): Promise<'applied' | 'stale' | 'unchanged'> {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const first = await readEntries(firstIds);
    if (alreadyApplied(first.get(firstIds[0]!), seq)) return 'stale';
    const entries = new Map([...first, ...(await readEntries(moreIds((id) => first.get(id))))]);
    const read: ReadEntry = (id) => entries.get(id);
    const planned = plan(read);
    if (planned === 'stale') return 'stale';
    // Nothing counted changes (e.g. a payment recorded, a review opened): skip the write.
    const same = planned.writes.every((w) => {
      const before = read(w.id);
      const { version: _v, seq: _s, ...a } = w.entry;
      const { version: _bv, seq: _bs, ...b } = before ?? ({ id: w.id } as typeof w.entry);
      return before && JSON.stringify(a) === JSON.stringify(b);
    });
    if (same) return 'unchanged';
    if ((await writePlan(planned, shardOf(entityId))) === 'written') return 'applied';
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(500, 10 * 2 ** attempt)));
  }
  throw new Error(`figures for ${entityId} kept conflicting`);
}

async function applyRecord(table: StreamTableName, record: DynamoDBRecord): Promise<void> {
  const seq = record.dynamodb?.SequenceNumber;
  if (!seq) throw new Error('stream record without a sequence number');
  const image = (which: 'NewImage' | 'OldImage') => {
    const raw = record.dynamodb?.[which];
    return raw ? (unmarshall(raw as Record<string, AttributeValue> as never) as Item) : undefined;
  };
  const now = image('NewImage');
  const old = image('OldImage');
  const item = now ?? old;
  if (!item) return;
  if (table === 'recipients') {
    const recipientId = item.recipientId as string;
    const facts = now ? registryFactsOf(now) : undefined;
    const personId = ledgerId.person(recipientId);
    await applyChange(
      personId,
      [personId],
      (read) => [read(personId)?.householdId, facts?.householdId].flatMap((h) => (h ? [ledgerId.household(h)] : [])),
      (read) => planRecipient(read, recipientId, facts, seq),
      seq,
    );
  } else if (table === 'payments') {
    const facts = await paymentFactsFor(item);
    if (!now) facts.status = 'REMOVED';
    const id = ledgerId.payment(facts.batchId, facts.endToEndId);
    await applyChange(id, [id], () => [], (read) => planPayment(read, facts, seq), seq);
  } else {
    const facts = noticeFactsOf(item);
    if (!now) facts.status = 'REMOVED';
    const id = ledgerId.notice(facts.id);
    const { personYear } = noticeContribution(facts);
    await applyChange(
      id,
      [id],
      (read) => [read(id)?.personYear, personYear].flatMap((py) => (py ? [ledgerId.personYear(py)] : [])),
      (read) => planNotice(read, facts, seq),
      seq,
    );
  }
}

/**
 * Applies a stream batch: records of one item in order, different items concurrently. Answers
 * the sequence numbers that failed (Lambda retries from the lowest; applying again is harmless).
 */
export async function maintainFigures(table: StreamTableName, records: DynamoDBRecord[], concurrency = 8): Promise<string[]> {
  const byItem = new Map<string, DynamoDBRecord[]>();
  for (const r of records) {
    const key = JSON.stringify(r.dynamodb?.Keys ?? {});
    byItem.set(key, [...(byItem.get(key) ?? []), r]);
  }
  if (table === 'recipients') {
    // Coverage: the earliest day a registry record was made, kept once per batch.
    const days = records.flatMap((r) => {
      const image = r.dynamodb?.NewImage;
      if (!image) return [];
      const history = (unmarshall(image as Record<string, AttributeValue> as never).history ?? []) as Array<{ at: string; action: string }>;
      return history.filter((e) => e.action === 'IMPORTED' || e.action === 'ENROLLED').map((e) => dayOf(e.at));
    });
    if (days.length > 0) await noteRegistryRecordedOn(days.sort()[0]!);
  }
  const groups = [...byItem.values()];
  const failed: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, groups.length) }, async () => {
      while (next < groups.length) {
        const group = groups[next++]!;
        for (const [i, record] of group.entries()) {
          try {
            await applyRecord(table, record);
          } catch (error) {
            for (const rest of group.slice(i)) failed.push(rest.dynamodb?.SequenceNumber ?? '');
            throw error;
          }
        }
      }
    }).map((p) => p.catch(() => undefined)),
  );
  // Groups a failing worker never reached are failures too.
  for (const group of groups.slice(next)) for (const r of group) failed.push(r.dynamodb?.SequenceNumber ?? '');
  return failed.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Reports.

export async function annualReport(year: string, now: Date) {
  const [rows, recordedFrom] = await Promise.all([counterRows(year), registryRecordedFrom()]);
  const figures = annualFromCounters(rows, year);
  return { ...figures, generatedAt: now.toISOString(), coverage: coverageFor(`${year}-01-01`, recordedFrom) };
}

export async function monthlyReport(month: string, now: Date) {
  const [rows, recordedFrom] = await Promise.all([counterRows(month), registryRecordedFrom()]);
  const figures = monthlyFromCounters(rows, month);
  return { ...figures, generatedAt: now.toISOString(), coverage: coverageFor(`${month}-01`, recordedFrom) };
}

export async function fileMonthlyReport(month: string, actor: string, reason: string | undefined, now: Date): Promise<Filing> {
  const filing: Filing = {
    filingId: `fil_${randomUUID()}`,
    month,
    filedBy: actor,
    filedAt: now.toISOString(),
    ...(reason && { reason }),
    report: await monthlyReport(month, now),
  };
  await putFiling(filing);
  return filing;
}

export const monthlyFilings = filings;

// ---------------------------------------------------------------------------------------------
// Recount: the year's figures straight from the source records, compared with the counters.

export async function loadSourceForYear(year: string): Promise<SourceRecords> {
  const recipients = await collect(scanAll({ TableName: tableName('recipients') }), registryFactsOf);
  const batches = await collect(
    scanAll({ TableName: tableName('payoutBatches'), ProjectionExpression: 'batchId, program, period, categories' }),
    (i) => i,
  );
  const payments: PaymentFacts[] = [];
  for (const batch of batches.filter((b) => String(b.period).startsWith(year))) {
    const facts = { program: batch.program as string, period: batch.period as string, categories: (batch.categories as string[] | undefined) ?? [] };
    for await (const item of queryAll({
      TableName: tableName('payments'),
      KeyConditionExpression: 'batchId = :b',
      ExpressionAttributeValues: { ':b': batch.batchId },
    })) {
      const type = facts.program === 'ONE_OFF_GRANTS' ? await grantType(item.recipientId as string) : undefined;
      payments.push(paymentFactsOf(item, facts, type));
    }
  }
  const notices = await collect(scanAll({ TableName: tableName('hospitalNotices') }), noticeFactsOf);
  return { recipients, payments, notices };
}

export interface RecountResult {
  year: string;
  checkedAt: string;
  matches: boolean;
  differences: string[];
}

/** Recomputes `year` (the annual report and each month's) from the source records and lists every difference. */
export async function recountYear(year: string, now: Date): Promise<RecountResult> {
  const source = await loadSourceForYear(year);
  const found: string[] = [];
  const annual = annualFromCounters(await counterRows(year), year);
  found.push(...differences(annual, recountAnnual(source, year)).map((d) => `annual ${year}: ${d}`));
  for (let m = 1; m <= 12; m++) {
    const month = `${year}-${String(m).padStart(2, '0')}`;
    if (`${month}-01` > now.toISOString().slice(0, 10)) break;
    const monthly = monthlyFromCounters(await counterRows(month), month);
    found.push(...differences(monthly, recountMonthly(source, month)).map((d) => `monthly ${month}: ${d}`));
  }
  return { year, checkedAt: now.toISOString(), matches: found.length === 0, differences: found };
}
