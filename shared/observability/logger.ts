import { Logger } from '@aws-lambda-powertools/logger';

// Log ids, counts and codes only: never request bodies, names or resident ID numbers.
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'tuodi' });
