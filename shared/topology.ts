// The one description of what exists: tables, queues, buckets and functions with their
// triggers and permissions. infra/ builds the CDK stack from it; local/ builds the local stack
// from it; test/infra checks the synthesized template against it. Plain data, no AWS imports.
import { consumerTimeoutSeconds } from './consumer-timeouts.ts';

// Plain names, not property reads, inside the functions table: esbuild keeps an object literal that
// reads a property (a getter could run), and with it the whole table in every bundle importing this module.
const {
  recipientImports: recipientImportsTimeoutSeconds,
  hospitalNotices: hospitalNoticesTimeoutSeconds,
  applicationAssessments: applicationAssessmentsTimeoutSeconds,
  payoutPlans: payoutPlansTimeoutSeconds,
  payoutChunks: payoutChunksTimeoutSeconds,
  payoutFiles: payoutFilesTimeoutSeconds,
  bankResults: bankResultsTimeoutSeconds,
} = consumerTimeoutSeconds;

export const roles = ['caseworker', 'reviewer', 'finance', 'hospital'] as const;
export type Role = (typeof roles)[number];

export type AttributeType = 'S' | 'N';

export interface TableSpec {
  /** Money tables: AWS Backup keeps daily and monthly copies beyond point-in-time recovery. */
  backup?: 'money';
  partitionKey: { name: string; type: AttributeType };
  sortKey?: { name: string; type: AttributeType };
  timeToLiveAttribute?: string;
  /** A DynamoDB stream of item changes (new and old images), read by a `stream` trigger. */
  stream?: 'NEW_AND_OLD_IMAGES';
  globalSecondaryIndexes?: Array<{
    indexName: string;
    partitionKey: { name: string; type: AttributeType };
    sortKey?: { name: string; type: AttributeType };
  }>;
}

export interface QueueSpec {
  /** Receives after which a message goes to the queue's dead-letter queue. */
  maxReceiveCount: number;
  /**
   * Alarm when the oldest message has waited this long (seconds): work is stuck or backed up.
   * @default the queue's visibility timeout
   */
  oldestMessageAlarmSeconds?: number;
}

export interface BucketSpec {
  purpose: string;
  /**
   * Key prefixes a function can be granted (see BucketAccess), each with why its object names
   * are made at run time: that is the reason IAM needs a wildcard under the prefix. `*` inside
   * a prefix matches one path segment's worth of characters (IAM's own wildcard).
   */
  keySpaces?: Record<string, string>;
  /** Object Lock: written objects cannot be overwritten or deleted until their retention ends. */
  objectLock?: {
    mode: 'GOVERNANCE';
    /** Default retention; a deployment may set its own (`bankFileRetentionDays`). */
    retentionDays: number;
  };
  /** Days after which an object's noncurrent (overwritten or deleted) versions expire. */
  noncurrentVersionDays?: number;
}

export const tables = {
  recipients: {
    backup: 'money',
    partitionKey: { name: 'idNumber', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
    globalSecondaryIndexes: [
      // Sparse: only a recipient whose periodic review is open carries `reviewQueue` ('OPEN') and
      // `reviewQueueKey` (township#openedOn), so the reviews-due list reads just those, by
      // township (a key prefix) and oldest first. One partition: a county's open reviews.
      {
        indexName: 'openReviews',
        partitionKey: { name: 'reviewQueue', type: 'S' },
        sortKey: { name: 'reviewQueueKey', type: 'S' },
      },
    ],
  },
  recipientImports: {
    partitionKey: { name: 'importId', type: 'S' },
  },
  hospitals: {
    partitionKey: { name: 'hospitalId', type: 'S' },
  },
  idempotency: {
    partitionKey: { name: 'id', type: 'S' },
    timeToLiveAttribute: 'expiration',
  },
  hospitalNotices: {
    partitionKey: { name: 'id', type: 'S' },
    // Also holds one open-stay item per person (`stay_…`) and per-hospital rate counters
    // (`rate_…`, which expire).
    timeToLiveAttribute: 'expiration',
    stream: 'NEW_AND_OLD_IMAGES',
    globalSecondaryIndexes: [
      // Sparse: only undecided notices carry `pending`, so the requeue job reads just those.
      {
        indexName: 'pendingByReceivedAt',
        partitionKey: { name: 'pending', type: 'S' },
        sortKey: { name: 'receivedAt', type: 'S' },
      },
      // A hospital's notices by China-time month: the daily list and the monthly reimbursement.
      {
        indexName: 'byHospitalMonth',
        partitionKey: { name: 'hospitalMonth', type: 'S' },
        sortKey: { name: 'receivedAt', type: 'S' },
      },
    ],
  },
  medicalAssistanceUsage: {
    backup: 'money',
    partitionKey: { name: 'personYear', type: 'S' },
  },
  /** Relief applications, each with its documents, assessment, decision and history. */
  applications: {
    partitionKey: { name: 'id', type: 'S' },
    // Lists by status (the review queue, notices ending) and by township, oldest first.
    globalSecondaryIndexes: [
      {
        indexName: 'applicationsByStatus',
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
      {
        indexName: 'applicationsByTownship',
        partitionKey: { name: 'township', type: 'S' },
        sortKey: { name: 'createdAt', type: 'S' },
      },
    ],
  },
  /** One-off grants awaiting payment, written when a one-off application is GRANTED. */
  grants: {
    backup: 'money',
    partitionKey: { name: 'grantId', type: 'S' },
    globalSecondaryIndexes: [
      {
        indexName: 'grantsByStatus',
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'grantedAt', type: 'S' },
      },
    ],
  },
  payoutBatches: {
    backup: 'money',
    partitionKey: { name: 'batchId', type: 'S' },
    // GET /payout-batches: every batch under one constant key (`listed`), newest period first. A
    // bureau makes tens of batches a year and writes a batch item a handful of times, so one
    // partition is never hot; by status for the filtered queue (PENDING_APPROVAL is the checkers' inbox).
    globalSecondaryIndexes: [
      {
        indexName: 'batchesListed',
        partitionKey: { name: 'listed', type: 'S' },
        sortKey: { name: 'periodCreated', type: 'S' },
      },
      {
        indexName: 'batchesByStatus',
        partitionKey: { name: 'status', type: 'S' },
        sortKey: { name: 'periodCreated', type: 'S' },
      },
    ],
  },
  /** One item per (program, period, recipient): the data model's guarantee of paying once. */
  payoutClaims: {
    backup: 'money',
    partitionKey: { name: 'claimKey', type: 'S' },
  },
  payments: {
    backup: 'money',
    // `batchId#shard` (domain/payouts/batch.ts paymentKey): a large batch spreads its writes over up
    // to 40 partition keys instead of one key's 1,000 write units/s; a small batch has shard 0 only.
    partitionKey: { name: 'batchShard', type: 'S' },
    sortKey: { name: 'endToEndId', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
    // Sparse: only a returned payment carries `returnedAt`, so a batch's returns are read without
    // its other (up to 100,000) payments, and planning and paying write nothing to the index.
    globalSecondaryIndexes: [
      {
        indexName: 'returnsByBatch',
        partitionKey: { name: 'batchId', type: 'S' },
        sortKey: { name: 'returnedAt', type: 'S' },
      },
    ],
  },
  /** Per batch: one item per finished chunk and per applied bank report (progress, derived). */
  payoutProgress: {
    backup: 'money',
    partitionKey: { name: 'batchId', type: 'S' },
    sortKey: { name: 'entry', type: 'S' },
  },
  /**
   * 统计: sharded counters (pk family, sk time#dimension#shard), one ledger entry per source
   * record saying what it last contributed (pk the entry id, sk 'entry'), and filed reports.
   * Written only by the figure maintainers (stream consumers) and by filings.
   */
  figures: {
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
  },
} as const satisfies Record<string, TableSpec>;

// Oldest-message alarms: how long a message may honestly wait before someone should look.
export const queues = {
  // An import of 100,000 lines takes minutes; 15 minutes is one stuck or failing attempt.
  recipientImports: { maxReceiveCount: 3, oldestMessageAlarmSeconds: 15 * 60 },
  // A hospital waits on the decision at the bedside (the requeue job runs every 5 minutes).
  hospitalNotices: { maxReceiveCount: 5, oldestMessageAlarmSeconds: 10 * 60 },
  applicationAssessments: { maxReceiveCount: 5, oldestMessageAlarmSeconds: 15 * 60 },
  // Planning 100,000 payments takes a few minutes; over 30 the maker is left waiting.
  payoutPlans: { maxReceiveCount: 3, oldestMessageAlarmSeconds: 30 * 60 },
  payoutChunks: { maxReceiveCount: 5, oldestMessageAlarmSeconds: 15 * 60 },
  payoutFiles: { maxReceiveCount: 3, oldestMessageAlarmSeconds: 30 * 60 },
  bankResults: { maxReceiveCount: 3, oldestMessageAlarmSeconds: 30 * 60 },
} as const satisfies Record<string, QueueSpec>;

export const buckets = {
  documents: {
    purpose: 'application documents and uploaded registry CSV files',
    keySpaces: {
      'registry-imports/': 'one uploaded registry CSV per import, named by the import id made when it arrives, and beside it the CSV of its rejected lines (<importId>.rejections.csv)',
      'applications/': 'one object per uploaded document, named by application id and a document id made when it is added',
    },
    noncurrentVersionDays: 90,
  },
  exports: {
    purpose: 'public-notice documents and the bank status reports finance uploads',
    keySpaces: {
      'public-notices/': 'one notice per approval, named by application id, date and a random suffix',
      'payouts/*/bank-results/': 'one status report per upload, named by batch id and a report id made when it arrives',
    },
    noncurrentVersionDays: 90,
  },
  /** Bank payment files: locked once written, so no one can change what the bank was sent. */
  bankFiles: {
    purpose: 'bank payment files (CSV and pain.001), one pair per payout batch',
    keySpaces: {
      'payouts/': 'one pair of bank files per payout batch, named by the batch id',
    },
    // 会计档案管理办法 (2015) keeps bank statements and reconciliations 10 years; a deployment
    // whose archivist files the bank files as vouchers (30 years) sets its own retention.
    objectLock: { mode: 'GOVERNANCE', retentionDays: 3650 },
  },
} as const satisfies Record<string, BucketSpec>;

/**
 * Secrets a function may read. Each is an SSM SecureString created once per deployment, before the
 * first deploy (`aws ssm put-parameter --type SecureString --name NAME --value "$(openssl rand -hex 32)"`),
 * and never rotated. Locally the key lives in the data folder (see local/secrets.ts).
 */
export interface SecretSpec {
  parameterName: string;
  purpose: string;
}

export const secrets = {
  /** Keys the HMAC that makes a person's recipientId (shared/domain/recipient-id.ts): rotating it renames everyone. */
  recipientIdKey: { parameterName: '/tuodi/recipient-id-key', purpose: 'HMAC key of recipientId (hex, 32 bytes)' },
  /** Seals list pagination tokens (AES-256-GCM): rotating it only invalidates tokens in flight. */
  paginationTokenKey: { parameterName: '/tuodi/pagination-token-key', purpose: 'AES-256-GCM key of nextToken (hex, 32 bytes)' },
} as const satisfies Record<string, SecretSpec>;

export type TableName = keyof typeof tables;
export type SecretName = keyof typeof secrets;
export type StreamTableName = {
  [K in TableName]: (typeof tables)[K] extends { stream: string } ? K : never;
}[TableName];
export type QueueName = keyof typeof queues;
export type BucketName = keyof typeof buckets;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Requests per second API Gateway lets through for one route (all callers together). */
export interface RouteThrottle {
  ratePerSecond: number;
  burst: number;
}

/** Bounds used where an entry names none: the conservative end, so a new entry starts small. */
export const defaultBounds = {
  /** Lambda's smallest allowed maximum concurrency for an SQS event source mapping. */
  queueMaxConcurrency: 2,
  route: { ratePerSecond: 10, burst: 20 },
} as const;

export type Trigger =
  | {
      type: 'http';
      method: HttpMethod;
      /** API Gateway route path, e.g. /recipients/imports/{importId} */
      path: string;
      /** false: no token needed (only /health and /openapi.json). */
      authenticated: boolean;
      /** @default defaultBounds.route */
      throttle?: RouteThrottle;
    }
  | {
      type: 'queue';
      queue: QueueName;
      batchSize: number;
      /** Most concurrent invocations the event source mapping starts (2-1000). @default defaultBounds.queueMaxConcurrency */
      maxConcurrency?: number;
    }
  | { type: 'schedule'; job: string; /** EventBridge schedule expression */ schedule: string }
  /** A table's DynamoDB stream, read from the oldest record, as Lambda's event source mapping reads it. */
  | {
      type: 'stream';
      table: StreamTableName;
      /** Records a batch at most (Lambda: 1–10,000). */
      batchSize: number;
      /** Batches of one stream shard handled at once, order kept per item (Lambda: 1–10; default 1). */
      parallelizationFactor?: number;
    };

/**
 * DynamoDB calls a function's code makes on a table's items (a transaction needs the call per
 * action; its ConditionCheck items need 'conditionCheck', IAM's ConditionCheckItem).
 */
export type TableOperation = 'get' | 'batchGet' | 'query' | 'scan' | 'put' | 'update' | 'delete' | 'batchWrite' | 'conditionCheck';

/** What the code does, no more: each operation becomes its IAM action on the table alone. */
export interface TableAccess {
  operations: readonly TableOperation[];
  /** Indexes the code queries, by name (each granted Query on that index only). */
  queryIndexes?: readonly string[];
}

/** S3 calls on objects under one key space of the bucket (see BucketSpec.keySpaces). */
export type ObjectOperation = 'get' | 'put' | 'delete' | 'abortMultipartUpload';

export interface BucketAccess {
  prefix: string;
  /** A presigned URL acts with its signer's permission: presigning a download needs 'get'. */
  operations: readonly ObjectOperation[];
}

export interface Access {
  /** 'read'/'readwrite' (every read or write action, every index) are kept for older entries: prefer TableAccess. */
  tables?: Partial<Record<TableName, 'read' | 'readwrite' | TableAccess>>;
  queues?: Partial<Record<QueueName, 'send'>>;
  /** Whole-bucket 'read'/'readwrite' fail cdk-nag: name the key spaces instead. */
  buckets?: Partial<Record<BucketName, 'read' | 'readwrite' | readonly BucketAccess[]>>;
  secrets?: Partial<Record<SecretName, 'read'>>;
}

export interface FunctionSpec {
  /** Path of the handler module from the project root; it exports `handler`. */
  entry: string;
  trigger: Trigger;
  timeoutSeconds: number;
  memoryMiB: number;
  access: Access;
  /**
   * Bundle KiB allowed above its SDK floor's budget (infra/bundling.ts) for a library only this function
   * needs; for a function granted no SDK client (no floor), its whole budget.
   */
  bundleAllowance?: { kib: number; reason: string };
}

/**
 * What a route's method grants by itself, declared once (infra/ and local/ read it through
 * shared/grants.ts `accessOf`). A POST takes an Idempotency-Key (shared/http/idempotency.ts): Powertools
 * idempotency reads, conditionally puts and updates its record, and deletes it when the call fails.
 */
export const routeMethodAccess: Partial<Record<HttpMethod, Access>> = {
  POST: { tables: { idempotency: { operations: ['get', 'put', 'update', 'delete'] } } },
};

/**
 * A figures maintainer reads the ledger entries a change touches (one consistent BatchGetItem),
 * writes entries and counter deltas in one transaction of puts and updates, and notes the
 * registry's first recorded day (an update).
 */
const figureMaintainerAccess = { operations: ['batchGet', 'put', 'update'] } as const satisfies TableAccess;

/** A reviewer's change to one registry record (status, payee): a conditional update, and a read to say why it was refused. */
const recipientChangeAccess = { operations: ['get', 'update'] } as const satisfies TableAccess;

// Bounds. Queues: the most concurrent workers each event source mapping starts, so background
// work cannot take the account's Lambda concurrency (1,000 by default) from the API, nor push
// one DynamoDB partition past its ~1,000 writes/s. Routes: per-route limits (all callers of the
// route together; HTTP APIs have no per-client limit), sized from the bureau's people and the
// hospitals' systems, so one busy caller cannot use the whole stage.
export const functions = {
  health: {
    entry: 'functions/health/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/health', authenticated: false, throttle: { ratePerSecond: 5, burst: 10 } }, // uptime probes, a few a minute
    timeoutSeconds: 3,
    memoryMiB: 256,
    access: {},
    bundleAllowance: { kib: 60, reason: 'the HTTP edge (middy, the Powertools logger, zod/mini for the error envelope)' },
  },
  createRecipientImport: {
    entry: 'functions/create-recipient-import/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/imports', authenticated: true, throttle: { ratePerSecond: 1, burst: 5 } }, // a registry import is a rare reviewer action with a body up to 5 MiB
    timeoutSeconds: 15,
    memoryMiB: 512,
    access: {
      // recipients batchGet: a dry run tells which lines are already in the registry
      tables: { recipientImports: { operations: ['put', 'update'] }, recipients: { operations: ['batchGet'] } },
      buckets: { documents: [{ prefix: 'registry-imports/', operations: ['put'] }] },
      queues: { recipientImports: 'send' },
    },
  },
  getRecipientImport: {
    entry: 'functions/get-recipient-import/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/recipients/imports/{importId}', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    // documents get: signs the download URL of the full rejections CSV
    access: { tables: { recipientImports: { operations: ['get'] } }, buckets: { documents: [{ prefix: 'registry-imports/', operations: ['get'] }] } },
  },
  searchRecipients: {
    entry: 'functions/search-recipients/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/recipients', authenticated: true, throttle: { ratePerSecond: 20, burst: 40 } }, // about 100 caseworkers and reviewers looking people up
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: { operations: ['get'] } } },
  },
  listReviewsDue: {
    entry: 'functions/list-reviews-due/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/recipients/reviews-due', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: { operations: [], queryIndexes: ['openReviews'] } }, secrets: { paginationTokenKey: 'read' } },
  },
  listHospitals: {
    entry: 'functions/list-hospitals/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/hospitals', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { hospitals: { operations: ['scan'] } } },
  },
  importRecipients: {
    entry: 'functions/import-recipients/handler.ts',
    trigger: { type: 'queue', queue: 'recipientImports', batchSize: 1, maxConcurrency: 2 /* an import writes the registry at full speed; two at once is already unusual */ },
    timeoutSeconds: recipientImportsTimeoutSeconds,
    memoryMiB: 1024,
    access: {
      // recipients: batchGet who holds each line's person, put creates only absent records (conditional);
      // recipientImports: get, and update for the lease, the outcome and a dead-lettered import's failure.
      tables: { recipients: { operations: ['batchGet', 'put'] }, recipientImports: { operations: ['get', 'update'] } },
      // put: writes every rejected line as a CSV beside the import file
      buckets: { documents: [{ prefix: 'registry-imports/', operations: ['get', 'put'] }] },
      secrets: { recipientIdKey: 'read' },
    },
  },
  getOpenApi: {
    entry: 'functions/get-openapi/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/openapi.json', authenticated: false, throttle: { ratePerSecond: 2, burst: 5 } },
    timeoutSeconds: 3,
    memoryMiB: 256,
    access: {},
    bundleAllowance: { kib: 185, reason: 'the HTTP edge and the OpenAPI document itself' },
  },
  postHospitalNotice: {
    entry: 'functions/post-hospital-notice/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/hospital-notices', authenticated: true, throttle: { ratePerSecond: 50, burst: 100 } }, // the notices benchmark's 50/s is a county's designated hospitals at their busiest, twice over in a burst
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      // `Prefer: wait` decides the notice in the request, as the worker would.
      tables: {
        hospitalNotices: { operations: ['get', 'put', 'update', 'delete'] /* the one-open-stay item is claimed and released */ },
        hospitals: { operations: ['get'] /* the caller's designated hospital */ },
        recipients: { operations: ['get'] /* the patient's registry record */ },
        // As decideHospitalNotices: the year's usage read, then moved inside the settlement or reversal transaction.
        medicalAssistanceUsage: { operations: ['get', 'update'] },
      },
      queues: { hospitalNotices: 'send' },
    },
  },
  listHospitalNotices: {
    entry: 'functions/list-hospital-notices/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/hospital-notices', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: {
      tables: { hospitalNotices: { operations: [], queryIndexes: ['byHospitalMonth'] }, hospitals: { operations: ['get'] } },
      secrets: { paginationTokenKey: 'read' },
    },
  },
  postPreSettlement: {
    entry: 'functions/post-pre-settlement/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/hospital-notices/pre-settlements', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: {
      tables: {
        // The admission and discharge read; the hospital's per-minute allowance is one counter item
        // (an update). An admission still undecided is answered "try again", never decided here.
        hospitalNotices: { operations: ['get', 'update'] },
        hospitals: { operations: ['get'] },
        medicalAssistanceUsage: { operations: ['get'] /* the patient's year so far */ },
      },
    },
  },
  getWatchList: {
    entry: 'functions/get-watch-list/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/medical-assistance/watch-list', authenticated: true },
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: { tables: { medicalAssistanceUsage: { operations: ['scan'] }, recipients: { operations: ['batchGet'] } } },
  },
  getHospitalNotice: {
    entry: 'functions/get-hospital-notice/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/hospital-notices/{id}', authenticated: true, throttle: { ratePerSecond: 50, burst: 100 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { hospitalNotices: { operations: ['get'] }, hospitals: { operations: ['get'] } } },
  },
  decideHospitalNotices: {
    entry: 'functions/decide-hospital-notices/handler.ts',
    trigger: { type: 'queue', queue: 'hospitalNotices', batchSize: 10, maxConcurrency: 10 /* 50 notices/s in batches of 10 at ~0.2 s each needs ~1-2 workers; 10 absorbs a backlog */ },
    timeoutSeconds: hospitalNoticesTimeoutSeconds,
    memoryMiB: 512,
    access: {
      tables: { hospitalNotices: { operations: ['get', 'batchGet' /* a batch's notices read together */, 'put', 'update', 'delete'] /* the one-open-stay item is claimed and released */ }, recipients: { operations: ['get', 'batchGet'] }, medicalAssistanceUsage: { operations: ['get', 'batchGet', 'update'] } },
    },
  },
  requeuePendingNotices: {
    entry: 'functions/requeue-pending-notices/handler.ts',
    trigger: { type: 'schedule', job: 'requeue-pending-notices', schedule: 'rate(5 minutes)' },
    timeoutSeconds: payoutChunksTimeoutSeconds,
    memoryMiB: 256,
    access: { tables: { hospitalNotices: { operations: [], queryIndexes: ['pendingByReceivedAt'] } }, queues: { hospitalNotices: 'send' } },
  },
  createPayoutBatch: {
    entry: 'functions/create-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches', authenticated: true, throttle: { ratePerSecond: 2, burst: 5 } }, // finance makes a few batches a month
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      tables: { payoutBatches: { operations: ['put', 'update'] } },
      queues: { payoutPlans: 'send' },
    },
  },
  approvePayoutBatch: {
    entry: 'functions/approve-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/approve', authenticated: true, throttle: { ratePerSecond: 2, burst: 5 } },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      tables: { payoutBatches: { operations: ['get', 'update'] } },
      queues: { payoutChunks: 'send' },
    },
  },
  getPayoutBatch: {
    entry: 'functions/get-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/payout-batches/{id}', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      tables: { payoutBatches: { operations: ['get'] }, payoutProgress: { operations: ['query'] } },
      // Presigns the bank files' download URLs.
      buckets: { bankFiles: [{ prefix: 'payouts/', operations: ['get'] }] },
    },
  },
  listPayoutBatches: {
    entry: 'functions/list-payout-batches/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/payout-batches', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: { tables: { payoutBatches: { operations: [], queryIndexes: ['batchesListed', 'batchesByStatus'] } }, secrets: { paginationTokenKey: 'read' } },
  },
  listPayments: {
    entry: 'functions/list-payments/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/payout-batches/{id}/payments', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 512,
    // status=RETURNED: the returns by the sparse index, and each return's claim (released: ready; or taken by a later batch).
    access: {
      tables: { payoutBatches: { operations: ['get'] }, payments: { operations: ['query'], queryIndexes: ['returnsByBatch'] }, payoutClaims: { operations: ['batchGet'] } },
      secrets: { paginationTokenKey: 'read' },
    },
  },
  postBankResults: {
    entry: 'functions/post-bank-results/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/bank-results', authenticated: true, throttle: { ratePerSecond: 2, burst: 5 } },
    timeoutSeconds: 15,
    memoryMiB: 1024,
    access: {
      tables: { payoutBatches: { operations: ['get'] }, payoutProgress: { operations: ['put'] } },
      buckets: { exports: [{ prefix: 'payouts/*/bank-results/', operations: ['put'] }] },
      queues: { bankResults: 'send' },
    },
  },
  getBankResults: {
    entry: 'functions/get-bank-results/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/payout-batches/{id}/bank-results/{reportId}', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { payoutProgress: { operations: ['get'] } } },
  },
  planPayoutBatch: {
    entry: 'functions/plan-payout-batch/handler.ts',
    // A plan message fans out into one message per segment (~5,000 people); 10 segments at once, each with 4 transactions of 25 pairs in flight, fill a pre-warmed table's partitions (README, 1,000,000 recipients).
    trigger: { type: 'queue', queue: 'payoutPlans', batchSize: 1, maxConcurrency: 10 },
    timeoutSeconds: payoutPlansTimeoutSeconds,
    memoryMiB: 2048,
    access: {
      tables: {
        // Reads the batch; moves it PLANNING → PENDING_APPROVAL or FAILED (also on the last receive).
        payoutBatches: { operations: ['get', 'update'] },
        // Claims and payments are created in one transaction per group (conditional puts).
        payoutClaims: { operations: ['put'] },
        payments: { operations: ['put', 'query'] },
        // Segment items created, leased (update), read and queried; the lease's fence is a transaction's ConditionCheck.
        payoutProgress: { operations: ['get', 'put', 'update', 'query', 'conditionCheck'] },
        // The ACTIVE recipients of the categories, by parallel scan segments.
        recipients: { operations: ['scan'] },
        grants: { operations: [], queryIndexes: ['grantsByStatus'] },
        // HOSPITAL_REIMBURSEMENT: each hospital's month of notices, and its bank account.
        hospitals: { operations: ['scan'] },
        hospitalNotices: { operations: [], queryIndexes: ['byHospitalMonth'] },
      },
      // A planner near its Lambda deadline hands the rest over in a new plan message.
      queues: { payoutPlans: 'send' },
    },
  },
  payPayoutChunks: {
    entry: 'functions/pay-payout-chunks/handler.ts',
    trigger: { type: 'queue', queue: 'payoutChunks', batchSize: 1, maxConcurrency: 10 /* a large batch's payments spread over its write shards (up to 40 keys × 1,000 writes/s); 10 workers of 500-payment chunks fill a warm table's 40,000/s, 200 would only throttle and starve the API */ },
    timeoutSeconds: payoutChunksTimeoutSeconds,
    memoryMiB: 1024,
    access: {
      tables: {
        // update: a chunk's last allowed receive marks the batch FAILED with the reason.
        payoutBatches: { operations: ['get', 'update'] },
        // A chunk's payments queried, each moved PLANNED → RECORDED by a conditional update.
        payments: { operations: ['query', 'update'] },
        // The chunk's lease item (put if absent, then leased by update), its done entry (get, put), the done entries queried.
        payoutProgress: { operations: ['get', 'put', 'update', 'query'] },
      },
      queues: { payoutChunks: 'send', payoutFiles: 'send' },
    },
  },
  writeBankFiles: {
    entry: 'functions/write-bank-files/handler.ts',
    trigger: { type: 'queue', queue: 'payoutFiles', batchSize: 1, maxConcurrency: 2 /* one bank-file writer per batch, 1 GiB each */ },
    timeoutSeconds: payoutFilesTimeoutSeconds,
    memoryMiB: 1024,
    access: {
      tables: { payoutBatches: { operations: ['get', 'update'] }, payments: { operations: ['query'] }, payoutProgress: { operations: ['query'] } },
      // The only writer of bank files; a failed multipart upload is aborted, never left behind.
      buckets: { bankFiles: [{ prefix: 'payouts/', operations: ['put', 'abortMultipartUpload'] }] },
    },
  },
  applyBankResults: {
    entry: 'functions/apply-bank-results/handler.ts',
    trigger: { type: 'queue', queue: 'bankResults', batchSize: 1, maxConcurrency: 2 /* one status report at a time per batch is the normal case */ },
    timeoutSeconds: bankResultsTimeoutSeconds,
    memoryMiB: 1024,
    access: {
      tables: {
        // Read for its payment shard count (each outcome's key); reconciliation figures and PAID_OUT → RECONCILED.
        payoutBatches: { operations: ['get', 'update'] },
        // Each outcome a conditional update (a return in a transaction with its claim's release); counted by query.
        payments: { operations: ['get', 'query', 'update'] },
        payoutClaims: { operations: ['update'] },
        // The report entry: leased (update), read, rewritten APPLIED (put).
        payoutProgress: { operations: ['get', 'put', 'update'] },
      },
      buckets: { exports: [{ prefix: 'payouts/*/bank-results/', operations: ['get'] }] },
    },
  },
  // Operator actions on payout batches (shared/usecases/payout-operator-actions.ts), and the
  // sweeper that re-drives stalled long work (shared/usecases/recovery.ts).
  rejectPayoutBatch: {
    entry: 'functions/reject-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/reject', authenticated: true },
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: { tables: { payoutBatches: { operations: ['get', 'update'] }, payments: { operations: ['query'] }, payoutClaims: { operations: ['update'] } } },
  },
  cancelPayoutBatch: {
    entry: 'functions/cancel-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/cancel', authenticated: true },
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: { tables: { payoutBatches: { operations: ['get', 'update'] }, payments: { operations: ['query'] }, payoutClaims: { operations: ['update'] } } },
  },
  retryPayoutBatch: {
    entry: 'functions/retry-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/retry', authenticated: true },
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: {
      tables: {
        payoutBatches: { operations: ['get', 'update'] },
        // The excluded payments are deleted; the segments and chunk entries of the old plan go in batches.
        payments: { operations: ['query', 'delete'] },
        payoutClaims: { operations: ['update'] },
        payoutProgress: { operations: ['query', 'batchWrite'] },
      },
      queues: { payoutPlans: 'send' },
    },
  },
  returnWholeFile: {
    entry: 'functions/return-whole-file/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/bank-results/{reportId}/return-all', authenticated: true },
    timeoutSeconds: 15,
    memoryMiB: 512,
    access: {
      // Reads the batch and the report, marks the report returnAll and the batch's history (conditional updates).
      tables: { payoutBatches: { operations: ['get', 'update'] }, payoutProgress: { operations: ['get', 'update'] } },
      buckets: { exports: [{ prefix: 'payouts/*/bank-results/', operations: ['get'] }] },
      queues: { bankResults: 'send' },
    },
  },
  recoverStalledWork: {
    entry: 'functions/recover-stalled-work/handler.ts',
    trigger: { type: 'schedule', job: 'recover-stalled-work', schedule: 'rate(5 minutes)' },
    timeoutSeconds: 300,
    memoryMiB: 512,
    access: {
      tables: {
        // Scans for RUNNING imports and the batches to drive on; queries SUBMITTED applications.
        recipientImports: { operations: ['scan'] },
        applications: { operations: [], queryIndexes: ['applicationsByStatus'] },
        // Finishing a retry or an ended batch's claim release (shared/usecases/payout-operator-actions.ts).
        payoutBatches: { operations: ['scan', 'get', 'update'] },
        // Finishing an interrupted retry deletes the payments it excluded (as retryPayoutBatch does).
        payments: { operations: ['query', 'delete'] },
        payoutClaims: { operations: ['update'] },
        // Plan segments, chunk entries and leases, applying reports read; a retry's old chunk entries deleted in batches.
        payoutProgress: { operations: ['query', 'batchWrite'] },
      },
      queues: { recipientImports: 'send', applicationAssessments: 'send', payoutPlans: 'send', payoutChunks: 'send', payoutFiles: 'send', bankResults: 'send' },
    },
  },
  createApplication: {
    entry: 'functions/create-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { applications: { operations: ['put'] } } },
  },
  listApplications: {
    entry: 'functions/list-applications/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/applications', authenticated: true, throttle: { ratePerSecond: 20, burst: 40 } },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: {
      tables: { applications: { operations: ['scan'], queryIndexes: ['applicationsByStatus', 'applicationsByTownship'] } },
      secrets: { paginationTokenKey: 'read' },
    },
  },
  getApplication: {
    entry: 'functions/get-application/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/applications/{id}', authenticated: true, throttle: { ratePerSecond: 20, burst: 40 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    // Read access to the buckets signs the documents' and the notice's download URLs.
    access: {
      tables: { applications: { operations: ['get'] } },
      buckets: { documents: [{ prefix: 'applications/', operations: ['get'] }], exports: [{ prefix: 'public-notices/', operations: ['get'] }] },
    },
  },
  getApplicationHistory: {
    entry: 'functions/get-application-history/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/applications/{id}/history', authenticated: true, throttle: { ratePerSecond: 20, burst: 40 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { applications: { operations: ['get'] } }, secrets: { paginationTokenKey: 'read' } },
  },
  addApplicationDocument: {
    entry: 'functions/add-application-document/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/documents', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 256,
    // Write access to the bucket is what the presigned PUT URL acts with.
    access: {
      tables: { applications: { operations: ['get', 'update'] } },
      buckets: { documents: [{ prefix: 'applications/', operations: ['put'] }] },
    },
  },
  submitApplication: {
    entry: 'functions/submit-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/submit', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: {
      tables: { applications: { operations: ['get', 'update'] } },
      queues: { applicationAssessments: 'send' },
    },
  },
  assessApplications: {
    entry: 'functions/assess-applications/handler.ts',
    trigger: { type: 'queue', queue: 'applicationAssessments', batchSize: 10, maxConcurrency: 5 /* caseworker-paced: a few submissions a minute */ },
    timeoutSeconds: applicationAssessmentsTimeoutSeconds,
    memoryMiB: 512,
    access: { tables: { applications: { operations: ['get', 'update'] }, recipients: { operations: ['batchGet'] /* the members' registry records */ } } },
  },
  decideApplication: {
    entry: 'functions/decide-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/decision', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      // The only writer of grants: the payouts side reads them.
      tables: { applications: { operations: ['get', 'update'] }, grants: { operations: ['put'] } },
      // Writes the public notice (and deletes it if the decision lost a race); presigns downloads.
      buckets: {
        documents: [{ prefix: 'applications/', operations: ['get'] }],
        exports: [{ prefix: 'public-notices/', operations: ['put', 'get', 'delete'] }],
      },
    },
  },
  objectToApplication: {
    entry: 'functions/object-to-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/objections', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: {
      tables: { applications: { operations: ['get', 'update'] } },
      buckets: { documents: [{ prefix: 'applications/', operations: ['get'] }], exports: [{ prefix: 'public-notices/', operations: ['get'] }] },
    },
  },
  enrollDue: {
    entry: 'functions/enroll-due/handler.ts',
    // 00:30 in China (UTC+8): the notices that ended by today.
    trigger: { type: 'schedule', job: 'enroll-due', schedule: 'cron(30 16 * * ? *)' },
    timeoutSeconds: 300,
    memoryMiB: 512,
    // Applications on notice by the status index, each read and moved ENROLLED in one transaction
    // with its members' registry records (conditional updates that create or take over a record).
    access: {
      tables: { applications: { operations: ['get', 'update'], queryIndexes: ['applicationsByStatus'] }, recipients: { operations: ['update'] } },
      secrets: { recipientIdKey: 'read' },
    },
  },
  reviewDue: {
    entry: 'functions/review-due/handler.ts',
    // 01:00 in China.
    trigger: { type: 'schedule', job: 'review-due', schedule: 'cron(0 17 * * ? *)' },
    timeoutSeconds: 900,
    memoryMiB: 1024,
    // A scan for ACTIVE recipients due, each review opened by a conditional update.
    access: { tables: { recipients: { operations: ['scan', 'update'] } } },
  },
  suspendRecipient: {
    entry: 'functions/suspend-recipient/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/suspensions', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: recipientChangeAccess } },
  },
  requestPayeeChange: {
    entry: 'functions/request-payee-change/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/payee-changes', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: recipientChangeAccess } },
  },
  confirmPayeeChange: {
    entry: 'functions/confirm-payee-change/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/payee-changes/confirmations', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: recipientChangeAccess } },
  },
  reinstateRecipient: {
    entry: 'functions/reinstate-recipient/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/reinstatements', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: recipientChangeAccess } },
  },
  terminateRecipient: {
    entry: 'functions/terminate-recipient/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/terminations', authenticated: true, throttle: { ratePerSecond: 10, burst: 20 } },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: recipientChangeAccess } },
  },
  // 统计: the figures are maintained from each source table's stream; the reports read counters.
  maintainRegistryFigures: {
    entry: 'functions/maintain-figures/handler.ts',
    // Up to 1,000 records a batch (one GetRecords): a bulk import's records coalesce into few
    // transactions. One batch of a shard at a time: members of one household share its entry.
    trigger: { type: 'stream', table: 'recipients', batchSize: 1000 },
    timeoutSeconds: payoutChunksTimeoutSeconds,
    memoryMiB: 512,
    access: { tables: { figures: figureMaintainerAccess } },
  },
  maintainPaymentFigures: {
    entry: 'functions/maintain-figures/handler.ts',
    // A 100,000-line bank report: 1,000 records a batch, four batches of a shard at once (one
    // payment's records stay in one batch, in order); planned and recorded changes cost nothing.
    trigger: { type: 'stream', table: 'payments', batchSize: 1000, parallelizationFactor: 4 },
    timeoutSeconds: payoutChunksTimeoutSeconds,
    memoryMiB: 512,
    access: { tables: { figures: figureMaintainerAccess, payoutBatches: { operations: ['get'] }, grants: { operations: ['get'] /* a grant's type */ } } },
  },
  maintainNoticeFigures: {
    entry: 'functions/maintain-figures/notices.ts',
    trigger: { type: 'stream', table: 'hospitalNotices', batchSize: 100 },
    timeoutSeconds: payoutChunksTimeoutSeconds,
    memoryMiB: 512,
    // recipientIdKey: a patient is counted by their recipientId (keyed HMAC), never by the ID number.
    access: { tables: { figures: figureMaintainerAccess }, secrets: { recipientIdKey: 'read' } },
  },
  getAnnualReport: {
    entry: 'functions/get-annual-report/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/reports/annual', authenticated: true },
    timeoutSeconds: 15,
    memoryMiB: 1024,
    bundleAllowance: { kib: 1030, reason: 'exceljs, which writes the .xlsx workbook (only the report functions carry it)' },
    access: { tables: { figures: { operations: ['query', 'get'] /* counters; the registry's first day */ } } },
  },
  getMonthlyReport: {
    entry: 'functions/get-monthly-report/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/reports/monthly', authenticated: true },
    timeoutSeconds: 15,
    memoryMiB: 1024,
    bundleAllowance: { kib: 1030, reason: 'exceljs, which writes the .xlsx workbook (only the report functions carry it)' },
    access: { tables: { figures: { operations: ['query', 'get'] } } },
  },
  fileMonthlyReport: {
    entry: 'functions/file-monthly-report/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/reports/monthly/{month}/filings', authenticated: true },
    timeoutSeconds: 15,
    memoryMiB: 512,
    access: { tables: { figures: { operations: ['query', 'get', 'put'] /* the month's counters, then the filed copy */ } } },
  },
  listMonthlyFilings: {
    entry: 'functions/list-monthly-filings/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/reports/monthly/{month}/filings', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { figures: { operations: ['query'] /* a month's filed copies */ } } },
  },
  recountFigures: {
    entry: 'functions/recount-figures/handler.ts',
    // 03:00 in China: last year's and this year's figures against the source records.
    trigger: { type: 'schedule', job: 'recount-figures', schedule: 'cron(0 19 * * ? *)' },
    timeoutSeconds: 900,
    memoryMiB: 2048,
    access: {
      // The source records, read by code independent of the maintainers: whole tables, a batch's payments, a grant's type.
      tables: {
        figures: { operations: ['query'] /* the maintained counters, to compare */ },
        recipients: { operations: ['scan'] },
        payments: { operations: ['query'] },
        payoutBatches: { operations: ['scan'] },
        grants: { operations: ['get'] },
        hospitalNotices: { operations: ['scan'] },
      },
      secrets: { recipientIdKey: 'read' },
    },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

/** SQS visibility timeout: AWS asks for at least 6x the consuming function's timeout. */
export const visibilityTimeoutFactor = 6;

export function consumerOf(queue: QueueName): { name: FunctionName; spec: FunctionSpec } {
  const found = (Object.entries(functions) as Array<[FunctionName, FunctionSpec]>).find(
    ([, spec]) => spec.trigger.type === 'queue' && spec.trigger.queue === queue,
  );
  if (!found) throw new Error(`queue ${queue} has no consumer in the topology`);
  return { name: found[0], spec: found[1] };
}

export function visibilityTimeoutSeconds(queue: QueueName): number {
  return consumerOf(queue).spec.timeoutSeconds * visibilityTimeoutFactor;
}

// Environment variables through which a function learns the physical names of what it touches.
export const tableEnv = (table: TableName): string => `TABLE_${snake(table)}`;
export const queueEnv = (queue: QueueName): string => `QUEUE_URL_${snake(queue)}`;
export const bucketEnv = (bucket: BucketName): string => `BUCKET_${snake(bucket)}`;
/** On AWS: the SSM parameter's name. */
export const secretEnv = (secret: SecretName): string => `SECRET_${snake(secret)}_PARAMETER`;
/** Locally only: the secret's value itself (a local stack has no SSM). */
export const localSecretEnv = (secret: SecretName): string => `TUODI_LOCAL_SECRET_${snake(secret)}`;

function snake(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * The JWT settings the HTTP API's authorizer checks; locally the dev issuer stands in for the
 * deployment's identity provider. The claim names are Cognito's defaults; a deployment with
 * another OIDC provider sets its own through the `claimEnv` environment variables.
 */
export const auth = {
  groupsClaim: 'cognito:groups',
  hospitalClaim: 'hospital_id',
  townshipClaim: 'township',
  claimEnv: { roles: 'AUTH_ROLES_CLAIM', hospital: 'AUTH_HOSPITAL_CLAIM', township: 'AUTH_TOWNSHIP_CLAIM' },
  /** OAuth scopes routes require at the authorizer (a hospital's token carries the first, staff tokens the second). */
  scopes: { hospital: 'tuodi-api/hospital', staff: 'tuodi-api/staff' },
  localIssuer: 'https://tuodi.local/dev-issuer',
  localAudience: 'tuodi-api',
} as const;

/** The kind of token a role's caller holds: hospital systems one, the bureau's staff the other. */
export const scopeKindOf = (role: Role): keyof typeof auth.scopes => (role === 'hospital' ? 'hospital' : 'staff');

/**
 * The scopes a route accepts at the authorizer, any one of them (API Gateway's authorizationScopes;
 * the OpenAPI document's security alternatives; the local API's check): the scope of each kind of
 * caller among `roles`, the roles its operation allows (shared/api). Public routes need none.
 * `scopes` are the deployment's names (infra settings); auth.scopes by default.
 */
export function requiredScopes(
  roles: readonly Role[] | 'public',
  scopes: { hospital: string; staff: string } = auth.scopes,
): string[] {
  if (roles === 'public') return [];
  const kinds = new Set(roles.map(scopeKindOf));
  return (['hospital', 'staff'] as const).filter((kind) => kinds.has(kind)).map((kind) => scopes[kind]);
}
