// CloudFormation's own template rules (cfn-lint compiled to wasm, CDK's builtinCloudFormationValidation)
// over the global deployment's template; china.test.ts runs them over the Ningxia one. In a file of
// its own: the rules cost about 13 s of CPU per synthesis, and stack.test.ts's checks need none of it.
import { describe, expect, it } from 'vitest';
import { buildStack, loadSettings, settingsFiles, templateFindings } from './support.ts';

describe('the global (Cognito) deployment template', () => {
  it("passes CloudFormation's own template rules (CDK's built-in validation only warns, so the report is read)", () => {
    const built = buildStack(undefined, loadSettings(settingsFiles.globalCognito), undefined, { templateValidation: true });
    try {
      expect(templateFindings(built.app.synth().directory)).toEqual([]);
    } finally {
      built.cleanup();
    }
  });
});
