// Issue 13, part 7: local log lines carry the right function name. The local stack runs every
// function in one process with one shared Powertools logger; each invocation's Lambda context must
// stay its own even when another function's invocation starts while it is running.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { asInvocation, lambdaContext, type Handler } from '../../local/lambda-runtime.ts';
import { logger } from '../../shared/observability/logger.ts';

afterEach(() => vi.restoreAllMocks());

/** Log lines written while `act` runs (WARN: the suite's level), parsed. */
async function logLines(act: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  }
  await act();
  vi.restoreAllMocks();
  return written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the local runtime', () => {
  it("keeps each invocation's function name on its log lines while another function's invocation runs", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const decideStarted = new Promise<void>((resolve) => (started = resolve));
    const decide = asInvocation(
      'decideHospitalNotices',
      middy(async () => {
        started();
        await gate; // getHospitalNotice's invocation starts meanwhile
        logger.warn('notice decided');
        return {};
      }).use(injectLambdaContext(logger)) as unknown as Handler,
    );
    const get = asInvocation(
      'getHospitalNotice',
      middy(async () => {
        logger.warn('notice read');
        return {};
      }).use(injectLambdaContext(logger)) as unknown as Handler,
    );
    const lines = await logLines(async () => {
      const deciding = decide({}, lambdaContext('decideHospitalNotices'));
      await decideStarted;
      await get({}, lambdaContext('getHospitalNotice'));
      release();
      await deciding;
    });
    expect(lines.map((line) => [line.message, line.function_name])).toEqual([
      ['notice read', 'tuodi-getHospitalNotice'],
      ['notice decided', 'tuodi-decideHospitalNotices'],
    ]);
  });

  it('still logs from code running outside any invocation (a test calling a use case directly)', async () => {
    const lines = await logLines(async () => logger.warn('outside'));
    expect(lines.map((line) => line.message)).toEqual(['outside']);
  });
});
