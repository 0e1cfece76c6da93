import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseSchedule, scheduledJobs, startScheduler, type Scheduler } from '../../local/scheduler.ts';

describe('EventBridge schedule expressions, read as EventBridge reads them (UTC)', () => {
  it('reads every schedule in the topology', () => {
    expect(scheduledJobs().length).toBeGreaterThan(0);
    for (const job of scheduledJobs()) expect(() => parseSchedule(job.expression), job.expression).not.toThrow();
  });

  it.each([
    ['cron(30 16 * * ? *)', '2026-11-29T18:00:00Z', '2026-11-30T16:30:00.000Z', '2026-11-29T16:30:00.000Z'],
    // Quartz weekdays: 2 is Monday; 2026-11-29 is a Sunday.
    ['cron(0 9 ? * 2 *)', '2026-11-29T18:00:00Z', '2026-11-30T09:00:00.000Z', '2026-11-23T09:00:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-11-29T18:07:00Z', '2026-11-29T18:15:00.000Z', '2026-11-29T18:00:00.000Z'],
    ['cron(0 0 1 1 ? 2027)', '2026-11-29T18:00:00Z', '2027-01-01T00:00:00.000Z', undefined],
  ])('%s after %s: next %s, previous %s', (expression, at, next, previous) => {
    const schedule = parseSchedule(expression);
    expect(schedule.nextAfter(new Date(at))?.toISOString()).toBe(next);
    expect(schedule.previousBefore(new Date(at))?.toISOString()).toBe(previous);
  });

  it('reads rate() as a period', () => {
    expect(parseSchedule('rate(5 minutes)').periodMs).toBe(300_000);
    expect(parseSchedule('rate(1 hour)').periodMs).toBe(3_600_000);
    expect(parseSchedule('rate(2 days)').periodMs).toBe(172_800_000);
  });

  it.each(['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'cron(0 9 * * * *)', 'cron(0 9 ? * ? *)', 'cron(0 9 * * ?)', '*/5 * * * *'])(
    'refuses %s',
    (expression) => expect(() => parseSchedule(expression)).toThrow(expression),
  );
});

describe('the local scheduler', () => {
  let directory: string;
  let scheduler: Scheduler | undefined;
  const runs: string[] = [];
  const start = () =>
    (scheduler = startScheduler({
      dataDir: directory,
      loadHandler: async () => async (event) => {
        runs.push((event as { job: string }).job);
        return { ok: true };
      },
    }));

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-29T16:29:00Z') });
    directory = mkdtempSync(join(tmpdir(), 'tuodi-scheduler-'));
    runs.length = 0;
  });
  afterEach(async () => {
    await scheduler?.stop();
    vi.useRealTimers();
    rmSync(directory, { recursive: true, force: true });
  });

  it('runs each job on its schedule with the input the CDK rule sends', async () => {
    const jobs = scheduledJobs();
    start();
    // The first start has no record: rate() jobs run at once, cron() jobs wait for their time.
    await vi.advanceTimersByTimeAsync(0);
    const rateJobs = jobs.filter((j) => parseSchedule(j.expression).periodMs).map((j) => j.job);
    expect(runs.sort()).toEqual([...rateJobs].sort());

    runs.length = 0;
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    for (const job of jobs) {
      const schedule = parseSchedule(job.expression);
      let expected = 0;
      if (schedule.periodMs) expected = Math.floor((24 * 3_600_000) / schedule.periodMs);
      else for (let at = schedule.nextAfter(new Date('2026-11-29T16:29:00Z'))!; at <= new Date(); at = schedule.nextAfter(new Date(at.getTime() + 1))!) expected++;
      expect({ job: job.job, runs: runs.filter((r) => r === job.job).length }).toEqual({ job: job.job, runs: expected });
    }
  });

  it('after a stop, runs once at start each job whose time came while it was down', async () => {
    const jobs = scheduledJobs();
    // Every job last ran two days ago: each has come due since.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    writeFileSync(join(directory, 'schedules.json'), JSON.stringify(Object.fromEntries(jobs.map((j) => [j.job, twoDaysAgo]))));
    start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.sort()).toEqual(jobs.map((j) => j.job).sort());
    const recorded = JSON.parse(readFileSync(join(directory, 'schedules.json'), 'utf8')) as Record<string, string>;
    for (const job of jobs) expect(recorded[job.job]).toBe(new Date().toISOString());
  });

  it('does not run a job again at start when it already ran in its period', async () => {
    const jobs = scheduledJobs();
    writeFileSync(join(directory, 'schedules.json'), JSON.stringify(Object.fromEntries(jobs.map((j) => [j.job, new Date().toISOString()]))));
    start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual([]);
  });
});
