// One invocation's context, kept apart from the others running at the same time in this process,
// as Lambda's multi-concurrency runtime keeps it (globalThis.awslambda.InvokeStore). The local
// stack runs every function's invocations in one process, where the shared Powertools logger's
// Lambda context (function_name, request id) was whichever invocation started last: a line
// logged by decideHospitalNotices could say getHospitalNotice. With AWS_LAMBDA_MAX_CONCURRENCY
// set, Powertools keeps that context (and temporary keys) in this store, one per invocation.
// Unlike the runtime's own store, code outside any invocation (a test calling a use case
// directly) gets one shared context instead of an error.
import { AsyncLocalStorage } from 'node:async_hooks';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';

type InvocationContext = Record<string | symbol, unknown>;

class LocalInvokeStore extends InvokeStoreBase {
  readonly #invocations = new AsyncLocalStorage<InvocationContext>();
  readonly #outside: InvocationContext = {};

  getContext(): InvocationContext {
    return this.#invocations.getStore() ?? this.#outside;
  }
  hasContext(): boolean {
    return this.#invocations.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.getContext()[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.getContext()[key] = value;
  }
  run<T>(context: InvocationContext, fn: () => T): T {
    return this.#invocations.run(context, fn);
  }
}

/** Installs the store once per process (before any invocation) and says Powertools should use it. */
function installedStore(): InvokeStoreBase {
  const lambda = ((globalThis as { awslambda?: { InvokeStore?: InvokeStoreBase } }).awslambda ??= {});
  if (!(lambda.InvokeStore instanceof LocalInvokeStore)) lambda.InvokeStore = new LocalInvokeStore();
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
  return lambda.InvokeStore;
}

/** Runs `invoke` as one invocation with its own context (request id as the runtime sets it). */
export function inOwnInvocation<T>(requestId: string, invoke: () => T): T {
  return installedStore().run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId }, invoke);
}
