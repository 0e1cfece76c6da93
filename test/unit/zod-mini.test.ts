// shared/zod-mini.ts gives zod/mini schemas zod's English messages, which classic zod would set on
// import: a worker whose bundle holds no zod classic still says what is wrong with a field.
import { expect, it } from 'vitest';
import { parseQueueMessage } from '../../shared/queue/messages.ts';

it('a zod/mini schema reports a wrong field in English, with no zod classic loaded', () => {
  expect(() => parseQueueMessage('payoutPlans', { kind: 'planSegment', batchId: 'b', segment: 'x' })).toThrow(
    'malformed payoutPlans message: segment: Invalid input: expected number, received string',
  );
});
