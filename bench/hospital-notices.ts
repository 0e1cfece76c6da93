// Hospital notices on the local stack: POSTs at a steady rate (default 50/s), half admissions and
// half discharges, then prints the p50/p99 time from POST to decision and notices decided per second,
// and where the time went: the POST's answer, the message's wait in the queue, the decide worker's
// batches, the CPU the stack's process and DynamoDB Local's JVM spent per notice, the DynamoDB, SQS
// and stream calls per notice by operation (every SDK call of the process: handlers, pollers,
// stream consumers), the load average. Where the tail is: each notice's time split into phases
// (POST answered, queued until sent, sent until received by the worker, received until decided),
// the slowest 1 % by phase, the latency second by second of the run, and the CPU of DynamoDB Local's
// JVM and of this process by thread (JIT compilers, garbage collectors, the rest).
// Before measuring it warms up (--warmup seconds at the same rate, other people and notice numbers,
// all decided before the measured run starts): a deployed Lambda is warm after its first calls, and
// DynamoDB Local's JIT compiling its code is local emulation. --warmup 0 measures from cold.
// npm run bench:notices [-- --rate 50 --seconds 20 --warmup 10] [--no-streams: without the figures' stream consumers]
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { SQSEvent } from 'aws-lambda';
import { benchIdNumber as idNumber } from './fixtures.ts';
import { registryCsvColumns } from '../shared/domain/registry.ts';
import { startLocalStack } from '../local/stack.ts';
import { updateItem } from '../shared/adapters/dynamo-update.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '10' },
    'no-streams': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const total = rate * Number(values.seconds);
const people = total / 2;
const warmupTotal = 2 * Math.floor((rate * Number(values.warmup)) / 2);
const warmupPeople = warmupTotal / 2;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** [comm, CPU seconds (user + system)] of a /proc stat file, or undefined if it is gone. */
function procStat(path: string): { comm: string; ppid: number; seconds: number } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), ppid: Number(rest[1]), seconds: (Number(rest[11]) + Number(rest[12])) / 100 };
  } catch {
    return undefined; // the process or thread ended meanwhile
  }
}

/** The pid of this process's descendant named `java`: DynamoDB Local. */
function jvmPid(): number | undefined {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(`/proc/${entry}/stat`);
    if (!stat) continue;
    names.set(Number(entry), stat.comm);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const walk = (pid: number): number | undefined => {
    for (const child of children.get(pid) ?? []) {
      if (names.get(child) === 'java') return child;
      const found = walk(child);
      if (found) return found;
    }
    return undefined;
  };
  return walk(process.pid);
}

/**
 * A process's CPU seconds: its total (threads that ended included) and by kind of thread, from the
 * thread names the JVM and V8 give: `C1/C2 CompilerThre` (JIT), `GC Thread#`, `G1 …`, `VM Thread`
 * (garbage collection and safepoints), the main thread (in this process: the event loop) and the
 * rest (Node 20 names all its threads `node`: V8's workers, which mark and compile off the main
 * thread, and libuv's pool; in the JVM: Jetty's request threads, DynamoDB Local's work).
 */
interface ThreadCpu { total: number; byKind: Record<string, number> }
function threadKind(comm: string, main: boolean): string {
  if (/Compiler/i.test(comm)) return 'JIT';
  if (/^(GC |G1 |VM Thread|Parallel GC|ParGC|VM Periodic)/.test(comm)) return 'GC and VM';
  if (main) return 'main thread';
  return 'other threads';
}
function threadCpu(pid: number | undefined): ThreadCpu {
  const byKind: Record<string, number> = {};
  if (pid === undefined) return { total: 0, byKind };
  const total = procStat(`/proc/${pid}/stat`)?.seconds ?? 0;
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { total, byKind };
  }
  for (const tid of tasks) {
    const stat = procStat(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue;
    const kind = threadKind(stat.comm, Number(tid) === pid);
    byKind[kind] = (byKind[kind] ?? 0) + stat.seconds;
  }
  return { total, byKind };
}
/** CPU spent between two readings, by kind; what ended threads spent goes to `other threads`. */
function cpuSince(before: ThreadCpu, after: ThreadCpu): ThreadCpu {
  const byKind: Record<string, number> = {};
  for (const kind of new Set([...Object.keys(before.byKind), ...Object.keys(after.byKind)])) {
    byKind[kind] = Math.max(0, (after.byKind[kind] ?? 0) - (before.byKind[kind] ?? 0));
  }
  const total = after.total - before.total;
  const named = Object.values(byKind).reduce((a, b) => a + b, 0);
  if (total > named) byKind['other threads'] = (byKind['other threads'] ?? 0) + (total - named);
  return { total, byKind };
}

// Every AWS SDK call this process makes (they all go through node:http; the bench's own fetch
// calls go through undici and are not counted), by its X-Amz-Target: `DynamoDB_20120810.GetItem`,
// `AmazonSQS.SendMessage`, `DynamoDBStreams_20120810.GetRecords`.
const calls = new Map<string, number>();
let countingCalls = false;
subscribe('http.client.request.start', (message) => {
  if (!countingCalls) return;
  const target = String((message as { request: ClientRequest }).request.getHeader('x-amz-target') ?? 'other');
  calls.set(target, (calls.get(target) ?? 0) + 1);
});

// Each decide-worker invocation: its batch size, how long it took, and each message's wait in the queue.
const batches: Array<{ size: number; ms: number }> = [];
const queueWaits: number[] = [];
// The CPU spent from the first POST until the worker has handled as many messages as were posted.
// When the worker received each notice (its message body is { id }).
const receivedAt = new Map<string, number>();
let measuring: { node: ThreadCpu; jvm: ThreadCpu; elu: ReturnType<typeof performance.eventLoopUtilization> } | undefined;
let spent: { node: ThreadCpu; jvm: ThreadCpu; elu: number } | undefined;
let jvm: number | undefined;
let handled = 0;
let target = Infinity;
function startMeasuring(): void {
  spent = undefined;
  measuring = { node: threadCpu(process.pid), jvm: threadCpu(jvm), elu: performance.eventLoopUtilization() };
}
function endMeasuring(): void {
  if (!measuring || spent) return;
  countingCalls = false;
  spent = {
    node: cpuSince(measuring.node, threadCpu(process.pid)),
    jvm: cpuSince(measuring.jvm, threadCpu(jvm)),
    elu: performance.eventLoopUtilization(measuring.elu).utilization,
  };
}
const stack = await startLocalStack({
  onError: (m) => console.error(m),
  streams: !values['no-streams'],
  wrapQueueHandler: (name, queue, handler) =>
    queue !== 'hospitalNotices'
      ? handler
      : async (event, context) => {
          const began = Date.now();
          for (const record of (event as SQSEvent).Records) {
            queueWaits.push(began - Number(record.attributes.SentTimestamp));
            receivedAt.set((JSON.parse(record.body) as { id: string }).id, began);
          }
          try {
            return await handler(event, context);
          } finally {
            batches.push({ size: (event as SQSEvent).Records.length, ms: Date.now() - began });
            handled += (event as SQSEvent).Records.length;
            if (handled >= target) endMeasuring();
          }
        },
});
try {
  jvm = jvmPid();
  const reviewer = await stack.keys.sign({ role: 'reviewer', sub: 'bench' });
  // Measured people first, then the warm-up's: each person is admitted once.
  const csv = [
    registryCsvColumns.join(','),
    ...Array.from({ length: people + warmupPeople }, (_, n) => `HH-${n},患者${n},${idNumber(n)},DIBAO,真州镇,90000,2022-03-01,江苏银行,6228480012345678`),
  ].join('\n');
  const created = (await (
    await fetch(`${stack.url}/recipients/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reviewer}`, 'content-type': 'text/csv' },
      body: csv,
    })
  ).json()) as { importId: string };
  for (;;) {
    const r = (await (
      await fetch(`${stack.url}/recipients/imports/${created.importId}`, { headers: { authorization: `Bearer ${reviewer}` } })
    ).json()) as { status: string };
    if (r.status !== 'RUNNING') break;
    await new Promise((res) => setTimeout(res, 100));
  }

  // The bench's one hospital sends the whole rate: its admissions limit (per minute, the hospitals
  // table) is raised to the warm-up's and the run's admissions together, which may fall in one
  // minute, so the bench measures the notices' latency, not the 429s.
  await updateItem('hospitals', { hospitalId: 'H-YZ-PEOPLES' }, {
    set: { eligibilityChecksPerMinute: Math.max(Math.ceil(rate * 60), people + warmupPeople) },
  });
  const hospital = await stack.keys.sign({ role: 'hospital', sub: 'bench-his', hospitalId: 'H-YZ-PEOPLES' });

  /** Posts `count` notices at the rate (half admissions of persons from `firstPerson`, then their discharges). */
  async function post(count: number, firstPerson: number, prefix: string) {
    const half = count / 2;
    const notice = (i: number) =>
      i < half
        ? { noticeNo: `${prefix}ZY${i}`, kind: 'ADMISSION', patient: { idNumber: idNumber(firstPerson + i), name: `患者${firstPerson + i}` }, admittedAt: '2026-11-20T09:00:00+08:00' }
        : {
            noticeNo: `${prefix}CY${i}`,
            kind: 'DISCHARGE',
            admissionNoticeNo: `${prefix}ZY${i - half}`,
            dischargedAt: '2026-11-27T10:00:00+08:00',
            totalCostFen: 2_000_000,
            insurancePaidFen: 1_200_000,
            criticalIllnessPaidFen: 200_000,
            nonCoveredFen: 50_000,
          };
    const posted: Array<{ id: string; at: number; answeredAt: number }> = [];
    const refused: string[] = [];
    const started = Date.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // A hospital sends a discharge after its admission was answered: when the stack answers late,
      // the discharge waits for that answer instead of racing its admission (and being rejected).
      if (i >= half) await sends[i - half];
      const at = Date.now();
      sends.push(
        fetch(`${stack.url}/hospital-notices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${hospital}`, 'content-type': 'application/json' },
          body: JSON.stringify(notice(i)),
        }).then(async (response) => {
          // A refused POST (a 500 when the overloaded stack passed the function's timeout) accepted
          // nothing: it is counted and left out of the latencies rather than ending the run.
          if (response.status !== 202) {
            refused.push(`POST ${i}: ${response.status} ${await response.text()}`);
            return;
          }
          posted[i] = { id: ((await response.json()) as { id: string }).id, at, answeredAt: Date.now() };
        }, (error: Error & { cause?: { code?: string } }) => {
          // No answer at all (the connection reset or timed out): nothing is known to be accepted.
          refused.push(`POST ${i}: ${error.cause?.code ?? error.message}`);
        }),
      );
    }
    await Promise.all(sends);
    return { posted: posted.filter(Boolean), refused, started, postingSeconds: (Date.now() - started) / 1000 };
  }

  /** Each accepted notice's decision: status and decidedAt (ms), read once the worker has handled them all. */
  async function decisions(ids: string[]) {
    const decided = new Map<string, { status: string; decidedAt: number }>();
    for (const id of ids) {
      for (;;) {
        const view = (await (
          await fetch(`${stack.url}/hospital-notices/${id}`, { headers: { authorization: `Bearer ${hospital}` } })
        ).json()) as { status: string; decidedAt: string | null };
        if (view.decidedAt) {
          decided.set(id, { status: view.status, decidedAt: Date.parse(view.decidedAt) });
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return decided;
  }

  const warmupJvmBefore = threadCpu(jvm);
  const warmupLoad = load();
  const warmupStarted = Date.now();
  let warmupLine = 'warm-up: none (--warmup 0): measured from a cold DynamoDB Local JVM and cold handlers';
  if (warmupTotal > 0) {
    const warm = await post(warmupTotal, people, 'W');
    await decisions(warm.posted.map((p) => p.id));
    const warmJvm = cpuSince(warmupJvmBefore, threadCpu(jvm));
    warmupLine = `warm-up (not measured): ${warmupTotal} notices at ${rate}/s of ${warmupPeople} other people, all decided, in ${((Date.now() - warmupStarted) / 1000).toFixed(1)} s, load ${warmupLoad}; DynamoDB Local spent ${perNoticeOf(warmJvm.total, warmupTotal)} per notice (JIT ${perNoticeOf(warmJvm.byKind.JIT ?? 0, warmupTotal)})`;
  }

  batches.length = 0;
  queueWaits.length = 0;
  receivedAt.clear();
  handled = 0;
  target = total;
  const loadAtStart = load();
  calls.clear();
  countingCalls = true;
  startMeasuring();
  const run = await post(total, 0, '');
  // The window ends when the worker has handled every accepted notice (some POSTs may have been
  // refused), before this bench's own GETs start, so their calls and CPU are not counted.
  while (handled < run.posted.length) await new Promise((r) => setTimeout(r, 50));
  endMeasuring();
  const loadAtEnd = load();
  const decided = await decisions(run.posted.map((p) => p.id));

  // Each notice's phases: POST answered; answered until its message was received by the worker
  // (the queue, and the send when it finished after the answer); received until decided.
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let lastDecision = 0;
  const phases: Array<{ at: number; total: number; answer: number; toWorker: number; decide: number }> = [];
  for (const { id, at, answeredAt } of run.posted) {
    const { status, decidedAt } = decided.get(id)!;
    latencies.push(decidedAt - at);
    lastDecision = Math.max(lastDecision, decidedAt);
    statuses[status] = (statuses[status] ?? 0) + 1;
    const received = receivedAt.get(id) ?? decidedAt;
    phases.push({ at, total: decidedAt - at, answer: answeredAt - at, toWorker: Math.max(0, received - answeredAt), decide: decidedAt - received });
  }
  const sortedAt = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  };
  const percentiles = (values: number[]) =>
    `p50 ${sortedAt(values, 50)} ms, p99 ${sortedAt(values, 99)} ms, max ${values.length ? Math.max(...values) : 0} ms`;
  const perNotice = (seconds: number) => perNoticeOf(seconds, total);
  console.log(warmupLine);
  console.log(`notices: ${total} posted at ${rate}/s (${people} admissions, then ${people} discharges) in ${run.postingSeconds.toFixed(1)} s${values['no-streams'] ? ', stream consumers off' : ''}`);
  console.log(`load average at start ${loadAtStart}, at end ${loadAtEnd} (2 cores, shared)`);
  console.log(`outcomes: ${JSON.stringify(statuses)}${run.refused.length ? `; ${run.refused.length} POSTs refused, the first: ${run.refused[0]}` : ''}`);
  console.log(`decided per second: ${(total / ((lastDecision - run.started) / 1000)).toFixed(1)} (first POST to last decision)`);
  console.log(`POST to decision: ${percentiles(latencies)} (target: p99 at most 500 ms)`);
  console.log(`  POST answered (202): ${percentiles(phases.map((p) => p.answer))}`);
  console.log(`  answered until received by the worker: ${percentiles(phases.map((p) => p.toWorker))}`);
  console.log(`  received until decision stored: ${percentiles(phases.map((p) => p.decide))}`);
  const slowest = [...phases].sort((a, b) => b.total - a.total).slice(0, Math.max(1, Math.ceil(phases.length / 100)));
  const mean = (f: (p: (typeof phases)[number]) => number) => Math.round(slowest.reduce((n, p) => n + f(p), 0) / slowest.length);
  console.log(
    `  the slowest 1 % (${slowest.length}), mean ms: POST answered ${mean((p) => p.answer)}, to the worker ${mean((p) => p.toWorker)}, decided ${mean((p) => p.decide)}; posted at second ${slowest.map((p) => ((p.at - run.started) / 1000).toFixed(1)).join(', ')}`,
  );
  // Second by second of posting: a tail at the start is warm-up; one that grows is a backlog.
  const perSecond = new Map<number, number[]>();
  for (const p of phases) {
    const second = Math.floor((p.at - run.started) / 1000);
    perSecond.set(second, [...(perSecond.get(second) ?? []), p.total]);
  }
  console.log(
    `POST to decision by second posted (p99 ms): ${[...perSecond.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => sortedAt(v, 99)).join(' ')}`,
  );
  console.log(`wait in the queue (sent to received by the worker): ${percentiles(queueWaits)}`);
  console.log(
    `decide worker: ${batches.length} batches, mean size ${(batches.reduce((n, b) => n + b.size, 0) / Math.max(1, batches.length)).toFixed(1)}, batch time ${percentiles(batches.map((b) => b.ms))}`,
  );
  if (spent) {
    const kinds = (cpu: ThreadCpu) =>
      Object.entries(cpu.byKind)
        .filter(([, s]) => s > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([kind, s]) => `${kind} ${perNotice(s)}`)
        .join(', ');
    console.log(`CPU per notice (first POST to the worker's last message; fauxqs and the bench's client run in this process):`);
    console.log(`  this process ${perNotice(spent.node.total)} (event loop busy ${(spent.elu * 100).toFixed(0)} %): ${kinds(spent.node)}`);
    console.log(`  DynamoDB Local ${perNotice(spent.jvm.total)}: ${kinds(spent.jvm)}`);
    const cores = ((spent.node.total + spent.jvm.total) * 1000) / total * rate / 1000;
    console.log(`  cores needed at ${rate}/s: ${cores.toFixed(2)} of 2 (beside any other work on the machine)`);
  }
  // Calls per notice in the same window, by service and operation.
  const services = new Map<string, Array<[string, number]>>();
  for (const [target, count] of calls) {
    const [service, operation = target] = target.split('.');
    services.set(service!, [...(services.get(service!) ?? []), [operation, count]]);
  }
  for (const [service, operations] of services) {
    const sum = operations.reduce((n, [, c]) => n + c, 0);
    const each = operations.sort((a, b) => b[1] - a[1]).map(([op, c]) => `${op} ${(c / total).toFixed(2)}`).join(', ');
    console.log(`calls per notice, ${service}: ${(sum / total).toFixed(2)} (${each})`);
  }
} finally {
  await stack.stop();
}

function perNoticeOf(seconds: number, count: number): string {
  return `${((seconds * 1000) / count).toFixed(1)} ms`;
}
