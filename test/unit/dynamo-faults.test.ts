// Which DynamoDB faults are retried as they are, and the bounded retry itself.
import { describe, expect, it } from 'vitest';
import { isTransientCancellation, isTransientFault, retryTransient } from '../../shared/adapters/dynamo-faults.ts';

/** An error shaped as the SDK throws it: a name, a fault and the HTTP status in $metadata. */
const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(name), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status, attempts: 1 }, ...extra });

// DynamoDB Local's answer under lock contention (the bench log of issue 14), as the SDK gave up on it.
const lockTimeout = () =>
  sdkError('InternalServerError', 500, { message: 'This action timed out because it too long waiting for a lock. This request will succeed in actual DynamoDB API' });
const cancelled = (...codes: string[]) => sdkError('TransactionCanceledException', 400, { CancellationReasons: codes.map((Code) => ({ Code })) });

describe('isTransientFault', () => {
  it('retries server errors, throttling, timeouts and resets', () => {
    for (const error of [
      lockTimeout(),
      sdkError('ServiceUnavailable', 503),
      sdkError('ThrottlingException', 400),
      sdkError('ProvisionedThroughputExceededException', 400),
      sdkError('RequestLimitExceeded', 400),
      sdkError('SomethingNew', 502),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ]) {
      expect(isTransientFault(error), (error as Error).name).toBe(true);
    }
  });

  it('never retries a refused condition, a validation error or a cancellation as such', () => {
    for (const error of [
      sdkError('ConditionalCheckFailedException', 400),
      sdkError('ValidationException', 400),
      cancelled('TransactionConflict'),
      new Error('plain'),
    ]) {
      expect(isTransientFault(error), (error as Error).name).toBe(false);
    }
  });
});

describe('isTransientCancellation', () => {
  it('is true only when nothing was refused and something conflicted or was throttled', () => {
    expect(isTransientCancellation(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(isTransientCancellation(cancelled('ThrottlingError', 'None'))).toBe(true);
    expect(isTransientCancellation(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(isTransientCancellation(cancelled('None', 'None'))).toBe(false);
    expect(isTransientCancellation(lockTimeout())).toBe(false);
  });
});

describe('retryTransient', () => {
  const failing = (faults: unknown[]) => {
    let calls = 0;
    const call = async () => {
      const fault = faults[calls++];
      if (fault) throw fault;
      return 'done';
    };
    return { call, calls: () => calls };
  };

  it('sends again after transient faults and answers the success', async () => {
    const f = failing([lockTimeout(), sdkError('ThrottlingException', 400), lockTimeout()]);
    await expect(retryTransient(f.call, { baseMs: 1 })).resolves.toBe('done');
    expect(f.calls()).toBe(4);
  });

  it('throws the last fault after `attempts` tries', async () => {
    const f = failing(Array.from({ length: 10 }, lockTimeout));
    await expect(retryTransient(f.call, { attempts: 3, baseMs: 1 })).rejects.toThrow(/waiting for a lock/);
    expect(f.calls()).toBe(3);
  });

  it('throws any other error at once', async () => {
    const f = failing([sdkError('ConditionalCheckFailedException', 400)]);
    await expect(retryTransient(f.call, { baseMs: 1 })).rejects.toThrow('ConditionalCheckFailedException');
    expect(f.calls()).toBe(1);
  });

  it('retries a conflicting transaction only when asked to', async () => {
    const plain = failing([cancelled('None', 'TransactionConflict')]);
    await expect(retryTransient(plain.call, { baseMs: 1 })).rejects.toThrow('TransactionCanceledException');
    const asked = failing([cancelled('None', 'TransactionConflict')]);
    await expect(retryTransient(asked.call, { baseMs: 1, cancellations: true })).resolves.toBe('done');
    expect(asked.calls()).toBe(2);
  });
});
