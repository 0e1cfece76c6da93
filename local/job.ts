// npm run --silent job -- NAME [--as-of YYYY-MM-DD]: runs a scheduled job once against the
// stack that `npm start` is running, invoking the same handler its EventBridge schedule invokes.
import { parseArgs } from 'node:util';
import { dateInChina } from '../shared/domain/clock.ts';
import { asOfProblem } from '../shared/domain/values.ts';
import { functions, type FunctionName, type FunctionSpec } from '../shared/topology.ts';
import { lambdaContext, loadHandler } from './lambda-runtime.ts';
import { runningStack, dataDir, withPlainProblems } from './running-stack.ts';
import { localSecrets } from './secrets.ts';

const { values, positionals } = parseArgs({ options: { 'as-of': { type: 'string' } }, allowPositionals: true });
const jobs = (Object.entries(functions) as Array<[FunctionName, FunctionSpec]>).flatMap(
  ([name, spec]) => (spec.trigger.type === 'schedule' ? [{ name, job: spec.trigger.job }] : []),
);
const requested = positionals[0];
const found = jobs.find((j) => j.job === requested);
if (!found) {
  console.error(`usage: npm run --silent job -- NAME [--as-of YYYY-MM-DD]; jobs: ${jobs.map((j) => j.job).join(', ') || 'none yet'}`);
  process.exit(2);
}
const asOf = values['as-of'] === undefined ? null : asOfProblem(values['as-of'], dateInChina(new Date()));
if (asOf) {
  console.error(`--as-of ${asOf}`);
  process.exit(2);
}
await withPlainProblems(async () => {
  const { env } = await runningStack();
  Object.assign(process.env, env, localSecrets(dataDir()));
  const handler = await loadHandler(found.name);
  const result = await handler({ job: found.job, asOf: values['as-of'] }, lambdaContext(found.name));
  console.log(JSON.stringify(result ?? { job: found.job, status: 'done' }, null, 2));
});
