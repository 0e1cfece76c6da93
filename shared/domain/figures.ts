// 统计: the bureau's figures. The counting rules, written once, and the two ways of applying
// them: contributions (what one record adds to the maintained counters, so a change is applied
// as the difference between a record's old and new contribution) and a brute-force recount
// straight from the source records. No AWS SDK here.
//
// Rules (contract "Reports (统计)", issue 15):
// - A person counts in a category on a date when a membership span covers it: a span opens on
//   the `since` of an import or enrolment (recognition) or on the day of a reinstatement, and
//   closes on the day a suspension or termination takes effect (that day no longer counts).
//   A category change (a re-enrolment in another category) is a leaving and an adding.
// - A household (householdId, unique registry-wide) counts in a category on a date when at least
//   one of its members does; a household with members in two categories counts in each.
// - recognisedInYear: people with a recognition (import or enrolment) whose `since` falls in the
//   year, per category; households with at least one such member.
// - Money counts in the year and month of its batch's `period` once SETTLED; a return after
//   settlement takes it out again. One settled payment is one person-time.
// - Medical assistance counts in the China-time month of the discharge date while the discharge
//   is SETTLED (a reversal takes it out); guaranteed admissions in the month of admission.
// - Township breakdowns never show a count from 1 to 4: it is shown as "<5".
import { dateInChina } from './clock.ts';
import { recipientCategories, type RecipientCategory } from './registry.ts';

export { recipientCategories as figureCategories };

/** Programs paid to registry members, reported under `payouts`. One-off grants are reported under `grants`. */
export const personPrograms = ['PRICE_SUBSIDY', 'ONE_TIME_LIVING', 'MONTHLY_BENEFIT'] as const;
export type PersonProgram = (typeof personPrograms)[number];
export const grantTypes = ['TEMPORARY', 'EMERGENCY', 'MEDICAL_EXPENSE', 'EDUCATION'] as const;
export type GrantType = (typeof grantTypes)[number];

// ---------------------------------------------------------------------------------------------
// Source facts: the parts of each source record the rules read.

export interface RegistryHistoryFact {
  /** Instant (ISO 8601) the change was recorded. */
  at: string;
  action: string;
  /** On IMPORTED / ENROLLED entries written since issue 15: the category and `since` it set. */
  category?: RecipientCategory;
  effectiveOn?: string;
}

export interface RegistryFacts {
  recipientId: string;
  householdId: string;
  category: RecipientCategory;
  township: string;
  since: string;
  history: RegistryHistoryFact[];
}

export interface PaymentFacts {
  batchId: string;
  endToEndId: string;
  /** The batch's program and period (YYYY-MM). */
  program: string;
  period: string;
  /** The category the money counts in: see `payeeCategory`. */
  category: RecipientCategory | 'MIXED';
  /** For ONE_OFF_GRANTS: the grant's application type. */
  grantType?: string;
  amountFen: number;
  status: string;
}

/**
 * The category a payment's money counts in: the payee's category recorded on the payment when it
 * was planned (a batch may pay several categories). Payments planned before the category was
 * recorded fall back to the batch's category when it names exactly one, else 'MIXED'.
 */
export function payeeCategory(recorded: RecipientCategory | undefined, batchCategories: readonly string[]): RecipientCategory | 'MIXED' {
  if (recorded) return recorded;
  return batchCategories.length === 1 ? (batchCategories[0] as RecipientCategory) : 'MIXED';
}

export interface NoticeFacts {
  id: string;
  kind: string;
  status: string;
  admittedAt?: string;
  dischargedAt?: string;
  medicalAssistanceFen?: number;
  /** The patient's recipientId (a keyed HMAC of the ID number, never the number or a plain hash of it): distinct people. */
  patientKey?: string;
}

// ---------------------------------------------------------------------------------------------
// Membership spans from a record's history.

export interface MembershipSpan {
  category: RecipientCategory;
  township: string;
  householdId: string;
  /** First day counted (YYYY-MM-DD, China). */
  from: string;
  /** The day the leaving took effect (not counted); absent while open. */
  until?: string;
  /** Opened by an import or enrolment (its `since`), not by a reinstatement. */
  recognised: boolean;
}

const recognitions = new Set(['IMPORTED', 'ENROLLED']);
const leavings = new Set(['SUSPENDED', 'TERMINATED']);

/** The China-time day an instant falls on. */
export const dayOf = (instant: string): string => dateInChina(new Date(instant));

/**
 * The spans in which a person counted, from the record's history. Entries written before issue 15
 * carry no category or effective date: the record's own `category` and `since` stand in for the
 * latest recognition, the day it was recorded for earlier ones.
 */
export function membershipSpans(record: RegistryFacts): MembershipSpan[] {
  const spans: MembershipSpan[] = [];
  let lastRecognition = -1;
  record.history.forEach((e, i) => {
    if (recognitions.has(e.action)) lastRecognition = i;
  });
  let open: MembershipSpan | undefined;
  let last: MembershipSpan | undefined;
  const close = (day: string) => {
    if (!open) return;
    spans.push({ ...open, until: day < open.from ? open.from : day });
    last = open;
    open = undefined;
  };
  record.history.forEach((e, i) => {
    const day = dayOf(e.at);
    if (recognitions.has(e.action)) {
      const latest = i === lastRecognition;
      const from = e.effectiveOn ?? (latest ? record.since : day);
      close(from < day ? from : day);
      open = {
        category: e.category ?? record.category,
        township: record.township,
        householdId: record.householdId,
        from,
        recognised: true,
      };
    } else if (e.action === 'REINSTATED' && !open && last) {
      open = { ...last, from: day, recognised: false };
      delete open.until;
    } else if (leavings.has(e.action)) {
      close(day);
    }
  });
  if (open) spans.push(open);
  return spans;
}

const counts = (s: MembershipSpan) => s.until === undefined || s.until > s.from;
export const spanCovers = (s: MembershipSpan, day: string): boolean =>
  s.from <= day && (s.until === undefined || day < s.until);

// ---------------------------------------------------------------------------------------------
// Contributions: counter deltas keyed by counter id, then field.

/** Counter id → field → amount. Counter ids are `family|time#dimension` (see the keys below). */
export type Contribution = Record<string, Record<string, number>>;

export const counterKey = {
  registry: (c: RecipientCategory, month: string, township: string) => `reg#${c}|${month}#${township}`,
  /** The year's sum of a registry row's stock fields: a report reads a year's row, not its 12 × shards months. */
  registryYear: (c: RecipientCategory, year: string, township: string) => `regY#${c}|${year}#${township}`,
  /** Distinct households per category across townships (month rows, and the year's sum as for registry). */
  householdTotals: (c: RecipientCategory, month: string) => `hh#${c}|${month}`,
  householdTotalsYear: (c: RecipientCategory, year: string) => `hhY#${c}|${year}`,
  recognised: (c: RecipientCategory, year: string) => `rec#${c}|${year}`,
  payout: (program: string, period: string, category: string) => `pay|${period}#${program}#${category}`,
  grant: (type: string, period: string) => `grant|${period}#${type}`,
  medical: (month: string) => `med|${month}`,
  medicalPeople: (year: string) => `medp|${year}`,
} as const;

function add(into: Contribution, key: string, field: string, amount: number): void {
  if (amount === 0) return;
  const fields = (into[key] ??= {});
  fields[field] = (fields[field] ?? 0) + amount;
}

/**
 * A stock delta (people or households in the registry) in `month`: on the month's row and on its
 * year's roll-up row in the same write, so a stock at any month is the roll-ups of the years
 * before plus that year's months, however long the history (registryFromCounters).
 */
function addStock(into: Contribution, keys: { month: string; year: string }, field: 'people' | 'households', amount: number): void {
  add(into, keys.month, field, amount);
  add(into, keys.year, field, amount);
}

const registryKeys = (c: RecipientCategory, day: string, township: string) => ({
  month: counterKey.registry(c, day.slice(0, 7), township),
  year: counterKey.registryYear(c, day.slice(0, 4), township),
});

/** One person's counters: stock deltas and movements per category, month and township; recognitions. */
export function personContribution(spans: MembershipSpan[]): Contribution {
  const out: Contribution = {};
  const recognisedIn = new Set<string>();
  for (const s of spans) {
    if (s.recognised) recognisedIn.add(counterKey.recognised(s.category, s.from.slice(0, 4)));
    if (!counts(s)) continue;
    addStock(out, registryKeys(s.category, s.from, s.township), 'people', 1);
    add(out, counterKey.registry(s.category, s.from.slice(0, 7), s.township), 'peopleAdded', 1);
    if (s.until) {
      addStock(out, registryKeys(s.category, s.until, s.township), 'people', -1);
      add(out, counterKey.registry(s.category, s.until.slice(0, 7), s.township), 'peopleLeft', 1);
    }
  }
  for (const key of recognisedIn) add(out, key, 'people', 1);
  return out;
}

/** Merged intervals [from, until) per category and township of a household's members. */
export function householdSpans(memberSpans: MembershipSpan[][]): Array<Omit<MembershipSpan, 'recognised'>> {
  const groups = new Map<string, MembershipSpan[]>();
  for (const s of memberSpans.flat()) {
    if (!counts(s)) continue;
    const key = `${s.category}\u0000${s.township}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const merged: Array<Omit<MembershipSpan, 'recognised'>> = [];
  for (const spans of groups.values()) {
    spans.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    let current: Omit<MembershipSpan, 'recognised'> | undefined;
    for (const s of spans) {
      if (current && (current.until === undefined || s.from <= current.until)) {
        if (current.until !== undefined && (s.until === undefined || s.until > current.until)) current.until = s.until;
        continue;
      }
      if (current) merged.push(current);
      current = { category: s.category, township: s.township, householdId: s.householdId, from: s.from, until: s.until };
    }
    if (current) merged.push(current);
  }
  return merged;
}

/** One household's counters, from its members' spans. */
export function householdContribution(memberSpans: MembershipSpan[][]): Contribution {
  const out: Contribution = {};
  for (const s of householdSpans(memberSpans)) {
    addStock(out, registryKeys(s.category, s.from, s.township), 'households', 1);
    add(out, counterKey.registry(s.category, s.from.slice(0, 7), s.township), 'householdsAdded', 1);
    if (s.until) {
      addStock(out, registryKeys(s.category, s.until, s.township), 'households', -1);
      add(out, counterKey.registry(s.category, s.until.slice(0, 7), s.township), 'householdsLeft', 1);
    }
  }
  const recognisedIn = new Set(
    memberSpans.flat().filter((s) => s.recognised).map((s) => counterKey.recognised(s.category, s.from.slice(0, 4))),
  );
  for (const key of recognisedIn) add(out, key, 'households', 1);
  return out;
}

export function paymentContribution(p: PaymentFacts): Contribution {
  const out: Contribution = {};
  if (p.status !== 'SETTLED') return out;
  if (p.program === 'ONE_OFF_GRANTS') {
    const key = counterKey.grant(p.grantType ?? 'UNKNOWN', p.period);
    add(out, key, 'count', 1);
    add(out, key, 'amountFen', p.amountFen);
  } else if ((personPrograms as readonly string[]).includes(p.program)) {
    const key = counterKey.payout(p.program, p.period, p.category);
    add(out, key, 'personTimes', 1);
    add(out, key, 'amountFen', p.amountFen);
  }
  return out;
}

/** A notice's counters, and the person-year its settlement counts for (distinct people). */
export function noticeContribution(n: NoticeFacts): { counters: Contribution; personYear?: string } {
  const out: Contribution = {};
  if (n.kind === 'ADMISSION' && n.status === 'GUARANTEED' && n.admittedAt) {
    add(out, counterKey.medical(dayOf(n.admittedAt).slice(0, 7)), 'admissionsGuaranteed', 1);
  }
  if (n.kind === 'DISCHARGE' && n.status === 'SETTLED' && n.dischargedAt) {
    const month = dayOf(n.dischargedAt).slice(0, 7);
    add(out, counterKey.medical(month), 'settlements', 1);
    add(out, counterKey.medical(month), 'amountFen', n.medicalAssistanceFen ?? 0);
    if (n.patientKey) return { counters: out, personYear: `${month.slice(0, 4)}#${n.patientKey}` };
  }
  return { counters: out };
}

/** new − old: what to add to the counters when a record's contribution changes. */
export function difference(oldC: Contribution, newC: Contribution): Contribution {
  const out: Contribution = {};
  for (const [key, fields] of Object.entries(newC)) for (const [f, v] of Object.entries(fields)) add(out, key, f, v);
  for (const [key, fields] of Object.entries(oldC)) for (const [f, v] of Object.entries(fields)) add(out, key, f, -v);
  return out;
}

export function isEmpty(c: Contribution): boolean {
  return Object.values(c).every((fields) => Object.values(fields).every((v) => v === 0));
}

// ---------------------------------------------------------------------------------------------
// Reports: shapes, built from counters (maintained) or recounted from source records.

export type Suppressed = number | '<5';
/** Township breakdowns show 1–4 as "<5" so no one can be singled out. */
export const suppressSmall = (n: number): Suppressed => (n >= 1 && n <= 4 ? '<5' : n);

type ByCategory<T> = Record<RecipientCategory, T>;
const byCategory = <T>(make: () => T): ByCategory<T> =>
  Object.fromEntries(recipientCategories.map((c) => [c, make()])) as ByCategory<T>;

export interface Coverage {
  /** The China-time day of the earliest registry record (first import or enrolment); null when none. */
  registryRecordedFrom: string | null;
  /** False when the period begins before the registry was first recorded: its figures are incomplete. */
  complete: boolean;
  note: string;
}

export function coverageFor(periodStart: string, registryRecordedFrom: string | null): Coverage {
  const complete = registryRecordedFrom !== null && registryRecordedFrom <= periodStart;
  return {
    registryRecordedFrom,
    complete,
    note: complete
      ? 'the registry was recorded in Tuodi for the whole period'
      : registryRecordedFrom === null
        ? 'no registry records yet: the figures are incomplete'
        : `the registry is recorded in Tuodi from ${registryRecordedFrom}; figures for earlier dates hold only people imported with an earlier since`,
  };
}

export interface AnnualFigures {
  year: string;
  registry: {
    asOf: string;
    byCategory: ByCategory<{ households: number; people: number }>;
    recognisedInYear: ByCategory<{ households: number; people: number }>;
    byTownship: Record<string, ByCategory<{ households: Suppressed; people: Suppressed }>>;
  };
  payouts: { byProgram: Record<PersonProgram, { amountFen: number; personTimes: number }>; totalFen: number };
  grants: { byType: Record<GrantType, { count: number; amountFen: number }>; totalFen: number };
  medicalAssistance: { admissionsGuaranteed: number; settlements: number; amountFen: number; people: number };
}

export interface MonthlyCategoryLine {
  households: number;
  people: number;
  peopleAdded: number;
  peopleLeft: number;
  householdsAdded: number;
  householdsLeft: number;
  /** Settled payouts of the month's period to people paid as this category. */
  spendingFen: number;
}

export interface MonthlyFigures {
  month: string;
  asOf: string;
  categories: ByCategory<MonthlyCategoryLine>;
  /** Settled payouts of the month whose payee's category is not recorded (planned before it was) from batches naming several categories. */
  mixedCategorySpendingFen: number;
  payouts: { byProgram: Record<PersonProgram, { amountFen: number; personTimes: number }>; totalFen: number };
  oneOffAssistance: { personTimes: number; amountFen: number; byType: Record<GrantType, { count: number; amountFen: number }> };
  medicalAssistance: { admissionsGuaranteed: number; personTimes: number; amountFen: number };
  byTownship: Record<string, ByCategory<{ households: Suppressed; people: Suppressed }>>;
}

/** The last day of a month YYYY-MM. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** One counter row as stored (shards already summed or not: rows are added up). */
export interface CounterRow {
  key: string;
  fields: Record<string, number>;
}

/** The rows of one counter family (its partition) a report reads: sort keys from `from` (inclusive; none: from the start) to `to` (inclusive; `from` absent: exclusive). */
export interface CounterRange {
  pk: string;
  from?: string;
  to: string;
}

/**
 * What a report up to `until` reads of each counter family (sort keys start with the time):
 * registry stocks, their months of the period's year and the yearly roll-ups of the years before;
 * flows (recognitions, payouts, grants, medical assistance), the period's year only. Rows read
 * grow with the years of history, not with its months × townships × shards.
 */
export function counterRanges(until: string): CounterRange[] {
  const year = until.slice(0, 4);
  const through = `${until}~`;
  return [
    ...recipientCategories.flatMap((c) => [
      { pk: `reg#${c}`, from: year, to: through },
      { pk: `hh#${c}`, from: year, to: through },
      { pk: `regY#${c}`, to: year },
      { pk: `hhY#${c}`, to: year },
      { pk: `rec#${c}`, from: year, to: through },
    ]),
    ...['pay', 'grant', 'med', 'medp'].map((pk) => ({ pk, from: year, to: through })),
  ];
}

/**
 * Whether a stock row (a month's, or a year's roll-up) counts toward the stock at the end of
 * `month`: the roll-ups of the years before, and the months of `month`'s year up to it. Rows
 * outside that (other years' months, later roll-ups) are ignored, so any superset of rows may be given.
 */
function countsTowardStock(row: { month?: string; year?: string }, month: string): boolean {
  const year = month.slice(0, 4);
  return row.year !== undefined ? row.year < year : row.month!.startsWith(year) && row.month! <= month;
}

const parseRegistryKey = (key: string) => {
  const m = /^reg(Y?)#([A-Z]+)\|(\d{4}(?:-\d{2})?)#(.*)$/.exec(key);
  if (!m || (m[1] === 'Y') !== (m[3]!.length === 4)) return undefined;
  const time = m[1] === 'Y' ? { year: m[3]! } : { month: m[3]! };
  return { category: m[2] as RecipientCategory, township: m[4]!, ...time };
};

/** Stock and movements per category and township at the end of `month`, from registry counter rows. */
function registryFromCounters(rows: CounterRow[], month: string) {
  const stock = new Map<string, { households: number; people: number }>();
  const moves = byCategory(() => ({ peopleAdded: 0, peopleLeft: 0, householdsAdded: 0, householdsLeft: 0 }));
  for (const row of rows) {
    const k = parseRegistryKey(row.key);
    if (!k || !countsTowardStock(k, month)) continue;
    const id = `${k.category}\u0000${k.township}`;
    const s = stock.get(id) ?? { households: 0, people: 0 };
    s.households += row.fields.households ?? 0;
    s.people += row.fields.people ?? 0;
    stock.set(id, s);
    if (k.month === month) {
      const m = moves[k.category];
      m.peopleAdded += row.fields.peopleAdded ?? 0;
      m.peopleLeft += row.fields.peopleLeft ?? 0;
      m.householdsAdded += row.fields.householdsAdded ?? 0;
      m.householdsLeft += row.fields.householdsLeft ?? 0;
    }
  }
  return { stock, moves };
}

interface RegistryStock {
  /** category\0township → households (distinct per township) and people. */
  stock: Map<string, { households: number; people: number }>;
  /** Distinct households per category across townships. */
  households: ByCategory<number>;
}

function shapeRegistry(stock: RegistryStock) {
  const totals = byCategory(() => ({ households: 0, people: 0 }));
  const townships: Record<string, ByCategory<{ households: Suppressed; people: Suppressed }>> = {};
  const names = [...new Set([...stock.stock.keys()].map((k) => k.split('\u0000')[1]!))].sort();
  for (const t of names) townships[t] = byCategory(() => ({ households: 0 as Suppressed, people: 0 as Suppressed }));
  for (const [id, s] of stock.stock) {
    const [category, township] = id.split('\u0000') as [RecipientCategory, string];
    totals[category].people += s.people;
    townships[township]![category] = { households: suppressSmall(s.households), people: suppressSmall(s.people) };
  }
  for (const c of recipientCategories) totals[c].households = stock.households[c];
  for (const t of names) {
    if (recipientCategories.every((c) => townships[t]![c].people === 0)) delete townships[t];
  }
  return { totals, townships };
}

function moneyFromRows(rows: CounterRow[], periodPrefix: string) {
  const byProgram = Object.fromEntries(personPrograms.map((p) => [p, { amountFen: 0, personTimes: 0 }])) as Record<
    PersonProgram,
    { amountFen: number; personTimes: number }
  >;
  const byType = Object.fromEntries(grantTypes.map((t) => [t, { count: 0, amountFen: 0 }])) as Record<
    GrantType,
    { count: number; amountFen: number }
  >;
  const spending = byCategory(() => 0);
  let mixed = 0;
  for (const row of rows) {
    const pay = /^pay\|(\d{4}-\d{2})#([A-Z_]+)#([A-Z]+)$/.exec(row.key);
    if (pay && pay[1]!.startsWith(periodPrefix)) {
      const line = byProgram[pay[2] as PersonProgram];
      if (!line) continue;
      line.amountFen += row.fields.amountFen ?? 0;
      line.personTimes += row.fields.personTimes ?? 0;
      if (pay[3] === 'MIXED') mixed += row.fields.amountFen ?? 0;
      else if (pay[3]! in spending) spending[pay[3] as RecipientCategory] += row.fields.amountFen ?? 0;
    }
    const grant = /^grant\|(\d{4}-\d{2})#([A-Z_]+)$/.exec(row.key);
    if (grant && grant[1]!.startsWith(periodPrefix)) {
      const line = byType[grant[2] as GrantType];
      if (!line) continue;
      line.count += row.fields.count ?? 0;
      line.amountFen += row.fields.amountFen ?? 0;
    }
  }
  return { byProgram, byType, spending, mixed };
}

function medicalFromRows(rows: CounterRow[], prefix: string) {
  const out = { admissionsGuaranteed: 0, settlements: 0, amountFen: 0, people: 0 };
  for (const row of rows) {
    const med = /^med\|(\d{4}-\d{2})$/.exec(row.key);
    if (med && med[1]!.startsWith(prefix)) {
      out.admissionsGuaranteed += row.fields.admissionsGuaranteed ?? 0;
      out.settlements += row.fields.settlements ?? 0;
      out.amountFen += row.fields.amountFen ?? 0;
    }
    const people = /^medp\|(\d{4})$/.exec(row.key);
    if (people && people[1] === prefix.slice(0, 4)) out.people += row.fields.people ?? 0;
  }
  return out;
}

/** Distinct households per category at `day` from the maintained household-level counter rows. */
function householdsFromCounters(rows: CounterRow[], month: string): ByCategory<number> {
  const out = byCategory(() => 0);
  for (const row of rows) {
    const m = /^hh(Y?)#([A-Z]+)\|(\d{4}(?:-\d{2})?)$/.exec(row.key);
    if (!m || (m[1] === 'Y') !== (m[3]!.length === 4)) continue;
    const time = m[1] === 'Y' ? { year: m[3]! } : { month: m[3]! };
    if (countsTowardStock(time, month)) out[m[2] as RecipientCategory] += row.fields.households ?? 0;
  }
  return out;
}

export function annualFromCounters(rows: CounterRow[], year: string): AnnualFigures {
  const { stock } = registryFromCounters(rows, `${year}-12`);
  const { totals, townships } = shapeRegistry({ stock, households: householdsFromCounters(rows, `${year}-12`) });
  const recognisedInYear = byCategory(() => ({ households: 0, people: 0 }));
  for (const row of rows) {
    const m = /^rec#([A-Z]+)\|(\d{4})$/.exec(row.key);
    if (m && m[2] === year) {
      recognisedInYear[m[1] as RecipientCategory].people += row.fields.people ?? 0;
      recognisedInYear[m[1] as RecipientCategory].households += row.fields.households ?? 0;
    }
  }
  const money = moneyFromRows(rows, year);
  return {
    year,
    registry: { asOf: `${year}-12-31`, byCategory: totals, recognisedInYear, byTownship: townships },
    payouts: { byProgram: money.byProgram, totalFen: sum(Object.values(money.byProgram).map((l) => l.amountFen)) },
    grants: { byType: money.byType, totalFen: sum(Object.values(money.byType).map((l) => l.amountFen)) },
    medicalAssistance: medicalFromRows(rows, year),
  };
}

export function monthlyFromCounters(rows: CounterRow[], month: string): MonthlyFigures {
  const { stock, moves } = registryFromCounters(rows, month);
  const { totals, townships } = shapeRegistry({ stock, households: householdsFromCounters(rows, month) });
  const money = moneyFromRows(rows, month);
  const medical = medicalFromRows(rows, month);
  const categories = byCategory(() => ({}) as MonthlyCategoryLine);
  for (const c of recipientCategories) {
    categories[c] = { ...totals[c], ...moves[c], spendingFen: money.spending[c] };
  }
  const grants = Object.values(money.byType);
  return {
    month,
    asOf: monthEnd(month),
    categories,
    mixedCategorySpendingFen: money.mixed,
    payouts: { byProgram: money.byProgram, totalFen: sum(Object.values(money.byProgram).map((l) => l.amountFen)) },
    oneOffAssistance: { personTimes: sum(grants.map((g) => g.count)), amountFen: sum(grants.map((g) => g.amountFen)), byType: money.byType },
    medicalAssistance: { admissionsGuaranteed: medical.admissionsGuaranteed, personTimes: medical.settlements, amountFen: medical.amountFen },
    byTownship: townships,
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Household-level counters across townships: distinct households per category (a household
 * whose members live in two townships counts once here, once in each township's line).
 */
export function householdTotalsContribution(memberSpans: MembershipSpan[][]): Contribution {
  const out: Contribution = {};
  const relabelled = memberSpans.map((spans) => spans.map((s) => ({ ...s, township: '' })));
  for (const s of householdSpans(relabelled)) {
    const at = (day: string) => ({ month: counterKey.householdTotals(s.category, day.slice(0, 7)), year: counterKey.householdTotalsYear(s.category, day.slice(0, 4)) });
    addStock(out, at(s.from), 'households', 1);
    if (s.until) addStock(out, at(s.until), 'households', -1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Brute-force recount from the source records: no counters, no deltas. The reconciliation job
// and the property test compare the maintained figures with it.

export interface SourceRecords {
  recipients: RegistryFacts[];
  payments: PaymentFacts[];
  notices: NoticeFacts[];
}

function stockAt(recipients: RegistryFacts[], day: string): RegistryStock {
  const people = new Map<string, number>();
  const householdsByTownship = new Map<string, Set<string>>();
  const households = byCategory(() => new Set<string>());
  for (const r of recipients) {
    for (const s of membershipSpans(r)) {
      if (!spanCovers(s, day)) continue;
      const id = `${s.category}\u0000${s.township}`;
      people.set(id, (people.get(id) ?? 0) + 1);
      householdsByTownship.set(id, (householdsByTownship.get(id) ?? new Set()).add(s.householdId));
      households[s.category].add(s.householdId);
    }
  }
  const stock = new Map<string, { households: number; people: number }>();
  for (const [id, n] of people) stock.set(id, { people: n, households: householdsByTownship.get(id)!.size });
  const distinct = byCategory(() => 0);
  for (const c of recipientCategories) distinct[c] = households[c].size;
  return { stock, households: distinct };
}

function moneyRecount(payments: PaymentFacts[], prefix: string) {
  const rows: CounterRow[] = [];
  for (const p of payments) {
    if (p.status !== 'SETTLED' || !p.period.startsWith(prefix)) continue;
    if (p.program === 'ONE_OFF_GRANTS') rows.push({ key: `grant|${p.period}#${p.grantType ?? 'UNKNOWN'}`, fields: { count: 1, amountFen: p.amountFen } });
    else rows.push({ key: `pay|${p.period}#${p.program}#${p.category}`, fields: { personTimes: 1, amountFen: p.amountFen } });
  }
  return moneyFromRows(rows, prefix);
}

function medicalRecount(notices: NoticeFacts[], prefix: string) {
  const out = { admissionsGuaranteed: 0, settlements: 0, amountFen: 0, people: 0 };
  const people = new Set<string>();
  for (const n of notices) {
    if (n.kind === 'ADMISSION' && n.status === 'GUARANTEED' && n.admittedAt && dayOf(n.admittedAt).startsWith(prefix)) {
      out.admissionsGuaranteed++;
    }
    if (n.kind === 'DISCHARGE' && n.status === 'SETTLED' && n.dischargedAt) {
      const day = dayOf(n.dischargedAt);
      if (day.startsWith(prefix)) {
        out.settlements++;
        out.amountFen += n.medicalAssistanceFen ?? 0;
      }
      if (day.startsWith(prefix.slice(0, 4)) && n.patientKey) people.add(n.patientKey);
    }
  }
  out.people = people.size;
  return out;
}

export function recountAnnual(source: SourceRecords, year: string): AnnualFigures {
  const { totals, townships } = shapeRegistry(stockAt(source.recipients, `${year}-12-31`));
  const recognisedPeople = byCategory(() => 0);
  const recognisedHouseholds = byCategory(() => new Set<string>());
  for (const r of source.recipients) {
    const categories = new Set(
      membershipSpans(r).filter((s) => s.recognised && s.from.startsWith(year)).map((s) => s.category),
    );
    for (const c of categories) {
      recognisedPeople[c]++;
      recognisedHouseholds[c].add(r.householdId);
    }
  }
  const recognisedInYear = byCategory(() => ({ households: 0, people: 0 }));
  for (const c of recipientCategories) recognisedInYear[c] = { households: recognisedHouseholds[c].size, people: recognisedPeople[c] };
  const money = moneyRecount(source.payments, year);
  return {
    year,
    registry: { asOf: `${year}-12-31`, byCategory: totals, recognisedInYear, byTownship: townships },
    payouts: { byProgram: money.byProgram, totalFen: sum(Object.values(money.byProgram).map((l) => l.amountFen)) },
    grants: { byType: money.byType, totalFen: sum(Object.values(money.byType).map((l) => l.amountFen)) },
    medicalAssistance: medicalRecount(source.notices, year),
  };
}

export function recountMonthly(source: SourceRecords, month: string): MonthlyFigures {
  const end = monthEnd(month);
  const { totals, townships } = shapeRegistry(stockAt(source.recipients, end));
  const moves = byCategory(() => ({ peopleAdded: 0, peopleLeft: 0, householdsAdded: 0, householdsLeft: 0 }));
  const householdMembers = new Map<string, MembershipSpan[][]>();
  for (const r of source.recipients) {
    const spans = membershipSpans(r);
    for (const s of spans) {
      if (!counts(s)) continue;
      if (s.from.startsWith(month)) moves[s.category].peopleAdded++;
      if (s.until?.startsWith(month)) moves[s.category].peopleLeft++;
    }
    householdMembers.set(r.householdId, [...(householdMembers.get(r.householdId) ?? []), spans]);
  }
  for (const members of householdMembers.values()) {
    for (const s of householdSpans(members)) {
      if (s.from.startsWith(month)) moves[s.category].householdsAdded++;
      if (s.until?.startsWith(month)) moves[s.category].householdsLeft++;
    }
  }
  const money = moneyRecount(source.payments, month);
  const medical = medicalRecount(source.notices, month);
  const categories = byCategory(() => ({}) as MonthlyCategoryLine);
  for (const c of recipientCategories) categories[c] = { ...totals[c], ...moves[c], spendingFen: money.spending[c] };
  const grants = Object.values(money.byType);
  return {
    month,
    asOf: end,
    categories,
    mixedCategorySpendingFen: money.mixed,
    payouts: { byProgram: money.byProgram, totalFen: sum(Object.values(money.byProgram).map((l) => l.amountFen)) },
    oneOffAssistance: { personTimes: sum(grants.map((g) => g.count)), amountFen: sum(grants.map((g) => g.amountFen)), byType: money.byType },
    medicalAssistance: { admissionsGuaranteed: medical.admissionsGuaranteed, personTimes: medical.settlements, amountFen: medical.amountFen },
    byTownship: townships,
  };
}

/** Paths at which two figure sets differ, e.g. `registry.byCategory.DIBAO.people: 12 ≠ 11`. */
export function differences(maintained: unknown, recounted: unknown, path = ''): string[] {
  if (typeof maintained === 'object' && maintained !== null && typeof recounted === 'object' && recounted !== null) {
    const keys = new Set([...Object.keys(maintained), ...Object.keys(recounted)]);
    return [...keys].flatMap((k) =>
      differences((maintained as Record<string, unknown>)[k], (recounted as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    );
  }
  return maintained === recounted ? [] : [`${path}: ${JSON.stringify(maintained)} ≠ ${JSON.stringify(recounted)}`];
}
