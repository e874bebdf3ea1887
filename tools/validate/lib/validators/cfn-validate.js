'use strict';
// 1. The CloudFormation validation engine that aws-cdk-lib bundles (@aws/cloudformation-validate,
// WASM). We call it exactly the way aws-cdk-lib does during `cdk synth` with validation on: through
// aws-cdk-lib's own CloudFormationValidatePlugin, which builds a CompositeEngine with the built-in
// Rego rules for the resource types present, validates at severity level WARN (detail STANDARD),
// passes each stack's account/region as pseudo-parameter overrides, and leaves out the handful of
// rules aws-cdk-lib itself ignores for CDK output (W3005, W1020, I4010, W4011, W4012, W9002, W9013,
// W1103; W3697 for AWS::AutoScaling). Errors and warnings both block: bad enum values and open
// sensitive ports are reported at WARN level by this engine.
const path = require('path');
const { finding, templateIndex } = require('../finding');

const name = 'cfn-validate';

async function run(ctx) {
  const cdk = require('aws-cdk-lib');
  const libDir = path.dirname(require.resolve('aws-cdk-lib/package.json'));
  const engine = require(require.resolve('@aws/cloudformation-validate', { paths: [libDir] }));
  const plugin = new cdk.CloudFormationValidatePlugin();
  const byPath = templateIndex(ctx.templates);
  const findings = [];
  const stackOf = (t) => ({ stackConstructPath: t.stack, templatePath: t.path, accountId: t.account, region: t.region });
  const collect = (report, fallback) => {
    for (const v of report.violations) {
      const severity = v.severity === 'error' || v.severity === 'fatal' ? 'error'
        : v.severity === 'warning' ? 'warning' : 'info';
      for (const r of v.violatingResources) {
        findings.push(finding({
          validator: name,
          template: byPath(r.templatePath) || fallback,
          logicalId: r.resourceLogicalId,
          rule: v.ruleName,
          severity,
          blocking: severity !== 'info',
          message: v.fix ? `${v.description} (fix: ${v.fix})` : v.description,
          location: (r.locations || []).join(', '),
        }));
      }
    }
  };
  try {
    try {
      // All templates in one call, as aws-cdk-lib does: one engine for the union of resource types.
      collect(plugin.validate({ templatePaths: ctx.templates.map((t) => t.path), stackTemplates: ctx.templates.map(stackOf) }));
    } catch {
      // One template the engine cannot read must not hide the others: redo them one at a time
      // and report the unreadable one as a finding on that template.
      findings.length = 0;
      for (const t of ctx.templates) {
        try {
          collect(plugin.validate({ templatePaths: [t.path], stackTemplates: [stackOf(t)] }), t);
        } catch (e) {
          findings.push(finding({
            validator: name, template: t, rule: 'TemplateNotValidated', severity: 'error', blocking: true,
            message: `the engine could not validate this template: ${e.message}`,
          }));
        }
      }
    }
  } finally {
    if (typeof plugin._dispose === 'function') plugin._dispose();
  }
  return { findings, meta: { version: `@aws/cloudformation-validate ${engine.version()} (aws-cdk-lib ${require('aws-cdk-lib/package.json').version})` } };
}

module.exports = { name, run };
