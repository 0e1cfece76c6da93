// Hospital notices on the local stack: POSTs at a steady rate (default 50/s), half admissions and
// half discharges, then prints the p50/p99 time from POST to decision and notices decided per second.
// npm run bench:notices [-- --rate 50 --seconds 20]
import { parseArgs } from 'node:util';
import { benchIdNumber as idNumber } from './fixtures.ts';
import { registryCsvColumns } from '../shared/domain/registry.ts';
import { startLocalStack } from '../local/stack.ts';
import { updateItem } from '../shared/adapters/dynamo-update.ts';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '50' }, seconds: { type: 'string', default: '20' } },
});
const rate = Number(values.rate);
const total = rate * Number(values.seconds);
const people = total / 2;


const stack = await startLocalStack({ onError: (m) => console.error(m) });
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
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = Date.now();
    sends.push(
      fetch(`${stack.url}/hospital-notices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hospital}`, 'content-type': 'application/json' },
        body: JSON.stringify(notice(i)),
      }).then(async (response) => {
        if (response.status !== 202) throw new Error(`POST ${i}: ${response.status} ${await response.text()}`);
        posted[i] = { id: ((await response.json()) as { id: string }).id, at };
      }),
    );
  }
  await Promise.all(sends);

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let lastDecision = 0;
  for (const { id, at } of posted) {
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
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  console.log(`notices: ${total} posted at ${rate}/s (${people} admissions, then ${people} discharges)`);
  console.log(`outcomes: ${JSON.stringify(statuses)}`);
  console.log(`decided per second: ${(total / ((lastDecision - started) / 1000)).toFixed(1)} (first POST to last decision)`);
  console.log(`POST to decision: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)} ms (target: p99 under 1000 ms)`);
} finally {
  await stack.stop();
}
