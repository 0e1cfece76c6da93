// npm run --silent token -- --role ROLE --sub SUBJECT [--hospital HOSPITAL_ID]
import { parseArgs } from 'node:util';
import { roles, type Role } from '../shared/topology.ts';
import { devKeys } from './dev-auth.ts';
import { dataDir, runningStack, withPlainProblems } from './running-stack.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    sub: { type: 'string' },
    hospital: { type: 'string' },
    'expires-in': { type: 'string', default: '8h' },
  },
});
const role = values.role as Role | undefined;
if (!role || !roles.includes(role) || !values.sub) {
  console.error(`usage: npm run --silent token -- --role ${roles.join('|')} --sub SUBJECT [--hospital HOSPITAL_ID]`);
  process.exit(2);
}
if (role === 'hospital' && !values.hospital) {
  console.error('a hospital token needs --hospital HOSPITAL_ID (see GET /hospitals)');
  process.exit(2);
}
await withPlainProblems(async () => {
  // A token is only of use to a running stack; say so now rather than at the first curl.
  await runningStack();
  const keys = await devKeys(dataDir());
  console.log(await keys.sign({ role, sub: values.sub!, hospitalId: values.hospital, expiresIn: values['expires-in'] }));
});
