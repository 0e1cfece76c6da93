// The fault plan of one chaos run, fixed by its seed (issue 9): which people each import holds,
// how many copies of each message are delivered, which adapter call fails and how, which planner
// copy is held back, how many approvals and bank reports race. Pure data: the same seed always
// gives the same plan (the races it sets up need not resolve the same way every time).

/** A small, well-mixed 32-bit generator (mulberry32): enough for choosing a plan, and stable across Node versions. */
export function randomFrom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    /** An integer from min to max, both included. */
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

export type Program = 'PRICE_SUBSIDY' | 'ONE_TIME_LIVING' | 'MONTHLY_BENEFIT';
export type QueueUnderFault = 'recipientImports' | 'payoutPlans' | 'payoutChunks' | 'payoutFiles' | 'bankResults';

/**
 * One failing adapter call: the `k`-th call matching `client`/`commands` made by the queue's
 * function throws. `before`: the call never reaches the emulator; `after`: it was applied and the
 * worker dies before it hears so (a crash between two writes); `timeout`: a delay, then a
 * TimeoutError, the call not applied.
 */
export interface AdapterFault {
  queue: QueueUnderFault;
  client: 'dynamodb' | 's3';
  commands: 'writes' | 'transactions' | 'uploads';
  k: number;
  when: 'before' | 'after' | 'timeout';
}

/** People are numbered 0…people-1; an import holds a half-open range of them with bank accounts of its own. */
export interface ImportPlan {
  from: number;
  to: number;
  copies: number;
}

export interface RoundPlan {
  imports: ImportPlan[];
  /** Batches for the run's program and period, created at once. */
  batches: number;
  /** Copies of each plan message as it arrives (SQS at-least-once, some concurrently). */
  planCopies: number[];
  /** Copies of each payoutChunks message (dispatch and chunks) as it arrives. */
  chunkCopies: number[];
  /** Approvals posted at once per batch (by different checkers). */
  approvals: number;
}

export interface FaultPlan {
  seed: number;
  people: number;
  program: Program;
  /** Months before this one (0: this month). */
  periodMonthsBack: number;
  /**
   * Round 1: overlapping imports posted together, then batches. Round 2: two late imports
   * overlapping each other and people already paid, posted together, then batches; with
   * `interleaved`, the imports' registry writes are ordered: both have read the registry, the
   * first writes, round 2's batches are planned and paid, and only then the second writes (issue 9
   * finding 1: a person's identity must not change under a batch). Round 3: batches only.
   */
  rounds: [RoundPlan, RoundPlan, RoundPlan];
  interleaved: boolean;
  faults: AdapterFault[];
  /**
   * Round 1's second copy of the first plan message with two or more copies stops before its first
   * write until the round's batches have reached this point (a redelivery whose first planner
   * finished; issue 9 finding 2).
   */
  heldPlanner?: 'PENDING_APPROVAL' | 'PAID_OUT';
  /** Between the rounds: a bank report for each paid batch returning these people, posted this many times. */
  bankReport: { returned: number[]; posts: number };
  /** Copies of the first bank-file messages and bank-report messages as they arrive. */
  filesCopies: number[];
  reportCopies: number[];
  /** Round 4: one-off grants (drawn after everything above, so older seeds keep their plans). */
  grants: GrantRoundPlan;
}

export type GrantType = 'TEMPORARY' | 'EMERGENCY' | 'MEDICAL_EXPENSE' | 'EDUCATION';

/**
 * One-off grants filed through the API for people of the run (two may be for one person: two
 * different grants are both paid), each approved by `decisions` reviewers at once, then
 * ONE_OFF_GRANTS batches racing to pay them: each grant is paid at most once, whatever the period.
 */
export interface GrantRoundPlan {
  grants: Array<{ person: number; type: GrantType; amountFen: number }>;
  decisions: number;
  /** Batches, plan copies, chunk copies and approvals as in the other rounds. */
  round: RoundPlan;
  /** A second period's batches after the first are paid: a grant once paid is never paid again. */
  laterBatches: number;
}

export function faultPlanFor(seed: number): FaultPlan {
  const r = randomFrom(seed);
  const people = r.int(8, 20);
  const importCount = r.int(2, 3);
  const imports: ImportPlan[] = Array.from({ length: importCount }, () => {
    const from = r.int(0, Math.floor(people / 2));
    return { from, to: r.int(from + 2, people), copies: r.int(1, 3) };
  });
  // Everyone is imported by someone in round 1, so round 2's late import overlaps what was paid.
  imports[0] = { ...imports[0]!, from: 0, to: Math.max(imports[0]!.to, Math.ceil(people / 2)) };
  imports[importCount - 1] = { ...imports[importCount - 1]!, to: people };
  const lateFrom = r.int(0, people - 2);
  const round = (importsOf: ImportPlan[]): RoundPlan => {
    const batches = r.int(1, 3);
    return {
      imports: importsOf,
      batches,
      planCopies: Array.from({ length: batches }, () => r.int(1, 3)),
      chunkCopies: Array.from({ length: r.int(1, 4) }, () => r.int(1, 3)),
      approvals: r.int(1, 2),
    };
  };
  const round1 = round(imports);
  // The late imports bring a few new people (people…people+3) beside ones already held, and overlap each other.
  const lateTo = people + r.int(1, 3);
  const round2 = round([
    { from: lateFrom, to: lateTo, copies: r.int(1, 2) },
    { from: r.int(0, lateFrom), to: lateTo, copies: r.int(1, 2) },
  ]);
  const round3 = round([]);
  const faults: AdapterFault[] = [];
  const queues: QueueUnderFault[] = ['recipientImports', 'payoutPlans', 'payoutChunks', 'payoutFiles', 'bankResults'];
  for (let n = r.int(1, 3); n > 0; n--) {
    const queue = r.pick(queues);
    const uploads = queue === 'payoutFiles' && r.chance(0.5);
    faults.push({
      queue,
      client: uploads ? 's3' : 'dynamodb',
      commands: uploads ? 'uploads' : queue === 'payoutPlans' && r.chance(0.5) ? 'transactions' : 'writes',
      k: r.int(1, 6),
      when: r.pick(['before', 'after', 'timeout'] as const),
    });
  }
  const heldPlanner = round1.planCopies.some((c) => c >= 2) && r.chance(0.6) ? r.pick(['PENDING_APPROVAL', 'PAID_OUT'] as const) : undefined;
  const returned = Array.from({ length: people }, (_, n) => n).filter(() => r.chance(0.2));
  const plan: Omit<FaultPlan, 'filesCopies' | 'reportCopies' | 'grants'> = {
    seed,
    people,
    program: r.pick(['PRICE_SUBSIDY', 'ONE_TIME_LIVING', 'MONTHLY_BENEFIT'] as const),
    periodMonthsBack: r.int(0, 6),
    rounds: [round1, round2, round3],
    interleaved: r.chance(0.7),
    faults,
    heldPlanner,
    bankReport: { returned, posts: r.int(1, 2) },
  };
  // Drawn last, so the seeds quoted before these existed keep the rest of their plans.
  const filesCopies = Array.from({ length: 3 }, () => r.int(1, 3));
  const reportCopies = Array.from({ length: 2 }, () => r.int(1, 3));
  const grantTypes: GrantType[] = ['TEMPORARY', 'EMERGENCY', 'MEDICAL_EXPENSE', 'EDUCATION'];
  const grantList = Array.from({ length: r.int(2, 5) }, () => ({
    person: r.int(0, people - 1),
    type: r.pick(grantTypes),
    amountFen: r.int(1, 90) * 10_000,
  }));
  // Sometimes two grants for one person: both are legitimate and both are paid.
  if (r.chance(0.5)) grantList.push({ ...grantList[0]!, type: r.pick(grantTypes) });
  const grants: GrantRoundPlan = { grants: grantList, decisions: r.int(1, 2), round: round([]), laterBatches: r.int(0, 2) };
  return { ...plan, filesCopies, reportCopies, grants };
}

/** One line saying what the plan injects. */
export function describePlan(plan: FaultPlan): string {
  const round = (p: RoundPlan) =>
    `imports ${p.imports.map((i) => `[${i.from},${i.to})×${i.copies}`).join(' ')}; ${p.batches} batch(es) plan×${p.planCopies.join('/')}` +
    ` chunks×${p.chunkCopies.join('/')} approvals×${p.approvals}`;
  const faults = plan.faults.map((f) => `${f.queue} ${f.commands}#${f.k} ${f.when}`).join(', ') || 'none';
  return (
    `${plan.people} people, ${plan.program} -${plan.periodMonthsBack}mo | round 1: ${round(plan.rounds[0])} | ` +
    `bank report returns ${plan.bankReport.returned.length} ×${plan.bankReport.posts} | round 2${plan.interleaved ? ' (imports interleaved with its batches)' : ''}: ` +
    `${round(plan.rounds[1])} | round 3: ${round(plan.rounds[2])} | ` +
    `files×${plan.filesCopies.join('/')} reports×${plan.reportCopies.join('/')} | ` +
    `grants: ${plan.grants.grants.map((g) => `${g.type} ${g.amountFen} fen to ${g.person}`).join(', ')}, decided×${plan.grants.decisions}, ` +
    `${round(plan.grants.round)}, then ${plan.grants.laterBatches} batch(es) for another period | faults: ${faults}${plan.heldPlanner ? ` | plan copy 2 held until ${plan.heldPlanner}` : ''}`
  );
}
