// 统计: keeping the figures as source records change (stream consumers), answering reports from
// the counters, filing a month's report, and recounting a year from the source records.
import { pauseBeforeRetry } from '../retry.ts';
import { randomInt, randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import {
  annualFromCounters,
  coverageFor,
  dayOf,
  differences,
  monthlyFromCounters,
  noticeContribution,
  payeeCategory,
  recountAnnual,
  recountMonthly,
  type NoticeFacts,
  type PaymentFacts,
  type RegistryFacts,
  type SourceRecords,
} from '../domain/figures.ts';
import { alreadyApplied, ledgerId, noticeChangeCountsNothing, paymentChangeCountsNothing, planNotice, planPayment, planRecipient, type LedgerPlan, type ReadEntry } from '../domain/figure-ledger.ts';
import type { RecipientCategory, RecipientHistoryEntry } from '../domain/registry.ts';
import { recipientIdFor } from '../domain/recipient-id.ts';
import { collect } from '../adapters/dynamo-pages.ts';
import {
  counterRows,
  filings,
  noteRegistryRecordedOn,
  putFiling,
  readEntries,
  registryRecordedFrom,
  counterShards,
  shardOf,
  writePlan,
  readBatchFacts,
  readGrantType,
  allRecipientItems,
  allBatchFacts,
  paymentItemsOf,
  allNoticeItems,
  type Filing,
} from '../adapters/figure-store.ts';
import { streamImage } from '../adapters/stream-image.ts';
import { secretBytes } from '../adapters/secrets.ts';
import { logger } from '../observability/logger.ts';
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

/**
 * A settled discharge's patient as figures know them: their recipientId, the keyed HMAC of the ID
 * number under the deployment's recipientIdKey (shared/domain/recipient-id.ts). Only a registry
 * member's admission is covered, so this is the id of their registry record; unlike an unkeyed
 * hash it cannot be reversed by hashing every possible ID number without the key. No figures
 * record holds the ID number or a plain hash of it.
 */
export function noticeFactsOf(item: Item, recipientIdKey: Uint8Array): NoticeFacts {
  const settlement = item.settlement as { medicalAssistanceFen?: number } | undefined;
  return {
    id: item.id as string,
    kind: item.kind as string,
    status: item.status as string,
    admittedAt: item.admittedAt as string | undefined,
    dischargedAt: item.dischargedAt as string | undefined,
    medicalAssistanceFen: settlement?.medicalAssistanceFen,
    patientKey: typeof item.patientIdNumber === 'string' ? recipientIdFor(recipientIdKey, item.patientIdNumber) : undefined,
  };
}

export function paymentFactsOf(item: Item, batch: BatchFacts, grantType: string | undefined): PaymentFacts {
  return {
    batchId: item.batchId as string,
    endToEndId: item.endToEndId as string,
    program: batch.program,
    period: batch.period,
    category: payeeCategory(item.category as RecipientCategory | undefined, batch.categories),
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
    found = readBatchFacts(batchId).then((facts) => {
      if (!facts) throw new Error(`payment of unknown batch ${batchId}`);
      return facts;
    });
    found.catch(() => batchCache.delete(batchId));
    batchCache.set(batchId, found);
  }
  return found;
}

function grantType(grantId: string): Promise<string | undefined> {
  let found = grantTypeCache.get(grantId);
  if (!found) {
    found = readGrantType(grantId);
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

/**
 * What the maintainers did in this process since it started (bench/reports.ts prints it): stream
 * records received, transactions written, ledger entries and counter-shard updates in them, and
 * transactions that conflicted and were applied again change by change.
 */
export const maintenanceCounts = { records: 0, transactions: 0, entryWrites: 0, counterUpdates: 0, conflicts: 0 };

async function writeCounted(plan: LedgerPlan, shard: number): Promise<'written' | 'conflict' | 'busy'> {
  const outcome = await writePlan(plan, shard);
  if (outcome !== 'written') maintenanceCounts.conflicts++;
  else {
    maintenanceCounts.transactions++;
    maintenanceCounts.entryWrites += plan.writes.length;
    maintenanceCounts.counterUpdates += Object.values(plan.counters).filter((fields) => Object.values(fields).some((v) => v !== 0)).length;
  }
  return outcome;
}

/** One stream record's change to the figures: the entries it reads and how it plans. */
interface FigureChange {
  /** The source record's ledger entry id (its shard when applied alone). */
  entityId: string;
  seq: string;
  /** Entry ids read first (the record's own entry first). */
  firstIds: string[];
  /** Entry ids the first read names (a person's households, a notice's person-years). */
  moreIds: (read: ReadEntry) => string[];
  plan: (read: ReadEntry) => LedgerPlan | 'stale';
}

/** A plan that would write entries exactly as they are (e.g. a payment recorded, a review opened): nothing to write. */
function writesNothingNew(planned: LedgerPlan, read: ReadEntry): boolean {
  return planned.writes.every((w) => {
    const before = read(w.id);
    const { version: _v, seq: _s, ...a } = w.entry;
    const { version: _bv, seq: _bs, ...b } = before ?? ({ id: w.id } as typeof w.entry);
    return before && JSON.stringify(a) === JSON.stringify(b);
  });
}

/** Applies one change alone: reads its entries (two rounds), plans, writes; on a conflict reads again. */
async function applyChange(change: FigureChange): Promise<'applied' | 'stale' | 'unchanged'> {
  const { entityId, firstIds, seq } = change;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const first = await readEntries(firstIds);
    if (alreadyApplied(first.get(firstIds[0]!), seq)) return 'stale';
    const entries = new Map([...first, ...(await readEntries(change.moreIds((id) => first.get(id))))]);
    const read: ReadEntry = (id) => entries.get(id);
    const planned = change.plan(read);
    if (planned === 'stale') return 'stale';
    if (writesNothingNew(planned, read)) return 'unchanged';
    if ((await writeCounted(planned, shardOf(entityId))) === 'written') return 'applied';
    await pauseBeforeRetry(attempt, { capMs: 500 });
  }
  throw new Error(`figures for ${entityId} kept conflicting`);
}

/**
 * The key that makes a notice's recipientId (keyed HMAC); only the hospital notices' maintainer is
 * given one (it alone is granted the secret: the others' bundles carry no SSM client).
 */
export type RecipientIdKey = () => Promise<Buffer>;

async function changeOf(table: StreamTableName, record: DynamoDBRecord, recipientIdKey?: RecipientIdKey): Promise<FigureChange | undefined> {
  const seq = record.dynamodb?.SequenceNumber;
  if (!seq) throw new Error('stream record without a sequence number');
  const image = (which: 'NewImage' | 'OldImage') => {
    const raw = record.dynamodb?.[which];
    return raw ? streamImage(raw) : undefined;
  };
  const now = image('NewImage');
  const old = image('OldImage');
  const item = now ?? old;
  if (!item) return undefined;
  if (table === 'recipients') {
    const recipientId = item.recipientId as string;
    const facts = now ? registryFactsOf(now) : undefined;
    const personId = ledgerId.person(recipientId);
    return {
      entityId: personId,
      seq,
      firstIds: [personId],
      moreIds: (read) => [read(personId)?.householdId, facts?.householdId].flatMap((h) => (h ? [ledgerId.household(h)] : [])),
      plan: (read) => planRecipient(read, recipientId, facts, seq),
    };
  } else if (table === 'payments') {
    const facts = await paymentFactsFor(item);
    if (!now) facts.status = 'REMOVED';
    // Most of a payment's changes (planned, recorded) count nothing: skipped without a read.
    if (paymentChangeCountsNothing(old && (await paymentFactsFor(old)), now && facts)) return undefined;
    const id = ledgerId.payment(facts.batchId, facts.endToEndId);
    return { entityId: id, seq, firstIds: [id], moreIds: () => [], plan: (read) => planPayment(read, facts, seq) };
  } else {
    if (!recipientIdKey) throw new Error('the hospital notices\' figures need the recipientIdKey');
    const key = await recipientIdKey();
    // Most of the table's changes (a notice received, a stay claimed, an allowance slot taken) count nothing: skipped without a read.
    if (noticeChangeCountsNothing(old && noticeFactsOf(old, key), now && noticeFactsOf(now, key))) return undefined;
    const facts = noticeFactsOf(item, key);
    if (!now) facts.status = 'REMOVED';
    const id = ledgerId.notice(facts.id);
    const { personYear } = noticeContribution(facts);
    return {
      entityId: id,
      seq,
      firstIds: [id],
      moreIds: (read) => [read(id)?.personYear, personYear].flatMap((py) => (py ? [ledgerId.personYear(py)] : [])),
      plan: (read) => planNotice(read, facts, seq),
    };
  }
}

/** DynamoDB's limit of items in one transaction. */
const itemsPerTransaction = 100;

/**
 * Applies one change of each of several items together: their entries read in one round of
 * BatchGetItem (consistent), their plans packed into as few transactions as fit (each entry still
 * conditioned on its version; the counter deltas of a pack summed). A change whose entries another
 * change of this round also writes (two members of one household) waits for the next round, so
 * every plan is made from entries no write of its round has moved. A pack that conflicts (another
 * invocation moved an entry) is applied change by change. Answers, per change, whether it is done.
 */
async function applyRound(changes: FigureChange[], round: number, firstShard: number): Promise<boolean[]> {
  const first = await readEntries(changes.flatMap((c) => c.firstIds));
  const more = await readEntries(changes.flatMap((c) => (alreadyApplied(first.get(c.firstIds[0]!), c.seq) ? [] : c.moreIds((id) => first.get(id)))));
  const read: ReadEntry = (id) => first.get(id) ?? more.get(id);
  const done = changes.map(() => false);
  const claimed = new Set<string>();
  const packs: Array<{ plan: LedgerPlan; items: number; members: number[] }> = [];
  changes.forEach((change, i) => {
    if (alreadyApplied(first.get(change.firstIds[0]!), change.seq)) return void (done[i] = true);
    const planned = change.plan(read);
    if (planned === 'stale' || writesNothingNew(planned, read)) return void (done[i] = true);
    const ids = planned.writes.map((w) => w.id);
    // An entry this round already writes: plan again next round, from what that write left.
    if (ids.some((id) => claimed.has(id))) return;
    for (const id of ids) claimed.add(id);
    const counters = Object.keys(planned.counters);
    let pack = packs.at(-1);
    const added = (p: (typeof packs)[number]) => ids.length + counters.filter((k) => !(k in p.plan.counters)).length;
    if (!pack || pack.items + added(pack) > itemsPerTransaction) {
      pack = { plan: { writes: [], counters: {} }, items: 0, members: [] };
      packs.push(pack);
    }
    pack.items += added(pack);
    pack.plan.writes.push(...planned.writes);
    for (const [key, fields] of Object.entries(planned.counters)) {
      const target = (pack.plan.counters[key] ??= {});
      for (const [f, v] of Object.entries(fields)) target[f] = (target[f] ?? 0) + v;
    }
    pack.members.push(i);
  });
  // One writer per counter shard, each writing its packs in turn: no two transactions of this
  // batch add to one counter item at once.
  await Promise.all(
    Array.from({ length: Math.min(counterShards, packs.length) }, async (_, writer) => {
      for (let p = writer; p < packs.length; p += counterShards) {
        const pack = packs[p]!;
        // A counter shard another invocation's transaction holds (parallel batches): the same plan on the next shard.
        let outcome: 'written' | 'conflict' | 'busy' = 'busy';
        for (let attempt = 0; outcome === 'busy' && attempt < counterShards; attempt++) {
          if (attempt > 0) await pauseBeforeRetry(attempt, { capMs: 200 });
          outcome = await writeCounted(pack.plan, (firstShard + round + writer + attempt) % counterShards);
        }
        if (outcome !== 'written') {
          for (const i of pack.members) await applyChange(changes[i]!);
        }
        for (const i of pack.members) done[i] = true;
      }
    }),
  );
  return done;
}

/**
 * Applies a stream batch: the records of one item in order, one record of each item per round
 * (a round is a few transactions, see applyRound). Answers the sequence numbers not applied
 * (Lambda retries from the lowest; applying a record again is harmless: it is stale).
 * `recipientIdKey` is required for the hospitalNotices table (throws without it).
 */
export async function maintainFigures(table: StreamTableName, records: DynamoDBRecord[], recipientIdKey?: RecipientIdKey): Promise<string[]> {
  maintenanceCounts.records += records.length;
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
      const history = (streamImage(image).history ?? []) as Array<{ at: string; action: string }>;
      return history.filter((e) => e.action === 'IMPORTED' || e.action === 'ENROLLED').map((e) => dayOf(e.at));
    });
    if (days.length > 0) await noteRegistryRecordedOn(days.sort()[0]!);
  }
  const groups = [...byItem.values()].map((group) => ({ group, next: 0 }));
  // Where this batch's packs start among the counter shards: concurrent batches of one stream
  // (parallelization factor) seldom meet on a shard.
  const firstShard = randomInt(counterShards);
  try {
    for (let round = 0; groups.some((g) => g.next < g.group.length); round++) {
      const waiting = groups.filter((g) => g.next < g.group.length);
      const changes = await Promise.all(waiting.map((g) => changeOf(table, g.group[g.next]!, recipientIdKey)));
      const live = waiting.flatMap((g, i) => (changes[i] ? [{ g, change: changes[i]! }] : []));
      for (const [i, g] of waiting.entries()) if (!changes[i]) g.next++;
      const done = await applyRound(live.map((l) => l.change), round, firstShard);
      live.forEach((l, i) => done[i] && l.g.next++);
    }
    return [];
  } catch (error) {
    logger.warn('figures: a stream batch stopped', { error: (error as Error).message });
    return groups
      .flatMap((g) => g.group.slice(g.next).map((r) => r.dynamodb?.SequenceNumber ?? ''))
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  }
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
  const recipients = await collect(allRecipientItems(), registryFactsOf);
  const batches = await collect(allBatchFacts(), (i) => i);
  const payments: PaymentFacts[] = [];
  for (const { batchId, ...facts } of batches.filter((b) => b.period.startsWith(year))) {
    for await (const item of paymentItemsOf({ batchId, paymentShards: facts.paymentShards })) {
      const type = facts.program === 'ONE_OFF_GRANTS' ? await grantType(item.recipientId as string) : undefined;
      payments.push(paymentFactsOf(item, facts, type));
    }
  }
  const key = await secretBytes('recipientIdKey');
  const notices = await collect(allNoticeItems(), (item) => noticeFactsOf(item, key));
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
