// Hospital notices on the local stack: POSTs at a steady rate (default 50/s), half admissions and
// half discharges, then prints the p50/p99 time from POST to decision and notices decided per second,
// and where the time went: the POST's answer, the message's wait in the queue, the decide worker's
// batches, the CPU the stack's process and DynamoDB Local's JVM spent per notice, the DynamoDB, SQS
// and stream calls per notice by operation (every SDK call of the process: handlers, pollers,
// stream consumers), the load average.
// npm run bench:notices [-- --rate 50 --seconds 20] [--no-streams: without the figures' stream consumers]
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
    'no-streams': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const total = rate * Number(values.seconds);
const people = total / 2;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** CPU seconds (user + system) of this process's descendants named `java`: DynamoDB Local. */
function jvmCpuSeconds(): number {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces.
      const fields = [text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), ...text.slice(text.lastIndexOf(')') + 2).split(' ')];
      stats.set(Number(entry), fields);
      const parent = Number(fields[2]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let ticks = 0;
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      const fields = stats.get(child)!;
      if (fields[0] === 'java') ticks += Number(fields[12]) + Number(fields[13]);
      walk(child);
    }
  };
  walk(process.pid);
  return ticks / 100; // USER_HZ
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
let measuring: { cpu: NodeJS.CpuUsage; jvmSeconds: number; elu: ReturnType<typeof performance.eventLoopUtilization> } | undefined;
let spent: { cpuSeconds: number; jvmSeconds: number; elu: number } | undefined;
let handled = 0;
function endMeasuring(): void {
  if (!measuring || spent) return;
  countingCalls = false;
  const cpu = process.cpuUsage(measuring.cpu);
  spent = {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    jvmSeconds: jvmCpuSeconds() - measuring.jvmSeconds,
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
          for (const record of (event as SQSEvent).Records) queueWaits.push(began - Number(record.attributes.SentTimestamp));
          try {
            return await handler(event, context);
          } finally {
            batches.push({ size: (event as SQSEvent).Records.length, ms: Date.now() - began });
            handled += (event as SQSEvent).Records.length;
            if (handled >= total) endMeasuring();
          }
        },
});
try {
  const reviewer = await stack.keys.sign({ role: 'reviewer', sub: 'bench' });
  const csv = [
    registryCsvColumns.join(','),
    ...Array.from({ length: people }, (_, n) => `HH-${n},患者${n},${idNumber(n)},DIBAO,真州镇,90000,2022-03-01,江苏银行,6228480012345678`),
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
  // table) is raised to that, so the bench measures the notices' latency, not the 429s.
  await updateItem('hospitals', { hospitalId: 'H-YZ-PEOPLES' }, { set: { eligibilityChecksPerMinute: Math.ceil(rate * 60) } });
  const hospital = await stack.keys.sign({ role: 'hospital', sub: 'bench-his', hospitalId: 'H-YZ-PEOPLES' });
  const notice = (i: number) =>
    i < people
      ? { noticeNo: `ZY${i}`, kind: 'ADMISSION', patient: { idNumber: idNumber(i), name: `患者${i}` }, admittedAt: '2026-11-20T09:00:00+08:00' }
      : {
          noticeNo: `CY${i}`,
          kind: 'DISCHARGE',
          admissionNoticeNo: `ZY${i - people}`,
          dischargedAt: '2026-11-27T10:00:00+08:00',
          totalCostFen: 2_000_000,
          insurancePaidFen: 1_200_000,
          criticalIllnessPaidFen: 200_000,
          nonCoveredFen: 50_000,
        };

  const posted: Array<{ id: string; at: number }> = [];
  const answers: number[] = [];
  const refused: string[] = [];
  batches.length = 0;
  queueWaits.length = 0;
  handled = 0;
  const loadAtStart = load();
  calls.clear();
  countingCalls = true;
  measuring = { cpu: process.cpuUsage(), jvmSeconds: jvmCpuSeconds(), elu: performance.eventLoopUtilization() };
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // A hospital sends a discharge after its admission was answered: when the stack answers late,
    // the discharge waits for that answer instead of racing its admission (and being rejected).
    if (i >= people) await sends[i - people];
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
        posted[i] = { id: ((await response.json()) as { id: string }).id, at };
        answers.push(Date.now() - at);
      }, (error: Error & { cause?: { code?: string } }) => {
        // No answer at all (the connection reset or timed out): nothing is known to be accepted.
        refused.push(`POST ${i}: ${error.cause?.code ?? error.message}`);
      }),
    );
  }
  await Promise.all(sends);
  const postingSeconds = (Date.now() - started) / 1000;
  // The window ends when the worker has handled every accepted notice (some POSTs may have been
  // refused), before this bench's own GETs start, so their calls and CPU are not counted.
  const accepted = posted.filter(Boolean).length;
  while (handled < accepted) await new Promise((r) => setTimeout(r, 50));
  endMeasuring();

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let lastDecision = 0;
  for (const { id, at } of posted.filter(Boolean)) {
    for (;;) {
      const view = (await (
        await fetch(`${stack.url}/hospital-notices/${id}`, { headers: { authorization: `Bearer ${hospital}` } })
      ).json()) as { status: string; decidedAt: string | null };
      if (view.decidedAt) {
        const decidedAt = Date.parse(view.decidedAt);
        latencies.push(decidedAt - at);
        lastDecision = Math.max(lastDecision, decidedAt);
        statuses[view.status] = (statuses[view.status] ?? 0) + 1;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const percentiles = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
    return `p50 ${at(50)} ms, p99 ${at(99)} ms, max ${sorted.at(-1) ?? 0} ms`;
  };
  const perNotice = (seconds: number) => `${((seconds * 1000) / total).toFixed(1)} ms`;
  console.log(`notices: ${total} posted at ${rate}/s (${people} admissions, then ${people} discharges) in ${postingSeconds.toFixed(1)} s${values['no-streams'] ? ', stream consumers off' : ''}`);
  console.log(`load average at start ${loadAtStart}, at end ${load()} (2 cores, shared)`);
  console.log(`outcomes: ${JSON.stringify(statuses)}${refused.length ? `; ${refused.length} POSTs refused, the first: ${refused[0]}` : ''}`);
  console.log(`decided per second: ${(total / ((lastDecision - started) / 1000)).toFixed(1)} (first POST to last decision)`);
  console.log(`POST to decision: ${percentiles(latencies)} (target: p99 at most 500 ms)`);
  console.log(`POST answered (202): ${percentiles(answers)}`);
  console.log(`wait in the queue (sent to received by the worker): ${percentiles(queueWaits)}`);
  console.log(
    `decide worker: ${batches.length} batches, mean size ${(batches.reduce((n, b) => n + b.size, 0) / Math.max(1, batches.length)).toFixed(1)}, batch time ${percentiles(batches.map((b) => b.ms))}`,
  );
  if (spent) {
    console.log(
      `CPU per notice (first POST to the worker's last message): this process ${perNotice(spent.cpuSeconds)} (event loop busy ${(spent.elu * 100).toFixed(0)} %), DynamoDB Local ${perNotice(spent.jvmSeconds)}`,
    );
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
