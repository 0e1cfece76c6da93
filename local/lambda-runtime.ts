// Loads a function's handler module as Lambda would and gives it a Lambda context.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functions, type FunctionName } from '../shared/topology.ts';
import { runningFunction } from './grant-guard.ts';
import { inOwnInvocation } from './invoke-store.ts';
import { projectRoot } from './paths.ts';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export async function loadHandler(name: FunctionName): Promise<Handler> {
  const module = (await import(pathToFileURL(join(projectRoot, functions[name].entry)).href)) as { handler?: Handler };
  const handler = module.handler;
  if (typeof handler !== 'function') throw new Error(`${functions[name].entry} exports no handler`);
  // A route that takes POSTs must be built with idempotentPosts (shared/http/idempotency.ts): only those bundles carry it.
  const trigger = functions[name].trigger;
  if (trigger.type === 'http' && trigger.method === 'POST' && (handler as { idempotent?: boolean }).idempotent !== true) {
    throw new Error(`${functions[name].entry} takes POSTs but its httpRoute was built without idempotentPosts`);
  }
  return asInvocation(name, handler);
}

/**
 * `handler` as function `name`'s invocations: every SDK call inside is checked against its grants
 * (local/grant-guard.ts), and its log lines carry its own Lambda context (local/invoke-store.ts).
 */
export function asInvocation(name: FunctionName, handler: Handler): Handler {
  return (event, context) => inOwnInvocation(context.awsRequestId, () => runningFunction.run(name, () => handler(event, context)));
}

/**
 * TUODI_FUNCTION_TIMEOUT_SCALE (default 1) stretches every function's deadline: here many
 * invocations share a few cores, where Lambda gives each its own. Test stacks set it.
 */
function functionTimeoutScale(): number {
  const scale = Number(process.env.TUODI_FUNCTION_TIMEOUT_SCALE);
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

export function lambdaContext(name: FunctionName): Context {
  const spec = functions[name];
  const deadline = Date.now() + spec.timeoutSeconds * 1000 * functionTimeoutScale();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `tuodi-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:tuodi-${name}`,
    memoryLimitInMB: String(spec.memoryMiB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/tuodi-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
