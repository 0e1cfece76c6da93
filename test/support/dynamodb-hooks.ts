// Fault injection at the DynamoDB client of the handlers running in this process: a hook sees
// every command before it is sent and may delay it (await) or fail it (throw). Both shared
// clients (documents() and dynamodb()) go through one middleware stack, so one hook sees all.
import { dynamodb } from '../../shared/adapters/clients.ts';

export interface DynamoDbCall {
  /** The low-level command name, e.g. TransactWriteItemsCommand, PutItemCommand, QueryCommand. */
  name: string;
  /** The command's input (DocumentClient inputs still unmarshalled). */
  input: any;
}

/** Commands that change data. */
export const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

let installed = 0;

/** Runs hook before every DynamoDB command the handlers send; call the returned function to remove it. */
export function beforeDynamoDbCommand(hook: (call: DynamoDbCall) => Promise<void> | void): () => void {
  const name = `tuodiTestHook${++installed}`;
  const stack = dynamodb().middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      await hook({ name: context.commandName ?? 'unknown', input: args.input });
      return next(args);
    },
    { step: 'initialize', name },
  );
  return () => void stack.remove(name);
}
