import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm start` keeps DynamoDB Local's files and the dev key pair (git-ignored). */
export const defaultDataDir = fileURLToPath(new URL('../.local', import.meta.url));
