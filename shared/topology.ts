// The one description of what exists: tables, queues, buckets and functions with their
// triggers and permissions. infra/ builds the CDK stack from it; local/ builds the local stack
// from it; test/infra checks the synthesized template against it. Plain data, no AWS imports.

export const roles = ['caseworker', 'reviewer', 'finance', 'hospital'] as const;
export type Role = (typeof roles)[number];

export type AttributeType = 'S' | 'N';

export interface TableSpec {
  partitionKey: { name: string; type: AttributeType };
  sortKey?: { name: string; type: AttributeType };
  timeToLiveAttribute?: string;
  globalSecondaryIndexes?: Array<{
    indexName: string;
    partitionKey: { name: string; type: AttributeType };
    sortKey?: { name: string; type: AttributeType };
  }>;
}

export interface QueueSpec {
  /** Receives after which a message goes to the queue's dead-letter queue. */
  maxReceiveCount: number;
}

export interface BucketSpec {
  purpose: string;
}

export const tables = {
  recipients: {
    partitionKey: { name: 'idNumber', type: 'S' },
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
    // Sparse: only undecided notices carry `pending`, so the requeue job reads just those.
    globalSecondaryIndexes: [
      {
        indexName: 'pendingByReceivedAt',
        partitionKey: { name: 'pending', type: 'S' },
        sortKey: { name: 'receivedAt', type: 'S' },
      },
    ],
  },
  medicalAssistanceUsage: {
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
    partitionKey: { name: 'batchId', type: 'S' },
  },
  /** One item per (program, period, recipient): the data model's guarantee of paying once. */
  payoutClaims: {
    partitionKey: { name: 'claimKey', type: 'S' },
  },
  payments: {
    partitionKey: { name: 'batchId', type: 'S' },
    sortKey: { name: 'endToEndId', type: 'S' },
  },
  /** Per batch: one item per finished chunk and per applied bank report (progress, derived). */
  payoutProgress: {
    partitionKey: { name: 'batchId', type: 'S' },
    sortKey: { name: 'entry', type: 'S' },
  },
} as const satisfies Record<string, TableSpec>;

export const queues = {
  recipientImports: { maxReceiveCount: 3 },
  hospitalNotices: { maxReceiveCount: 5 },
  applicationAssessments: { maxReceiveCount: 5 },
  payoutPlans: { maxReceiveCount: 3 },
  payoutChunks: { maxReceiveCount: 5 },
  payoutFiles: { maxReceiveCount: 3 },
  bankResults: { maxReceiveCount: 3 },
} as const satisfies Record<string, QueueSpec>;

export const buckets = {
  documents: { purpose: 'application documents and uploaded registry CSV files' },
  exports: { purpose: 'bank files and public-notice documents' },
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
export type QueueName = keyof typeof queues;
export type BucketName = keyof typeof buckets;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type Trigger =
  | {
      type: 'http';
      method: HttpMethod;
      /** API Gateway route path, e.g. /recipients/imports/{importId} */
      path: string;
      /** false: no token needed (only /health and /openapi.json). */
      authenticated: boolean;
    }
  | { type: 'queue'; queue: QueueName; batchSize: number }
  | { type: 'schedule'; job: string; /** EventBridge schedule expression */ schedule: string };

export interface Access {
  tables?: Partial<Record<TableName, 'read' | 'readwrite'>>;
  queues?: Partial<Record<QueueName, 'send'>>;
  buckets?: Partial<Record<BucketName, 'read' | 'readwrite'>>;
  secrets?: Partial<Record<SecretName, 'read'>>;
}

export interface FunctionSpec {
  /** Path of the handler module from the project root; it exports `handler`. */
  entry: string;
  trigger: Trigger;
  timeoutSeconds: number;
  memoryMiB: number;
  access: Access;
}

export const functions = {
  health: {
    entry: 'functions/health/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/health', authenticated: false },
    timeoutSeconds: 3,
    memoryMiB: 256,
    access: {},
  },
  createRecipientImport: {
    entry: 'functions/create-recipient-import/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/imports', authenticated: true },
    timeoutSeconds: 15,
    memoryMiB: 512,
    access: {
      // recipients read: a dry run tells which lines are already in the registry
      tables: { recipientImports: 'readwrite', idempotency: 'readwrite', recipients: 'read' },
      buckets: { documents: 'readwrite' },
      queues: { recipientImports: 'send' },
    },
  },
  getRecipientImport: {
    entry: 'functions/get-recipient-import/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/recipients/imports/{importId}', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    // documents read: signs the download URL of the full rejections CSV
    access: { tables: { recipientImports: 'read' }, buckets: { documents: 'read' } },
  },
  searchRecipients: {
    entry: 'functions/search-recipients/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/recipients', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: 'read' } },
  },
  listHospitals: {
    entry: 'functions/list-hospitals/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/hospitals', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { hospitals: 'read' } },
  },
  importRecipients: {
    entry: 'functions/import-recipients/handler.ts',
    trigger: { type: 'queue', queue: 'recipientImports', batchSize: 1 },
    timeoutSeconds: 300,
    memoryMiB: 1024,
    access: {
      tables: { recipients: 'readwrite', recipientImports: 'readwrite' },
      // readwrite: writes every rejected line as a CSV beside the import file
      buckets: { documents: 'readwrite' },
      secrets: { recipientIdKey: 'read' },
    },
  },
  getOpenApi: {
    entry: 'functions/get-openapi/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/openapi.json', authenticated: false },
    timeoutSeconds: 3,
    memoryMiB: 256,
    access: {},
  },
  postHospitalNotice: {
    entry: 'functions/post-hospital-notice/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/hospital-notices', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      tables: { hospitalNotices: 'readwrite', hospitals: 'read', idempotency: 'readwrite' },
      queues: { hospitalNotices: 'send' },
    },
  },
  getHospitalNotice: {
    entry: 'functions/get-hospital-notice/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/hospital-notices/{id}', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { hospitalNotices: 'read', hospitals: 'read' } },
  },
  decideHospitalNotices: {
    entry: 'functions/decide-hospital-notices/handler.ts',
    trigger: { type: 'queue', queue: 'hospitalNotices', batchSize: 10 },
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: {
      tables: { hospitalNotices: 'readwrite', recipients: 'read', medicalAssistanceUsage: 'readwrite' },
    },
  },
  requeuePendingNotices: {
    entry: 'functions/requeue-pending-notices/handler.ts',
    trigger: { type: 'schedule', job: 'requeue-pending-notices', schedule: 'rate(5 minutes)' },
    timeoutSeconds: 60,
    memoryMiB: 256,
    access: { tables: { hospitalNotices: 'read' }, queues: { hospitalNotices: 'send' } },
  },
  createPayoutBatch: {
    entry: 'functions/create-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      tables: { payoutBatches: 'readwrite', idempotency: 'readwrite' },
      queues: { payoutPlans: 'send' },
    },
  },
  approvePayoutBatch: {
    entry: 'functions/approve-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/approve', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      tables: { payoutBatches: 'readwrite', idempotency: 'readwrite' },
      queues: { payoutChunks: 'send' },
    },
  },
  getPayoutBatch: {
    entry: 'functions/get-payout-batch/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/payout-batches/{id}', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { payoutBatches: 'read', payoutProgress: 'read' }, buckets: { exports: 'read' } },
  },
  listPayments: {
    entry: 'functions/list-payments/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/payout-batches/{id}/payments', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { payoutBatches: 'read', payments: 'read' }, secrets: { paginationTokenKey: 'read' } },
  },
  postBankResults: {
    entry: 'functions/post-bank-results/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/payout-batches/{id}/bank-results', authenticated: true },
    timeoutSeconds: 15,
    memoryMiB: 1024,
    access: {
      tables: { payoutBatches: 'read', payoutProgress: 'readwrite', idempotency: 'readwrite' },
      buckets: { exports: 'readwrite' },
      queues: { bankResults: 'send' },
    },
  },
  getBankResults: {
    entry: 'functions/get-bank-results/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/payout-batches/{id}/bank-results/{reportId}', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { payoutProgress: 'read' } },
  },
  planPayoutBatch: {
    entry: 'functions/plan-payout-batch/handler.ts',
    trigger: { type: 'queue', queue: 'payoutPlans', batchSize: 1 },
    timeoutSeconds: 900,
    memoryMiB: 2048,
    access: {
      tables: {
        payoutBatches: 'readwrite',
        payoutClaims: 'readwrite',
        payments: 'readwrite',
        payoutProgress: 'readwrite',
        recipients: 'read',
        grants: 'read',
      },
    },
  },
  payPayoutChunks: {
    entry: 'functions/pay-payout-chunks/handler.ts',
    trigger: { type: 'queue', queue: 'payoutChunks', batchSize: 1 },
    timeoutSeconds: 120,
    memoryMiB: 1024,
    access: {
      tables: { payoutBatches: 'read', payments: 'readwrite', payoutProgress: 'readwrite' },
      queues: { payoutChunks: 'send', payoutFiles: 'send' },
    },
  },
  writeBankFiles: {
    entry: 'functions/write-bank-files/handler.ts',
    trigger: { type: 'queue', queue: 'payoutFiles', batchSize: 1 },
    timeoutSeconds: 900,
    memoryMiB: 1024,
    access: {
      tables: { payoutBatches: 'readwrite', payments: 'read', payoutProgress: 'read' },
      buckets: { exports: 'readwrite' },
    },
  },
  applyBankResults: {
    entry: 'functions/apply-bank-results/handler.ts',
    trigger: { type: 'queue', queue: 'bankResults', batchSize: 1 },
    timeoutSeconds: 900,
    memoryMiB: 1024,
    access: {
      tables: { payoutBatches: 'readwrite', payments: 'readwrite', payoutClaims: 'readwrite', payoutProgress: 'readwrite' },
      buckets: { exports: 'read' },
    },
  },
  createApplication: {
    entry: 'functions/create-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: { tables: { applications: 'readwrite', idempotency: 'readwrite' } },
  },
  listApplications: {
    entry: 'functions/list-applications/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/applications', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: { tables: { applications: 'read' }, secrets: { paginationTokenKey: 'read' } },
  },
  getApplication: {
    entry: 'functions/get-application/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/applications/{id}', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    // Read access to the buckets signs the documents' and the notice's download URLs.
    access: { tables: { applications: 'read' }, buckets: { documents: 'read', exports: 'read' } },
  },
  getApplicationHistory: {
    entry: 'functions/get-application-history/handler.ts',
    trigger: { type: 'http', method: 'GET', path: '/applications/{id}/history', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { applications: 'read' }, secrets: { paginationTokenKey: 'read' } },
  },
  addApplicationDocument: {
    entry: 'functions/add-application-document/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/documents', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 256,
    // Write access to the bucket is what the presigned PUT URL acts with.
    access: { tables: { applications: 'readwrite', idempotency: 'readwrite' }, buckets: { documents: 'readwrite' } },
  },
  submitApplication: {
    entry: 'functions/submit-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/submit', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: {
      tables: { applications: 'readwrite', idempotency: 'readwrite' },
      queues: { applicationAssessments: 'send' },
    },
  },
  assessApplications: {
    entry: 'functions/assess-applications/handler.ts',
    trigger: { type: 'queue', queue: 'applicationAssessments', batchSize: 10 },
    timeoutSeconds: 30,
    memoryMiB: 512,
    access: { tables: { applications: 'readwrite', recipients: 'read' } },
  },
  decideApplication: {
    entry: 'functions/decide-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/decision', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 512,
    access: {
      // The only writer of grants: the payouts side reads them.
      tables: { applications: 'readwrite', grants: 'readwrite', idempotency: 'readwrite' },
      buckets: { documents: 'read', exports: 'readwrite' },
    },
  },
  objectToApplication: {
    entry: 'functions/object-to-application/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/applications/{id}/objections', authenticated: true },
    timeoutSeconds: 10,
    memoryMiB: 256,
    access: {
      tables: { applications: 'readwrite', idempotency: 'readwrite' },
      buckets: { documents: 'read', exports: 'read' },
    },
  },
  enrollDue: {
    entry: 'functions/enroll-due/handler.ts',
    // 00:30 in China (UTC+8): the notices that ended by today.
    trigger: { type: 'schedule', job: 'enroll-due', schedule: 'cron(30 16 * * ? *)' },
    timeoutSeconds: 300,
    memoryMiB: 512,
    access: { tables: { applications: 'readwrite', recipients: 'readwrite' }, secrets: { recipientIdKey: 'read' } },
  },
  reviewDue: {
    entry: 'functions/review-due/handler.ts',
    // 01:00 in China.
    trigger: { type: 'schedule', job: 'review-due', schedule: 'cron(0 17 * * ? *)' },
    timeoutSeconds: 900,
    memoryMiB: 1024,
    access: { tables: { recipients: 'readwrite' } },
  },
  suspendRecipient: {
    entry: 'functions/suspend-recipient/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/suspensions', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: 'readwrite', idempotency: 'readwrite' } },
  },
  requestPayeeChange: {
    entry: 'functions/request-payee-change/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/payee-changes', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: 'readwrite', idempotency: 'readwrite' } },
  },
  confirmPayeeChange: {
    entry: 'functions/confirm-payee-change/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/payee-changes/confirmations', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: 'readwrite', idempotency: 'readwrite' } },
  },
  reinstateRecipient: {
    entry: 'functions/reinstate-recipient/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/reinstatements', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: 'readwrite', idempotency: 'readwrite' } },
  },
  terminateRecipient: {
    entry: 'functions/terminate-recipient/handler.ts',
    trigger: { type: 'http', method: 'POST', path: '/recipients/terminations', authenticated: true },
    timeoutSeconds: 5,
    memoryMiB: 256,
    access: { tables: { recipients: 'readwrite', idempotency: 'readwrite' } },
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

/** The JWT settings the HTTP API's authorizer checks; locally the dev issuer stands in for Cognito. */
export const auth = {
  groupsClaim: 'cognito:groups',
  hospitalClaim: 'hospital_id',
  localIssuer: 'https://tuodi.local/dev-issuer',
  localAudience: 'tuodi-api',
} as const;
