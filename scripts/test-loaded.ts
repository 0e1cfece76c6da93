// npm run test:loaded [-- vitest args]: `npm test` beside one busy-loop process per core, the
// suite's definition of "a loaded machine". Prints the wall time and exits with npm test's code.
// The busy loops die with this script, also when it is killed: each exits once its parent is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

const busyLoop = `
const parent = process.ppid;
for (;;) {
  const until = Date.now() + 100;
  while (Date.now() < until);
  if (process.ppid !== parent) process.exit(0);
}`;

const cores = availableParallelism();
const hogs: ChildProcess[] = Array.from({ length: cores }, () => spawn(process.execPath, ['-e', busyLoop], { stdio: 'ignore' }));
const stopHogs = () => {
  for (const hog of hogs) if (hog.exitCode === null) hog.kill('SIGKILL');
};
process.on('exit', stopHogs);

const started = Date.now();
console.log(`test:loaded: npm test beside ${cores} busy loops (one per core)`);
// Its own process group, so a signal to this script reaches tsc, vitest and its workers.
const suite = spawn('npm', ['test', '--', ...process.argv.slice(2)], { stdio: 'inherit', detached: true });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (suite.pid) process.kill(-suite.pid, signal);
  });
}
suite.on('exit', (code, signal) => {
  stopHogs();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`test:loaded: npm test ${code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`} in ${seconds} s beside ${cores} busy loops`);
  process.exit(code ?? 1);
});
