// How `npm run job` and `npm run token` find the stack that `npm start` runs: its .local/stack.json,
// checked against the process and the URL it names (a crashed stack leaves the file behind).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlainProblem } from './emulators.ts';
import { defaultDataDir } from './paths.ts';
import { stackFileName } from './stack.ts';

export const notRunning = 'Tuodi is not running here; start it with npm start';

/** The data folder: TUODI_DATA_DIR, else .local/ beside the project. */
export const dataDir = () => process.env.TUODI_DATA_DIR || defaultDataDir;

export interface RunningStack {
  url: string;
  env: Record<string, string>;
  pid: number;
}

/** The running stack, or PlainProblem(notRunning) when there is none or its file is stale. */
export async function runningStack(directory = dataDir()): Promise<RunningStack> {
  const file = join(directory, stackFileName);
  if (!existsSync(file)) throw new PlainProblem(notRunning);
  const stack = JSON.parse(readFileSync(file, 'utf8')) as RunningStack;
  try {
    process.kill(stack.pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw new PlainProblem(notRunning);
  }
  const healthy = await fetch(`${stack.url}/health`, { signal: AbortSignal.timeout(5_000) }).then(
    (response) => response.ok,
    () => false,
  );
  if (!healthy) throw new PlainProblem(notRunning);
  return stack;
}

/** Runs main; a PlainProblem is printed as its one line and exits 1, anything else as is. */
export async function withPlainProblems(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof PlainProblem)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
