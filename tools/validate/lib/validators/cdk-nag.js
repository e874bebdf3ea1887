'use strict';
// 3. cdk-nag (AwsSolutions, HIPAA Security, NIST 800-53 rev 5) over each template, loaded into a
// fresh App/Stack with aws-cdk-lib's cloudformation-include (CfnInclude, logical ids preserved).
// A template CfnInclude cannot load is itself a (blocking) finding, rule CfnIncludeLoadError.
// cdk-nag errors block; cdk-nag warnings are reported but do not block (see docs/validation.md).
// Acknowledgements written into the templates (cdk_nag metadata of cdk-nag v2) are NOT honoured:
// tools/validate/acknowledgements.json is the single place for them.
const { finding } = require('../finding');

const name = 'cdk-nag';

async function run(ctx) {
  const cdk = require('aws-cdk-lib');
  const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
  const nag = require('cdk-nag');
  const packs = [nag.AwsSolutionsChecks, nag.HIPAASecurityChecks, nag.NIST80053R5Checks];
  const findings = [];
  for (const t of ctx.templates) {
    const app = new cdk.App();
    const stack = new cdk.Stack(app, 'Validate', t.account && t.region ? { env: { account: t.account, region: t.region } } : undefined);
    try {
      new CfnInclude(stack, 'Template', { templateFile: t.path, preserveLogicalIds: true });
    } catch (e) {
      findings.push(finding({
        validator: name, template: t, rule: 'CfnIncludeLoadError', severity: 'error', blocking: true,
        message: `cloudformation-include cannot load this template, so cdk-nag could not check it: ${e.message}`,
      }));
      continue;
    }
    for (const Pack of packs) {
      const report = new Pack(undefined, { verbose: false }).validateScope(stack);
      for (const v of report.violations) {
        const severity = v.severity === 'error' ? 'error' : 'warning';
        for (const r of v.violatingResources) {
          // constructPath is Validate/Template/<LogicalId>
          const parts = String(r.constructPath || '').split('/');
          findings.push(finding({
            validator: name,
            template: t,
            logicalId: parts.length >= 3 ? parts[2] : parts.pop(),
            rule: v.ruleName,
            severity,
            blocking: severity === 'error',
            message: v.description,
          }));
        }
      }
    }
  }
  const pkg = require('cdk-nag/package.json');
  return { findings, meta: { version: `cdk-nag ${pkg.version} (AwsSolutions, HIPAA.Security, NIST.800.53.R5)` } };
}

module.exports = { name, run };
