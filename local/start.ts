// npm start: the whole of Tuodi on this machine. TUODI_DATA_DIR moves the data folder (default
// .local/), PORT the HTTP port (default 3000).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { roles } from '../shared/topology.ts';
import { PlainProblem } from './emulators.ts';
import { designatedHospitals } from './provision.ts';
import { dataDir } from './running-stack.ts';
import { stackFileName, startLocalStack, type LocalStack } from './stack.ts';

const port = Number(process.env.PORT ?? 3000);
const directory = dataDir();
const started = Date.now();
console.log('Starting Tuodi locally (DynamoDB Local, fauxqs for SQS, s3rver for S3)...');
let stack: LocalStack;
try {
  stack = await startLocalStack({
    dataDir: directory,
    port,
    schedules: true,
    onError: (message) => console.error(message),
    onScheduledRun: (message) => console.log(`scheduled ${message}`),
  });
} catch (error) {
  if (error instanceof PlainProblem) {
    console.error(error.message);
    process.exit(1);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use (another npm start?); choose another with PORT=...`);
    process.exit(1);
  }
  throw error;
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Tuodi...');
  await stack.stop();
  rmSync(join(directory, stackFileName), { force: true });
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
  jobs:      run on their schedules; once now: npm run --silent job -- NAME [--as-of YYYY-MM-DD]
  data:      ${directory} (tables, stored files, keys; delete it to start empty)
Ctrl-C stops everything.`);
