// Fault injection at the SDK clients the handlers share (AWS mocks for fault injection only): a
// middleware on the DynamoDB and S3 clients sees each command with the queue delivery running it
// (currentDelivery) and may hold it back or fail it before or after it is applied.
import { dynamodb } from '../../shared/adapters/clients.ts';
import { s3 } from '../../shared/adapters/s3-clients.ts';
import { currentDelivery, type Delivery } from '../support/local-stack.ts';
import type { AdapterFault } from './fault-plan.ts';

export interface AdapterCall {
  client: 'dynamodb' | 's3';
  /** The low-level command name, e.g. TransactWriteItemsCommand, PutObjectCommand. */
  name: string;
  input: any;
  delivery: Delivery | undefined;
}

const dynamoDbWrites = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const s3Uploads = new Set(['PutObjectCommand', 'CreateMultipartUploadCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand']);

export function isWrite(call: AdapterCall): boolean {
  return call.client === 'dynamodb' ? dynamoDbWrites.has(call.name) : s3Uploads.has(call.name);
}

let installed = 0;

/**
 * Wraps every command of both shared clients: `around(call, send)` decides whether and when
 * `send()` (the command itself) runs. Returns the uninstaller.
 */
export function aroundAdapterCalls(around: (call: AdapterCall, send: () => Promise<unknown>) => Promise<unknown>): () => void {
  const name = `tuodiChaos${++installed}`;
  // The two clients' stacks differ only in their input and output types, which a wrapper never reads.
  type AnyStack = { add(middleware: any, options: { step: 'initialize'; name: string }): void; remove(name: string): boolean };
  const clients: Array<[AdapterCall['client'], AnyStack]> = [
    ['dynamodb', dynamodb().middlewareStack as unknown as AnyStack],
    ['s3', s3().middlewareStack as unknown as AnyStack],
  ];
  for (const [client, stack] of clients) {
    stack.add(
      (next: (args: any) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) =>
        around({ client, name: context.commandName ?? 'unknown', input: args.input, delivery: currentDelivery() }, () => next(args)),
      { step: 'initialize', name },
    );
  }
  return () => {
    for (const [, stack] of clients) stack.remove(name);
  };
}

/** Which write a fault hit, enough to tell a lease's acquire from the work's own writes: the table and the update's first clause. */
function describeCall(call: AdapterCall): string {
  const table = String(call.input?.TableName ?? '').split('-').at(-1);
  const update = String(call.input?.UpdateExpression ?? '').slice(0, 48);
  return `${table ? `, ${table}` : ''}${update ? `: ${update}` : ''}`;
}

export class InjectedFault extends Error {
  constructor(message: string, name = 'InjectedFault') {
    super(message);
    this.name = name;
  }
}

/** One planned fault, counting its matching calls: it fires once, on the k-th. */
export class ArmedFault {
  private seen = 0;
  firedOn?: string;
  constructor(readonly fault: AdapterFault) {}

  matches(call: AdapterCall): boolean {
    const f = this.fault;
    if (call.delivery?.queue !== f.queue || call.client !== f.client) return false;
    if (f.commands === 'transactions') return call.name === 'TransactWriteItemsCommand';
    return isWrite(call);
  }

  /** Runs the call, failing it as planned if this is the k-th match. */
  async run(call: AdapterCall, send: () => Promise<unknown>): Promise<unknown> {
    if (this.firedOn || !this.matches(call) || ++this.seen !== this.fault.k) return send();
    const what = `${this.fault.queue} ${call.name} #${this.fault.k} (copy ${call.delivery?.copy}${describeCall(call)})`;
    this.firedOn = what;
    if (this.fault.when === 'before') throw new InjectedFault(`injected: ${what} failed before it was applied`);
    if (this.fault.when === 'timeout') {
      await new Promise((r) => setTimeout(r, 200));
      throw new InjectedFault(`injected: ${what} timed out`, 'TimeoutError');
    }
    await send();
    throw new InjectedFault(`injected: the worker died after ${what} was applied`);
  }
}
