// Named points inside long work where a crash test can stop a local worker, so that `npm start`
// is SIGKILLed exactly "in the middle" (lines written, import not finished; claims made, segment
// not done; payments recorded, chunk not marked) instead of by timing luck.
//
// TUODI_PAUSE_AT lists point names (comma-separated). A worker reaching a listed point logs
// "paused at <name>" (a warning) and never goes on: the test waits for that line, then kills the
// process group. Ignored on Lambda (AWS_LAMBDA_FUNCTION_NAME set), and unset it costs one lookup.
import { logger } from './logger.ts';

export type PausePoint = 'import-lines-written' | 'plan-segment-claimed' | 'payout-chunk-recorded';

/** Resolves at once unless TUODI_PAUSE_AT names `point` (locally); then it never resolves. */
export async function pausePoint(point: PausePoint, detail: Record<string, unknown> = {}): Promise<void> {
  const names = process.env.TUODI_PAUSE_AT;
  if (!names || process.env.AWS_LAMBDA_FUNCTION_NAME || !names.split(',').includes(point)) return;
  logger.warn(`paused at ${point}`, detail);
  await new Promise<never>(() => undefined);
}
