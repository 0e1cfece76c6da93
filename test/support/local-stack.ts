// The real local stack (HTTP API, pollers, handlers) for one test file, on the run's shared
// emulators (test/support/global-setup.ts) with this file's own prefixed tables, queues and
// buckets, or on emulators of its own when a test must kill or restart them.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { inject } from 'vitest';
import type { Handler } from '../../local/lambda-runtime.ts';
import { localRegion } from '../../local/provision.ts';
import { outcomeOfBatch } from '../../local/queue-poller.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { takeGrantViolations } from '../../local/grant-guard.ts';
import { tableEnv, tables, type FunctionName, type QueueName, type Role, type TableName } from '../../shared/topology.ts';
import type { SharedEmulators } from './global-setup.ts';
import { baseTimeouts, scaled, timeoutScale } from './timeouts.ts';

export interface TestStackOptions {
  /** Start emulators for this stack alone (a test that kills or restarts them); default: the run's shared ones. */
  ownEmulators?: boolean;
  /** Run the scheduled jobs on their schedules; default false: tests run a job when they mean to. */
  schedules?: boolean;
  /** Concurrent batches per queue poller; default 4. */
  pollerConcurrency?: number;
  /**
   * Visibility timeout of every queue; default the topology's (minutes), so a slow handler is
   * never redelivered by accident. Cause a redelivery with deliverConcurrently() instead.
   */
  visibilityTimeoutSeconds?: number;
  /** After a failed delivery the message becomes visible again after this long; default 1. */
  failedMessageRetrySeconds?: number;
  /**
   * Multiplies the functions' Lambda timeouts; default 10 times TUODI_TEST_TIMEOUT_SCALE: twenty
   * concurrent invocations on two busy cores outlast a 10 s timeout that Lambda gives each alone.
   */
  functionTimeoutScale?: number;
  /** Payments per chunk message (TUODI_PAYMENTS_PER_CHUNK); default the deployed 500. */
  paymentsPerChunk?: number;
}

/** One delivery of messages to a queue function, as seen from inside its handler. */
export interface Delivery {
  function: FunctionName;
  queue: QueueName;
  messageIds: string[];
  /** 1 for the poller's own delivery; 2, 3… for the copies deliverConcurrently() adds. */
  copy: number;
}

export interface CopyOutcome {
  copy: number;
  response?: unknown;
  error?: Error;
}

export interface ConcurrentDelivery {
  /** Waits (scaled deadline) until the message came and every copy finished; their outcomes, copy 1 first. */
  finished(): Promise<CopyOutcome[]>;
  /** Settles when that copy (1…copies) has finished, without a deadline: for gates inside fault injection. */
  copyFinished(copy: number): Promise<CopyOutcome>;
}

export interface TestStack extends LocalStack {
  token(role: Role, sub: string, hospitalId?: string): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; text: string }>;
  /** This stack's resource name prefix (unique per stack). */
  prefix: string;
  /** Sends body (JSON-encoded) to the queue; the message id. */
  send(queue: QueueName, body: unknown): Promise<string>;
  /** Waits (scaled deadline) until the queue's function has handled each message successfully. */
  handled(queue: QueueName, messageIds: string[]): Promise<void>;
  /**
   * Arms the queue: the next message whose parsed body satisfies `match` is handled `copies` times
   * at once, as SQS redelivers a message whose visibility timeout ran out while a handler still
   * worked on it. Copies carry the same messageId and body and higher receive counts; only the
   * poller's own delivery (copy 1) decides whether the message is deleted.
   */
  deliverConcurrently(queue: QueueName, match: (body: any) => boolean, copies?: number): ConcurrentDelivery;
}

const deliveries = new AsyncLocalStorage<Delivery>();

/** The queue delivery whose handler is running the caller, if any: lets fault injection pick a copy. */
export function currentDelivery(): Delivery | undefined {
  return deliveries.getStore();
}

interface ArmedRule {
  queue: QueueName;
  match: (body: any) => boolean;
  copies: number;
  taken: boolean;
  outcomes?: Promise<CopyOutcome[]>;
  /** Resolvers of copyFinished(1…copies), by index copy - 1. */
  finish: Array<(outcome: CopyOutcome) => void>;
  finished: Array<Promise<CopyOutcome>>;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const shared = options.ownEmulators ? undefined : inject('emulators');
  const prefix = `t-${randomBytes(5).toString('hex')}`;
  const succeeded = new Map<string, number>();
  const failed = new Map<string, number>();
  const rules: ArmedRule[] = [];
  const inFlightCopies = new Set<Promise<unknown>>();
  // Receives the copies stood for, by message id: SQS counts each receive, so the message's next
  // real receive must count higher than its copies did (a worker compares receive counts).
  const copyReceives = new Map<string, number>();
  const counted = (event: SQSEvent): SQSEvent => ({
    Records: event.Records.map((record) => {
      const extra = copyReceives.get(record.messageId);
      if (!extra) return record;
      const receiveCount = Number(record.attributes.ApproximateReceiveCount) + extra;
      return { ...record, attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) } };
    }),
  });
  let stack: LocalStack | undefined;

  const retryFailed = async (queue: QueueName, records: SQSRecord[]) => {
    if (!stack || records.length === 0) return;
    for (let i = 0; i < records.length; i += 10) {
      await stack.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: stack.queueUrls[queue],
            Entries: records.slice(i, i + 10).map((r, j) => ({
              Id: String(j),
              ReceiptHandle: r.receiptHandle,
              VisibilityTimeout: options.failedMessageRetrySeconds ?? 1,
            })),
          }),
        )
        .catch((error: Error) => console.warn(`test stack: could not make failed ${queue} messages visible again: ${error.message}`));
    }
  };

  const copiesFor = (name: FunctionName, queue: QueueName, handler: Handler, event: SQSEvent, context: Parameters<Handler>[1]) => {
    for (const record of event.Records) {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        continue;
      }
      const rule = rules.find((r) => r.queue === queue && !r.taken && r.match(body));
      if (!rule) continue;
      rule.taken = true;
      copyReceives.set(record.messageId, (copyReceives.get(record.messageId) ?? 0) + rule.copies - 1);
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      const runs = Array.from({ length: rule.copies - 1 }, (_, i) => {
        const copy = i + 2;
        const copyEvent: SQSEvent = {
          Records: [{ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount + copy - 1) } }],
        };
        const delivery: Delivery = { function: name, queue, messageIds: [record.messageId], copy };
        return settle(rule, copy, deliveries.run(delivery, () => handler(copyEvent, context)));
      });
      return { rule, runs };
    }
    return undefined;
  };

  const wrapQueueHandler = (name: FunctionName, queue: QueueName, handler: Handler): Handler => async (received, context) => {
    const sqsEvent = counted(received as SQSEvent);
    const copies = copiesFor(name, queue, handler, sqsEvent, context);
    const delivery: Delivery = { function: name, queue, messageIds: sqsEvent.Records.map((r) => r.messageId), copy: 1 };
    const original = deliveries.run(delivery, () => handler(sqsEvent, context));
    if (copies) {
      const outcomes = Promise.all([settle(copies.rule, 1, original), ...copies.runs]);
      copies.rule.outcomes = outcomes;
      inFlightCopies.add(outcomes);
      void outcomes.finally(() => inFlightCopies.delete(outcomes));
    }
    let response: unknown;
    try {
      response = await original;
    } catch (error) {
      for (const r of sqsEvent.Records) failed.set(r.messageId, (failed.get(r.messageId) ?? 0) + 1);
      await retryFailed(queue, sqsEvent.Records);
      throw error;
    }
    const outcome = outcomeOfBatch(sqsEvent.Records, response);
    for (const r of outcome.succeeded) succeeded.set(r.messageId, (succeeded.get(r.messageId) ?? 0) + 1);
    for (const r of outcome.failed) failed.set(r.messageId, (failed.get(r.messageId) ?? 0) + 1);
    await retryFailed(queue, outcome.failed);
    return response;
  };

  if (shared) await sharedDynamoDbReady(shared);
  process.env.TUODI_FUNCTION_TIMEOUT_SCALE = String(options.functionTimeoutScale ?? 10 * timeoutScale());
  if (options.paymentsPerChunk === undefined) delete process.env.TUODI_PAYMENTS_PER_CHUNK;
  else process.env.TUODI_PAYMENTS_PER_CHUNK = String(options.paymentsPerChunk);
  stack = await startLocalStack({
    emulators: shared,
    prefix,
    schedules: options.schedules ?? false,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    pollerConcurrency: options.pollerConcurrency ?? 4,
    wrapQueueHandler,
  });
  const local = stack;

  return {
    ...local,
    prefix,
    token: (role, sub, hospitalId) => local.keys.sign({ role, sub, hospitalId }),
    call: async (method, path, callOptions = {}) => {
      const headers: Record<string, string> = { ...callOptions.headers };
      if (callOptions.token) headers.authorization = `Bearer ${callOptions.token}`;
      let body: string | undefined = callOptions.rawBody;
      if (callOptions.body !== undefined) body = JSON.stringify(callOptions.body);
      if (body !== undefined) headers['content-type'] = callOptions.contentType ?? 'application/json';
      const response = await request(local.url + path, method, headers, body);
      let parsed: unknown;
      try {
        parsed = JSON.parse(response.text);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed, text: response.text };
    },
    send: async (queue, body) => {
      const sent = await local.sqs.send(new SendMessageCommand({ QueueUrl: local.queueUrls[queue], MessageBody: JSON.stringify(body) }));
      return sent.MessageId!;
    },
    handled: async (queue, messageIds) => {
      await eventually(
        async () => (messageIds.every((id) => succeeded.has(id)) ? true : undefined),
        undefined,
        () => {
          const waiting = messageIds.filter((id) => !succeeded.has(id));
          return `${queue} to handle ${waiting.map((id) => `${id} (failed ${failed.get(id) ?? 0} times)`).join(', ')}`;
        },
      );
    },
    deliverConcurrently: (queue, match, copies = 2) => {
      if (!Number.isInteger(copies) || copies < 2) throw new Error('deliverConcurrently: copies must be an integer of at least 2');
      const finish: ArmedRule['finish'] = [];
      const finished = Array.from({ length: copies }, () => new Promise<CopyOutcome>((resolve) => finish.push(resolve)));
      const rule: ArmedRule = { queue, match, copies, taken: false, finish, finished };
      rules.push(rule);
      return {
        copyFinished: (copy) => {
          const done = rule.finished[copy - 1];
          if (!done) throw new Error(`deliverConcurrently: there is no copy ${copy} of ${copies}`);
          return done;
        },
        finished: async () => {
          const arrived = await eventually(
            async () => (rule.outcomes ? { outcomes: rule.outcomes } : undefined),
            undefined,
            `a ${queue} message matching ${match} to arrive`,
          );
          return withDeadline(arrived.outcomes, `the ${copies} concurrent deliveries of a ${queue} message to finish`);
        },
      };
    },
    stop: async () => {
      await Promise.allSettled([...inFlightCopies]);
      await local.stop();
      if (shared) await deleteTables(shared.dynamodbEndpoint, local.env);
      // A call a function's grants do not allow fails the file, even where its handler swallowed the AccessDenied.
      const refused = takeGrantViolations();
      if (refused.length > 0) throw new Error(`${refused.length} SDK call(s) refused by the grant guard:\n${[...new Set(refused)].join('\n')}`);
    },
  };
}

function settle(rule: ArmedRule, copy: number, run: Promise<unknown>): Promise<CopyOutcome> {
  return run.then(
    (response): CopyOutcome => ({ copy, response }),
    (error: Error): CopyOutcome => ({ copy, error }),
  ).then((outcome) => {
    rule.finish[copy - 1]!(outcome);
    return outcome;
  });
}

/**
 * One HTTP request on a connection of its own. fetch() keeps connections alive, and on a loaded
 * machine it reuses one the server is just closing: ECONNRESET, a failed test that says nothing.
 */
function request(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const outgoing = httpRequest(url, { method, headers: { ...length, ...headers }, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The run's DynamoDB Local starts beside the first test files (global-setup.ts): waits until it answers. */
async function sharedDynamoDbReady(shared: SharedEmulators): Promise<void> {
  const status = await eventually(
    async () => (existsSync(shared.dynamodbStatusFile) ? readFileSync(shared.dynamodbStatusFile, 'utf8') : undefined),
    // The launch itself gives up after 180 s and then writes why.
    200_000,
    'the shared DynamoDB Local to start',
  );
  if (status !== 'ready') throw new Error(`the shared DynamoDB Local could not start: ${status}`);
}

/** Frees the shared DynamoDB Local of this stack's tables (the JVM keeps them in memory). */
async function deleteTables(endpoint: string, env: Record<string, string>): Promise<void> {
  // DynamoDB Local keeps tables per access key id: the stack's own key pair reaches them.
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials });
  try {
    await Promise.allSettled(
      (Object.keys(tables) as TableName[]).map((name) => client.send(new DeleteTableCommand({ TableName: env[tableEnv(name)] }))),
    );
  } finally {
    client.destroy();
  }
}

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  const ms = scaled(baseTimeouts.eventually);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}${scaleHint}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const scaleHint = ' (TUODI_TEST_TIMEOUT_SCALE multiplies every test deadline)';

/**
 * Polls check until it returns a value other than undefined and returns that value. Gives up
 * after timeoutMs times TUODI_TEST_TIMEOUT_SCALE with an error naming `what` (a description, or
 * a function giving one at the time of failure). timeoutMs is at least the suite's default
 * (90 s): a shorter one, picked on a quiet machine, only raced a loaded one. An error thrown by
 * check fails at once.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number = baseTimeouts.eventually,
  what: string | (() => string) = `${check}`.replace(/\s+/g, ' ').slice(0, 200),
): Promise<T> {
  const limit = scaled(Math.max(timeoutMs, baseTimeouts.eventually));
  const deadline = Date.now() + limit;
  let pause = 25;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${limit / 1000} s waiting for ${typeof what === 'function' ? what() : what}${scaleHint}`);
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(250, pause * 2);
  }
}
