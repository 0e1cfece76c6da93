// Business metrics: CloudWatch embedded metric format (EMF) lines through Powertools metrics, one
// per event as it happens (a single metric, so nothing waits for a flush and concurrent
// invocations in one process never mix their dimensions). The names and their dimension are
// declared here only: dashboards and alarms read them from here.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The CloudWatch namespace of every business metric. */
export const metricsNamespace = 'Tuodi';
/** The service dimension, as the logger's (the stack sets POWERTOOLS_SERVICE_NAME; locally "tuodi", not Powertools' service_undefined). */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'tuodi';

/** Each business metric (a count) and the one dimension it is broken down by. */
export const businessMetrics = {
  /** Payments a chunk worker moved from PLANNED to RECORDED (a redelivered chunk adds none). By payout program. */
  PaymentsRecorded: 'program',
  /** Hospital notices decided: GUARANTEED or NOT_ELIGIBLE (admissions), SETTLED or REJECTED (discharges), APPLIED (reversals). By outcome. */
  NoticesDecided: 'outcome',
  /** Registry import lines rejected (each in the import's rejections CSV). By the line's first reason code (shared/domain/reasons.ts). */
  ImportLinesRejected: 'reason',
  /** Work a sweeper found stalled and sent again (imports, assessments, plans, chunks, files, reports, notices...). By kind of work. */
  SweepRedrives: 'work',
} as const;

export type BusinessMetric = keyof typeof businessMetrics;

/** Counts `value` events of `metric` under its dimension's `dimensionValue`; nothing for 0. */
export function countBusinessEvent(metric: BusinessMetric, dimensionValue: string, value = 1): void {
  if (value <= 0) return;
  const single = new Metrics({ namespace: metricsNamespace, serviceName }).singleMetric();
  single.addDimension(businessMetrics[metric], dimensionValue);
  single.addMetric(metric, MetricUnit.Count, value);
}

/** A sweep's result as SweepRedrives, one count per kind of work it re-drove; gives the result back. */
export function countRedrives<R extends { [K in keyof R]: number }>(result: R): R {
  for (const [work, count] of Object.entries(result) as Array<[string, number]>) countBusinessEvent('SweepRedrives', work, count);
  return result;
}
