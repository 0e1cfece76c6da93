// How a change to a source record becomes counter deltas, exactly once. Each source record has
// a ledger entry holding the contribution last applied for it and the stream sequence number it
// came from; a change applies `new contribution − old contribution` together with the new entry.
// A redelivered or replayed (older or equal) sequence number changes nothing, and applying the
// same state twice adds zero: the counters never count twice. Households and medical
// person-years are entries of their own, so distinct households and people come out exact.
// The DynamoDB aggregator writes a plan's entries and counter deltas in one transaction,
// conditioned on each entry's version; the in-memory ledger below is the reference.
import {
  difference,
  householdContribution,
  householdTotalsContribution,
  isEmpty,
  membershipSpans,
  noticeContribution,
  paymentContribution,
  personContribution,
  type Contribution,
  type MembershipSpan,
  type NoticeFacts,
  type PaymentFacts,
  type RegistryFacts,
} from './figures.ts';

export interface LedgerEntry {
  id: string;
  /** Incremented on every write: the optimistic lock. */
  version: number;
  /** Stream sequence number of the source change last applied (decimal digits). */
  seq?: string;
  contribution: Contribution;
  /** person: its household; household: members' spans; person-year: settled discharges. */
  householdId?: string;
  members?: Record<string, MembershipSpan[]>;
  settlements?: number;
  personYear?: string;
}

export interface LedgerWrite {
  id: string;
  /** The version read, or 0 when there was no entry. */
  expectedVersion: number;
  entry: LedgerEntry;
}

export interface LedgerPlan {
  writes: LedgerWrite[];
  counters: Contribution;
}

export type ReadEntry = (id: string) => LedgerEntry | undefined;

export const ledgerId = {
  person: (recipientId: string) => `person#${recipientId}`,
  household: (householdId: string) => `household#${householdId}`,
  payment: (batchId: string, endToEndId: string) => `payment#${batchId}#${endToEndId}`,
  notice: (id: string) => `notice#${id}`,
  personYear: (personYear: string) => `medicalPersonYear#${personYear}`,
};

/** True when `seq` is not newer than what the entry already applied. */
export function alreadyApplied(entry: LedgerEntry | undefined, seq: string): boolean {
  if (!entry?.seq) return false;
  return BigInt(entry.seq) >= BigInt(seq);
}

function merge(into: Contribution, more: Contribution): Contribution {
  for (const [key, fields] of Object.entries(more)) {
    for (const [f, v] of Object.entries(fields)) {
      const target = (into[key] ??= {});
      target[f] = (target[f] ?? 0) + v;
      if (target[f] === 0) delete target[f];
    }
    if (into[key] && Object.keys(into[key]!).length === 0) delete into[key];
  }
  return into;
}

function write(read: ReadEntry, id: string, change: Omit<LedgerEntry, 'id' | 'version'>): LedgerWrite {
  const before = read(id);
  return { id, expectedVersion: before?.version ?? 0, entry: { ...change, id, version: (before?.version ?? 0) + 1 } };
}

function householdEntry(read: ReadEntry, householdId: string, recipientId: string, spans: MembershipSpan[] | undefined) {
  const id = ledgerId.household(householdId);
  const before = read(id);
  const members = { ...(before?.members ?? {}) };
  if (spans && spans.length > 0) members[recipientId] = spans;
  else delete members[recipientId];
  const list = Object.values(members);
  const contribution = merge(householdContribution(list), householdTotalsContribution(list));
  return { w: write(read, id, { contribution, members }), delta: difference(before?.contribution ?? {}, contribution) };
}

/** A recipient record as it now is (undefined: deleted), from the change with sequence `seq`. */
export function planRecipient(read: ReadEntry, recipientId: string, record: RegistryFacts | undefined, seq: string): LedgerPlan | 'stale' {
  const personId = ledgerId.person(recipientId);
  const before = read(personId);
  if (alreadyApplied(before, seq)) return 'stale';
  const spans = record ? membershipSpans(record) : [];
  const contribution = personContribution(spans);
  const counters = difference(before?.contribution ?? {}, contribution);
  const writes = [write(read, personId, { seq, contribution, householdId: record?.householdId })];
  const oldHousehold = before?.householdId;
  if (oldHousehold && oldHousehold !== record?.householdId) {
    const h = householdEntry(read, oldHousehold, recipientId, undefined);
    writes.push(h.w);
    merge(counters, h.delta);
  }
  if (record) {
    const h = householdEntry(read, record.householdId, recipientId, spans);
    writes.push(h.w);
    merge(counters, h.delta);
  }
  return { writes, counters };
}

/**
 * A payment change that counts nothing on either side (e.g. PLANNED → RECORDED: only a SETTLED
 * payment counts) needs no ledger read or write: the entry it would write holds the same empty
 * contribution that the change before it (whose new side is this one's old side) leaves, and
 * that change is delivered too. A change from or to a counting state is always applied.
 */
export function paymentChangeCountsNothing(old: PaymentFacts | undefined, now: PaymentFacts | undefined): boolean {
  return [old, now].every((p) => p === undefined || isEmpty(paymentContribution(p)));
}

export function planPayment(read: ReadEntry, payment: PaymentFacts, seq: string): LedgerPlan | 'stale' {
  const id = ledgerId.payment(payment.batchId, payment.endToEndId);
  const before = read(id);
  if (alreadyApplied(before, seq)) return 'stale';
  const contribution = paymentContribution(payment);
  return { writes: [write(read, id, { seq, contribution })], counters: difference(before?.contribution ?? {}, contribution) };
}

/**
 * A change of a hospitalNotices item that counts nothing before or after: a notice not yet
 * decided, a decision that counts nothing, and the table's other items (a person's stay, a
 * hospital's allowance slot), which are no notices. Skipped without reading the ledger (issue 14).
 */
export function noticeChangeCountsNothing(old: NoticeFacts | undefined, now: NoticeFacts | undefined): boolean {
  return [old, now].every((n) => {
    if (n === undefined) return true;
    const { counters, personYear } = noticeContribution(n);
    return isEmpty(counters) && personYear === undefined;
  });
}

export function planNotice(read: ReadEntry, notice: NoticeFacts, seq: string): LedgerPlan | 'stale' {
  const id = ledgerId.notice(notice.id);
  const before = read(id);
  if (alreadyApplied(before, seq)) return 'stale';
  const { counters: contribution, personYear } = noticeContribution(notice);
  const counters = difference(before?.contribution ?? {}, contribution);
  const writes = [write(read, id, { seq, contribution, personYear })];
  // Distinct people: a person-year entry counts settled discharges; 0 ↔ 1 moves `people`.
  const years = new Map<string, number>();
  if (before?.personYear) years.set(before.personYear, -1);
  if (personYear) years.set(personYear, (years.get(personYear) ?? 0) + 1);
  for (const [py, change] of years) {
    if (change === 0) continue;
    const pyId = ledgerId.personYear(py);
    const was = read(pyId)?.settlements ?? 0;
    const now = was + change;
    writes.push(write(read, pyId, { contribution: {}, settlements: now }));
    const year = py.slice(0, 4);
    if (was === 0 && now > 0) merge(counters, { [`medp|${year}`]: { people: 1 } });
    if (was > 0 && now === 0) merge(counters, { [`medp|${year}`]: { people: -1 } });
  }
  return { writes, counters };
}

export const planIsEmpty = (plan: LedgerPlan) => isEmpty(plan.counters);

/** The reference aggregator: entries and counters in memory. */
export class InMemoryLedger {
  readonly entries = new Map<string, LedgerEntry>();
  readonly counters: Contribution = {};

  apply(plan: LedgerPlan | 'stale'): void {
    if (plan === 'stale') return;
    for (const w of plan.writes) {
      if ((this.entries.get(w.id)?.version ?? 0) !== w.expectedVersion) throw new Error(`version conflict on ${w.id}`);
    }
    for (const w of plan.writes) this.entries.set(w.id, w.entry);
    merge(this.counters, plan.counters);
  }

  read: ReadEntry = (id) => this.entries.get(id);

  rows() {
    return Object.entries(this.counters).map(([key, fields]) => ({ key, fields }));
  }
}
