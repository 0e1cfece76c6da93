// The local stand-in for EventBridge schedules: every scheduled function in the topology runs on
// its own schedule expression — the very string the CDK stack hands to events.Schedule.expression —
// with the input the CDK rule sends ({ job }). cron() is evaluated by croner (UTC, EventBridge's
// field order and Quartz weekday numbers); rate() is a fixed period.
//
// Missed runs: EventBridge keeps firing while a local stack is down. With a data folder, the time
// of each job's last run is kept there, and a job whose schedule came due while nothing ran it
// runs once at start (a rate() job with no record runs at start too): so a crashed stack's
// sweepers run as soon as it is back, without anyone typing a command.
// A run still going when the next is due is not started twice (Lambda would run both; jobs are
// safe under that, but one local process gains nothing from it); the skip is reported.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';
import { functions, type FunctionName, type FunctionSpec } from '../shared/topology.ts';
import { lambdaContext, type Handler } from './lambda-runtime.ts';

export interface Schedule {
  /** The next time at or after `after` the schedule fires, or undefined if it never will. */
  nextAfter(after: Date): Date | undefined;
  /** The latest time at or before `at` it fires (for rate(): undefined, it has no fixed phase). */
  previousBefore(at: Date): Date | undefined;
  /** For rate(): the period in ms. */
  periodMs?: number;
}

const rateUnits: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Parses an EventBridge schedule expression: `rate(N minute[s]|hour[s]|day[s])` or
 * `cron(minutes hours day-of-month month day-of-week year)` in UTC. Throws on anything else.
 * Source: EventBridge Scheduler, "Schedule types" (rate-based and cron-based schedules).
 */
export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const count = Number(rate[1]);
    const unit = rate[2]!.replace(/s$/, '');
    if (count < 1 || (count === 1) !== (unit === rate[2])) {
      throw new Error(`${expression}: rate() takes 1 with a singular unit, more with a plural one`);
    }
    const periodMs = count * rateUnits[unit]!;
    return { periodMs, nextAfter: (after) => new Date(after.getTime() + periodMs), previousBefore: () => undefined };
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (cron) {
    const [, minutes, hours, dayOfMonth, month, dayOfWeek, year] = cron;
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
      throw new Error(`${expression}: exactly one of day-of-month and day-of-week must be ?`);
    }
    // sloppyRanges: EventBridge writes every 5 minutes as 0/5, which croner takes only so.
    const pattern = `0 ${minutes} ${hours} ${dayOfMonth} ${month} ${dayOfWeek} ${year}`;
    const job = new Cron(pattern, { timezone: 'UTC', alternativeWeekdays: true, mode: '7-part', sloppyRanges: true, paused: true });
    return {
      nextAfter: (after) => job.nextRun(new Date(after.getTime() - 1)) ?? undefined,
      previousBefore: (at) => job.previousRuns(1, new Date(at.getTime() + 1))[0],
    };
  }
  throw new Error(`${expression}: not an EventBridge schedule expression (rate(...) or cron(...))`);
}

export interface ScheduledJob {
  name: FunctionName;
  job: string;
  expression: string;
}

/** Every scheduled function of the topology. */
export function scheduledJobs(): ScheduledJob[] {
  return (Object.entries(functions) as Array<[FunctionName, FunctionSpec]>).flatMap(([name, spec]) =>
    spec.trigger.type === 'schedule' ? [{ name, job: spec.trigger.job, expression: spec.trigger.schedule }] : [],
  );
}

export interface SchedulerOptions {
  loadHandler: (name: FunctionName) => Promise<Handler>;
  /** Where the time of each job's last run is kept; none: nothing is caught up at start. */
  dataDir?: string;
  onRun?: (job: string, outcome: { ok: true; result: unknown } | { ok: false; error: Error }) => void;
  onSkip?: (job: string, reason: string) => void;
  now?: () => Date;
}

export interface Scheduler {
  stop(): Promise<void>;
}

const lastRunsFileName = 'schedules.json';

export function startScheduler(options: SchedulerOptions): Scheduler {
  const now = options.now ?? (() => new Date());
  const lastRunsFile = options.dataDir ? join(options.dataDir, lastRunsFileName) : undefined;
  const lastRuns: Record<string, string> =
    lastRunsFile && existsSync(lastRunsFile) ? (JSON.parse(readFileSync(lastRunsFile, 'utf8')) as Record<string, string>) : {};
  const saveLastRuns = () => {
    if (!lastRunsFile) return;
    writeFileSync(`${lastRunsFile}.next`, JSON.stringify(lastRuns, null, 2));
    renameSync(`${lastRunsFile}.next`, lastRunsFile);
  };
  const timers = new Set<NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const run = (job: ScheduledJob) => {
    if (running.has(job.job)) {
      options.onSkip?.(job.job, 'the previous run is still going');
      return;
    }
    lastRuns[job.job] = now().toISOString();
    saveLastRuns();
    const done = (async () => {
      try {
        const handler = await options.loadHandler(job.name);
        const result = await handler({ job: job.job }, lambdaContext(job.name));
        options.onRun?.(job.job, { ok: true, result });
      } catch (error) {
        options.onRun?.(job.job, { ok: false, error: error as Error });
      }
    })().finally(() => running.delete(job.job));
    running.set(job.job, done);
  };

  const arm = (job: ScheduledJob, schedule: Schedule, from: Date) => {
    if (stopped) return;
    const next = schedule.nextAfter(from);
    if (!next) return;
    // setTimeout holds at most about 24.8 days: longer waits re-arm on the way.
    const wait = Math.min(Math.max(0, next.getTime() - now().getTime()), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (now() >= next) {
        run(job);
        arm(job, schedule, schedule.periodMs ? now() : new Date(next.getTime() + 1));
      } else {
        arm(job, schedule, from);
      }
    }, wait);
    timers.add(timer);
  };

  for (const job of scheduledJobs()) {
    const schedule = parseSchedule(job.expression);
    const start = now();
    const last = lastRuns[job.job] ? new Date(lastRuns[job.job]!) : undefined;
    const missed = schedule.periodMs
      ? !last || start.getTime() - last.getTime() >= schedule.periodMs
      : Boolean(last && (schedule.previousBefore(start) ?? new Date(0)) > last);
    if (lastRunsFile && missed) run(job);
    arm(job, schedule, schedule.periodMs && last && !missed ? last : start);
  }

  return {
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running.values()]);
    },
  };
}
