// How long leases last and when the sweeper calls work stale: the deployed values follow the
// function timeouts (stale never before the timeout, so a live worker is never re-driven); only a
// local stack shortens them, and Lambda ignores the local knob.
import { afterEach, describe, expect, it } from 'vitest';
import { consumerOf, queues, type QueueName } from '../../shared/topology.ts';
import { leaseMsFor, staleAfterMsFor } from '../../shared/usecases/recovery.ts';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});
const queueNames = Object.keys(queues) as QueueName[];

describe('recovery timing', () => {
  it('as deployed: leases last the function timeout, work is stale after twice it', () => {
    delete process.env.TUODI_LOCAL_RECOVERY_SECONDS;
    for (const queue of queueNames) {
      const timeoutMs = consumerOf(queue).spec.timeoutSeconds * 1000;
      expect(leaseMsFor(queue)).toBe(timeoutMs);
      expect(staleAfterMsFor(queue)).toBe(2 * timeoutMs);
    }
  });

  it('on Lambda the local knob is ignored, whatever is set', () => {
    process.env.TUODI_LOCAL_RECOVERY_SECONDS = '1';
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'tuodi-recover-stalled-work';
    for (const queue of queueNames) {
      expect(staleAfterMsFor(queue)).toBeGreaterThanOrEqual(consumerOf(queue).spec.timeoutSeconds * 1000);
      expect(leaseMsFor(queue)).toBe(consumerOf(queue).spec.timeoutSeconds * 1000);
    }
  });

  it('a local stack may shorten both; nonsense values are ignored', () => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.TUODI_LOCAL_RECOVERY_SECONDS = '8';
    expect([leaseMsFor('payoutChunks'), staleAfterMsFor('payoutPlans')]).toEqual([8_000, 8_000]);
    for (const nonsense of ['0', '-3', 'soon', '']) {
      process.env.TUODI_LOCAL_RECOVERY_SECONDS = nonsense;
      expect(staleAfterMsFor('payoutPlans')).toBe(2 * consumerOf('payoutPlans').spec.timeoutSeconds * 1000);
    }
  });
});
