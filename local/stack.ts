// The whole local stack: emulators, resources from the topology, the HTTP API and one poller
// per queue, all running the same handler modules that Lambda runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { defaultBounds, functions, type FunctionName, type QueueName } from '../shared/topology.ts';
import { devKeys, type DevKeys } from './dev-auth.ts';
import { freePort, startEmulators, type EmulatorEndpoints } from './emulators.ts';
import { startHttpApi, loadRoutes } from './http-api.ts';
import { loadHandler, type Handler } from './lambda-runtime.ts';
import { guardClients } from './grant-guard.ts';
import { dynamodb, sqs as queueClient } from '../shared/adapters/clients.ts';
import { s3, s3Presigner } from '../shared/adapters/s3-clients.ts';
import { localRegion, provision } from './provision.ts';
import { localSecrets } from './secrets.ts';
import { startPoller, type Poller } from './queue-poller.ts';
import { startScheduler } from './scheduler.ts';
import { startStreamPollers } from './stream-pollers.ts';

export interface LocalStackOptions {
  /** Where DynamoDB Local keeps its files and the dev keys live; none: in memory, keys in a temp folder. */
  dataDir?: string;
  port?: number;
  visibilityTimeoutSeconds?: number;
  /** At most this many batches of a queue at once; each queue's own bound is its topology maxConcurrency. */
  pollerConcurrency?: number;
  onError?: (message: string) => void;
  /** Emulators already running (the test suite's shared set): none are started or stopped here. */
  emulators?: EmulatorEndpoints;
  /** Prefix of every table, queue and bucket name; default `tuodi`. Test files each use their own. */
  prefix?: string;
  /** Whether the scheduled jobs run on their schedules (`npm start`: yes); default false for tests. */
  schedules?: boolean;
  /** Jobs run every so many ms instead of on their schedule (local only; see startScheduler). */
  jobPeriodsMs?: Readonly<Record<string, number>>;
  /** Each scheduled run's outcome, as CloudWatch would log it. */
  onScheduledRun?: (message: string) => void;
  /** Wraps each queue function's handler as its poller calls it (tests watch and repeat deliveries). */
  wrapQueueHandler?: (name: FunctionName, queue: QueueName, handler: Handler) => Handler;
  /** Whether the stream consumers (the figures) run; default true. A bench turns them off to measure their share. */
  streams?: boolean;
}

export interface LocalStack {
  url: string;
  env: Record<string, string>;
  keys: DevKeys;
  sqs: SQSClient;
  queueUrls: Record<QueueName, string>;
  deadLetterQueueUrls: Record<QueueName, string>;
  /** Resolves when the stream consumers have handled every change written before the call. */
  streamsDrained(): Promise<void>;
  stop(): Promise<void>;
}

/** Written by `npm start` so that `npm run job` and `npm run token` find the running stack. */
export const stackFileName = 'stack.json';

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    let emulators = options.emulators;
    if (!emulators) {
      const started = await startEmulators(options.dataDir);
      stops.push(started.stop);
      emulators = started;
    }
    const provisioned = await provision({
      ...emulators,
      prefix: options.prefix ?? 'tuodi',
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    // The handlers build their SDK clients from these when first imported, as on Lambda.
    Object.assign(process.env, provisioned.env);
    guardClients([dynamodb(), s3(), s3Presigner(), queueClient()]);

    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tuodi-'));
    Object.assign(process.env, localSecrets(dataDir));
    const keys = await devKeys(dataDir);
    const port = options.port ?? (await freePort());
    const server: Server = await startHttpApi(await loadRoutes(), keys, port);
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const sqs = new SQSClient({
      region: localRegion,
      endpoint: emulators.sqsEndpoint,
      credentials: emulators.credentials,
      useQueueUrlAsEndpoint: false,
    });
    const queueFunctions = (Object.entries(functions) as Array<[FunctionName, (typeof functions)[FunctionName]]>).flatMap(
      ([name, spec]) => (spec.trigger.type === 'queue' ? [{ name, trigger: spec.trigger }] : []),
    );
    // Handlers load and queue ARNs resolve concurrently: one by one they were seconds of a test file's start.
    const pollers: Poller[] = await Promise.all(
      queueFunctions.map(async ({ name, trigger }) => {
        const queueUrl = provisioned.queueUrls[trigger.queue];
        const [arn, handler] = await Promise.all([
          sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })),
          loadHandler(name),
        ]);
        return startPoller({
          name,
          handler: options.wrapQueueHandler?.(name, trigger.queue, handler) ?? handler,
          queueUrl,
          queueArn: arn.Attributes?.QueueArn ?? '',
          batchSize: trigger.batchSize,
          // As Lambda's event source mapping: at most maxConcurrency invocations at once.
          concurrency: Math.min(trigger.maxConcurrency ?? defaultBounds.queueMaxConcurrency, options.pollerConcurrency ?? Infinity),
          sqs,
          onError: options.onError,
        });
      }),
    );
    // Pollers stop first so no handler runs against a stopped emulator.
    stops.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
      sqs.destroy();
    });

    if (options.schedules) {
      const scheduler = startScheduler({
        loadHandler,
        dataDir: options.dataDir,
        periodsMs: options.jobPeriodsMs,
        onRun: (job, outcome) =>
          outcome.ok
            ? options.onScheduledRun?.(`${job}: ${JSON.stringify(outcome.result ?? null)}`)
            : options.onError?.(`${job}: scheduled run failed: ${outcome.error.stack ?? outcome.error.message}`),
        onSkip: (job, reason) => options.onScheduledRun?.(`${job}: not started: ${reason}`),
      });
      // The scheduler stops before the pollers and emulators its jobs use.
      stops.push(scheduler.stop);
    }
    const streamPollers =
      options.streams === false
        ? { stop: async () => undefined, drained: async () => undefined }
        : await startStreamPollers(emulators.dynamodbEndpoint, emulators.credentials, provisioned.env, options.onError);
    stops.push(streamPollers.stop);

    const url = `http://127.0.0.1:${port}`;
    if (options.dataDir) {
      // It holds the emulators' secret: readable by this user only.
      writeFileSync(join(options.dataDir, stackFileName), JSON.stringify({ url, env: provisioned.env, pid: process.pid }), {
        mode: 0o600,
      });
    }
    return {
      url,
      env: provisioned.env,
      keys,
      sqs,
      queueUrls: provisioned.queueUrls,
      deadLetterQueueUrls: provisioned.deadLetterQueueUrls,
      streamsDrained: streamPollers.drained,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
