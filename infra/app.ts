// CDK entry point (cdk.json: `npx tsx infra/app.ts`).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TuodiStack } from './stack.ts';

const app = new App();
// cdk-nag 3 runs as a validation plugin: any unacknowledged finding makes synth fail.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new TuodiStack(app, 'Tuodi', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
