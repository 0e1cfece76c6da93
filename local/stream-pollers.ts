// One stream poller per `stream` trigger in the topology, as the CDK stack makes one DynamoDB
// event source mapping per trigger.
import { functions, tableEnv, type FunctionName, type FunctionSpec } from '../shared/topology.ts';
import { loadHandler } from './lambda-runtime.ts';
import { startStreamPoller, type StreamPoller } from './stream-poller.ts';
import type { LocalCredentials } from './credentials.ts';

export async function startStreamPollers(
  dynamodbEndpoint: string,
  credentials: LocalCredentials,
  env: Record<string, string>,
  onError?: (message: string) => void,
): Promise<{ stop(): Promise<void>; drained(): Promise<void> }> {
  const pollers: StreamPoller[] = [];
  for (const [name, spec] of Object.entries(functions) as Array<[FunctionName, FunctionSpec]>) {
    const trigger = spec.trigger;
    if (trigger.type !== 'stream') continue;
    pollers.push(
      startStreamPoller({
        name,
        handler: await loadHandler(name),
        tableName: env[tableEnv(trigger.table)]!,
        batchSize: trigger.batchSize,
        parallelizationFactor: trigger.parallelizationFactor,
        dynamodbEndpoint,
        credentials,
        onError,
      }),
    );
  }
  return {
    stop: async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    },
    drained: async () => {
      await Promise.all(pollers.map((p) => p.drained()));
    },
  };
}
