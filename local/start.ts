// npm start: the whole of Tuodi on this machine.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { roles } from '../shared/topology.ts';
import { defaultDataDir } from './paths.ts';
import { designatedHospitals } from './provision.ts';
import { stackFileName, startLocalStack } from './stack.ts';

const port = Number(process.env.PORT ?? 3000);
const started = Date.now();
console.log('Starting Tuodi locally (DynamoDB Local, fauxqs for SQS and S3)...');
const stack = await startLocalStack({
  dataDir: defaultDataDir,
  port,
  onError: (message) => console.error(message),
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Tuodi...');
  await stack.stop();
  rmSync(join(defaultDataDir, stackFileName), { force: true });
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
process.on('uncaughtException', (error) => {
  console.error('fatal:', error);
  void shutdown(1);
});
process.on('unhandledRejection', (error) => {
  console.error('fatal:', error);
  void shutdown(1);
});

const hospital = designatedHospitals()[0]?.hospitalId ?? 'HOSPITAL_ID';
console.log(`
Tuodi is up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${stack.url}
  health:    curl ${stack.url}/health
  roles:     ${roles.join(', ')}
  a token:   TOKEN=$(npm run --silent token -- --role reviewer --sub reviewer-1)
             (a hospital: --role hospital --sub his-1 --hospital ${hospital})
  try:       curl -H "Authorization: Bearer $TOKEN" ${stack.url}/hospitals
  jobs:      npm run --silent job -- NAME [--as-of YYYY-MM-DD]
  data:      ${defaultDataDir} (DynamoDB Local files; delete it to start empty)
Ctrl-C stops everything.`);
