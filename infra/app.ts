// CDK entry point (cdk.json: `npx tsx infra/app.ts`). The deployment settings file comes from
// the `settings` context value: `npx cdk synth -c settings=infra/settings/global-cognito.json`.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { projectRoot, TuodiStack } from './stack.ts';
import { readSettings } from './settings.ts';

const app = new App();
const settingsFile: unknown = app.node.tryGetContext('settings');
if (typeof settingsFile !== 'string') throw new Error('set the deployment settings file: -c settings=infra/settings/<name>.json');
// cdk-nag 3 runs as a validation plugin: any unacknowledged finding makes synth fail.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
new TuodiStack(app, 'Tuodi', {
  settings: readSettings(settingsFile, projectRoot),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT },
});
