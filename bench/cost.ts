// What Tuodi costs on AWS: per 100,000 payouts, and per month for a county bureau, from the
// topology (functions' memory, queues, tables, alarms the stack builds) and list prices.
// `npm run cost` prints both. Request counts follow the code path of a payout batch; durations
// are estimates (stated below) until measured on a deployment.
import { join } from 'node:path';
import { functions, queues, tables, type FunctionName } from '../shared/topology.ts';
import { paymentsPerChunk } from '../shared/domain/payouts/batch.ts';
import { readHospitals, projectRoot } from '../infra/stack.ts';
import { businessMetrics, type BusinessMetric } from '../shared/observability/metrics.ts';
import { payoutPrograms } from '../shared/domain/payouts/batch.ts';
import type { NoticeStatus } from '../shared/domain/hospital-notices.ts';
import { detailCodeText, lineReasons } from '../shared/domain/reasons.ts';
import type { SweepResult } from '../shared/usecases/recovery.ts';

/**
 * List prices, USD, us-east-1, as read on 2026-11-29 from the AWS pricing pages
 * (aws.amazon.com/<service>/pricing). DynamoDB on-demand after the 2024-11-01 reduction;
 * Cognito machine-to-machine pricing since 2024-05-09. China regions are billed in CNY by
 * Sinnet/NWCD (amazonaws.cn/<service>/pricing) and are not in this table.
 */
export const prices = {
  dynamodbWriteRequestUnit: 0.625 / 1e6,
  dynamodbReadRequestUnit: 0.125 / 1e6,
  dynamodbStorageGbMonth: 0.25,
  dynamodbPitrGbMonth: 0.2,
  backupWarmGbMonth: 0.1,
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  s3StandardGbMonth: 0.023,
  s3Put: 0.005 / 1000,
  httpApiRequest: 1.0 / 1e6,
  cloudwatchAlarmMetric: 0.1,
  cloudwatchDashboard: 3.0,
  cloudwatchCustomMetric: 0.3,
  cloudwatchLogsIngestGb: 0.5,
  cognitoM2mAppClientMonth: 6.0,
  cognitoM2mTokenRequest: 2.25 / 1000,
} as const;

const kib = 1024;
/** Item sizes as the code writes them (a payment with names and bank account; a registry record with history). */
const itemBytes = { payment: 450, claim: 150, recipient: 700 } as const;
const wru = (bytes: number) => Math.ceil(bytes / kib);
/** Strongly consistent reads: one unit per 4 KiB read, summed over the items a query returns. */
const rruStrong = (items: number, bytes: number) => Math.ceil((items * bytes) / (4 * kib));

const memoryGb = (name: FunctionName) => functions[name].memoryMiB / 1024;

/**
 * Estimated busy seconds per 100,000 payments, per function (to be replaced by measurements):
 * planning runs 4,000 two-item transactions 8 at a time (~25 ms each); a chunk of 500 is one
 * query and 20 batch writes (~1 s); the bank files stream the payments twice; applying a bank
 * report updates each payment (~10 ms, 16 in flight).
 */
const secondsPer100k: Partial<Record<FunctionName, number>> = {
  planPayoutBatch: 30,
  payPayoutChunks: (100_000 / paymentsPerChunk) * 1,
  writeBankFiles: 20,
  applyBankResults: 65,
};

export function costPer100kPayouts() {
  const n = 100_000;
  const chunks = Math.ceil(n / paymentsPerChunk);
  // Planning: a segmented scan of the registry (eventually consistent, half a unit per 4 KiB),
  // then a claim and a payment per payee in transactions (two units per item).
  const planReads = Math.ceil(rruStrong(n, itemBytes.recipient) / 2);
  const planWrites = n * 2 * (wru(itemBytes.claim) + wru(itemBytes.payment));
  // Paying: each chunk queries its payments and writes them RECORDED; a progress entry per chunk.
  // Every chunk also reads the finished-chunk entries (about 100 bytes each) to see whether it was the last.
  const payReads = rruStrong(n, itemBytes.payment) + chunks * rruStrong(chunks, 100);
  const payWrites = n * wru(itemBytes.payment) + chunks;
  // Bank files: both files stream every payment (two strongly consistent passes).
  const fileReads = 2 * rruStrong(n, itemBytes.payment);
  // Bank report: each payment SETTLED (one update), then one count of the batch's statuses.
  const reportWrites = n * wru(itemBytes.payment);
  const reportReads = rruStrong(n, itemBytes.payment);

  const writeUnits = planWrites + payWrites + reportWrites;
  const readUnits = planReads + payReads + fileReads + reportReads;
  const gbSeconds = Object.entries(secondsPer100k).reduce(
    (sum, [name, seconds]) => sum + seconds! * memoryGb(name as FunctionName),
    0,
  );
  const invocations = 1 + 1 + chunks + 1 + 1; // plan, dispatch, chunks, files, report
  // Each message: send, receive, delete.
  const sqsRequests = invocations * 3;
  const lines = {
    'DynamoDB writes': writeUnits * prices.dynamodbWriteRequestUnit,
    'DynamoDB reads': readUnits * prices.dynamodbReadRequestUnit,
    'Lambda compute': gbSeconds * prices.lambdaArmGbSecond + invocations * prices.lambdaRequest,
    SQS: sqsRequests * prices.sqsRequest,
    'S3 bank files (2 puts)': 2 * prices.s3Put,
  };
  return { lines, total: sum(lines), units: { writeUnits, readUnits, gbSeconds, invocations } };
}

/** A county bureau's month (Yizheng scale: about 10,000 people on the registry). */
export const countyMonth = {
  payouts: 20_000, // the monthly benefit batch and one subsidy batch
  hospitalNotices: 1_000,
  apiRequests: 200_000, // about 100 staff and the hospitals' systems
  staffActiveUsers: 100,
  /** Tokens the hospitals' systems ask for: reused for their hour, 12 busy hours a day. */
  hospitalTokensReused: 12 * 30,
  /** One token per call instead. */
  hospitalTokensPerCall: 4,
  storedGb: 2, // registry with history, applications, payments, notices
  logsGb: 1,
  /** Lambda's pollers keep long-polling each queue: about 5 pollers x 3 receives a minute. */
  sqsEmptyReceivesPerQueue: 5 * 3 * 60 * 24 * 30,
};

/** Alarms, metrics and dashboards the stack builds from the topology (see infra/stack.ts). */
export function monitoringUnits() {
  const fns = Object.keys(functions).length;
  const qs = Object.keys(queues).length;
  const ts = Object.keys(tables).length;
  // Errors + throttles per function; DLQ depth + oldest age per queue; the scheduled-jobs DLQ;
  // logged errors; API 5xx; per table one alarm on two metrics (reads + writes throttled).
  const alarmMetrics = 2 * fns + 2 * qs + 1 + 1 + 1 + 2 * ts;
  const business = businessMetricSeries();
  const customMetrics = logFilterMetrics + Object.values(business).reduce((a, b) => a + b, 0);
  return { alarmMetrics, customMetrics, business, dashboards: 1 };
}

/**
 * Custom metrics infra/stack.ts makes from log lines with metric filters: ErrorsLogged; the import
 * flow count (RecipientImports); BatchesPlanned, BankFilesWritten and BankReportsApplied by about
 * three outcomes each. Notices decided are counted by the EMF business metric alone.
 */
const logFilterMetrics = 1 + 1 + 3 * 3;

/** Every value a business metric's dimension can take, per metric (a new metric fails to compile here until it is counted). */
const businessDimensionValues = {
  PaymentsRecorded: payoutPrograms,
  NoticesDecided: Object.keys({ GUARANTEED: 1, NOT_ELIGIBLE: 1, SETTLED: 1, REJECTED: 1, APPLIED: 1 } satisfies Record<Exclude<NoticeStatus, 'RECEIVED' | 'REVERSED'>, 1>),
  // At most: a rejected line's first detail code is a line reason or a field check's code.
  ImportLinesRejected: [...Object.keys(lineReasons), ...Object.keys(detailCodeText)],
  SweepRedrives: Object.keys({
    imports: 1, applications: 1, plans: 1, chunks: 1, bankFiles: 1, bankReports: 1, retriesFinished: 1, claimReleases: 1,
    hospitalNotices: 1, // the notice requeue job
  } satisfies Record<keyof SweepResult | 'hospitalNotices', 1>),
} satisfies Record<BusinessMetric, readonly string[]>;

/**
 * The EMF business metrics (shared/observability/metrics.ts) as CloudWatch bills them: one custom metric
 * per name and dimension value (the service dimension is one value, the stack's). Only series that
 * were published in a month are billed, so this is the most a month can cost.
 */
export function businessMetricSeries(): Record<BusinessMetric, number> {
  return Object.fromEntries(
    (Object.keys(businessMetrics) as BusinessMetric[]).map((metric) => [metric, businessDimensionValues[metric].length]),
  ) as Record<BusinessMetric, number>;
}

export function costPerMonth(identity: 'cognito' | 'oidc', tokens: 'reused' | 'perCall') {
  const perPayout = costPer100kPayouts().total / 100_000;
  const { alarmMetrics, customMetrics } = monitoringUnits();
  const hospitals = readHospitals(join(projectRoot, 'data/hospitals.json')).length;
  const tokenRequests =
    tokens === 'reused'
      ? hospitals * countyMonth.hospitalTokensReused
      : countyMonth.hospitalNotices * countyMonth.hospitalTokensPerCall;
  const m = countyMonth;
  const lines: Record<string, number> = {
    [`payouts (${m.payouts.toLocaleString('en')})`]: m.payouts * perPayout,
    'API requests': m.apiRequests * prices.httpApiRequest,
    'API Lambda compute (0.1 s at 512 MiB each)': m.apiRequests * (0.1 * 0.5 * prices.lambdaArmGbSecond + prices.lambdaRequest),
    'DynamoDB storage, PITR and backups': m.storedGb * (prices.dynamodbStorageGbMonth + prices.dynamodbPitrGbMonth + prices.backupWarmGbMonth),
    'SQS (pollers on every queue)': Object.keys(queues).length * m.sqsEmptyReceivesPerQueue * prices.sqsRequest,
    [`CloudWatch alarms (${alarmMetrics} alarm metrics)`]: alarmMetrics * prices.cloudwatchAlarmMetric,
    [`CloudWatch custom metrics (${customMetrics}) and dashboard`]: customMetrics * prices.cloudwatchCustomMetric + prices.cloudwatchDashboard,
    'CloudWatch Logs': m.logsGb * prices.cloudwatchLogsIngestGb,
  };
  if (identity === 'cognito') {
    lines[`Cognito M2M (${hospitals} hospital clients, ${tokenRequests.toLocaleString('en')} tokens)`] =
      hospitals * prices.cognitoM2mAppClientMonth + tokenRequests * prices.cognitoM2mTokenRequest;
  }
  return { lines, total: sum(lines) };
}

function sum(lines: Record<string, number>): number {
  return Object.values(lines).reduce((a, b) => a + b, 0);
}

const usd = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;

function print(title: string, result: { lines: Record<string, number>; total: number }) {
  console.log(title);
  const width = Math.max(...Object.keys(result.lines).map((k) => k.length));
  for (const [line, value] of Object.entries(result.lines)) console.log(`  ${line.padEnd(width)}  ${usd(value).padStart(9)}`);
  console.log(`  ${'total'.padEnd(width)}  ${usd(result.total).padStart(9)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const per100k = costPer100kPayouts();
  print('Per 100,000 payouts (us-east-1 list prices, 2026-11-29)', per100k);
  const u = per100k.units;
  console.log(`  (${u.writeUnits.toLocaleString('en')} write units, ${u.readUnits.toLocaleString('en')} read units, ${u.gbSeconds.toFixed(0)} GB-s, ${u.invocations} invocations)`);
  const series = Object.entries(businessMetricSeries()).map(([metric, n]) => `${metric} ${n}`).join(', ');
  console.log(`Custom metrics: ${monitoringUnits().customMetrics} at most (${logFilterMetrics} from log filters; EMF business metrics by dimension value: ${series})`);
  print('Per month, county bureau, OIDC provider (Keycloak or the provincial platform; its own cost not included)', costPerMonth('oidc', 'reused'));
  print('Per month, county bureau, Cognito, hospitals reuse tokens for their hour', costPerMonth('cognito', 'reused'));
  print('Per month, county bureau, Cognito, hospitals ask for a token per call', costPerMonth('cognito', 'perCall'));
}
