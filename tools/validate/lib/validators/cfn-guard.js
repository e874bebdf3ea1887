'use strict';
// 2. The AWS Control Tower proactive controls as CloudFormation Guard rules, from
// @cdklabs/cdk-validator-cfnguard: its static cfn-guard binary (bin/<os>/<arch>/cfn-guard) over
// its rules/control-tower/cfn-guard/**/*.guard (237 rules), driven through the package's own
// CfnGuardValidator class so that guard's JSON output is interpreted exactly as in a CDK app.
// The rule id acknowledgements match on is the control id (CT.EC2.PR.4); the guard rule name
// (vpc_sg_restricted_common_ports_check) is accepted as an alias. Every violation blocks.
const fs = require('fs');
const path = require('path');
const { finding, templateIndex } = require('../finding');

const name = 'cfn-guard';

function controlSeverities(pkgDir) {
  // Control id -> Severity (HIGH, MEDIUM, ...) from the shipped metadata files.
  const out = new Map();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.json')) {
        try {
          const m = JSON.parse(fs.readFileSync(full, 'utf8'));
          if (m.Id) out.set(m.Id, m.Severity);
        } catch { /* metadata is only decoration */ }
      }
    }
  };
  try { walk(path.join(pkgDir, 'rules', 'control-tower', 'metadata')); } catch { /* absent */ }
  return out;
}

async function run(ctx) {
  const { CfnGuardValidator } = require('@cdklabs/cdk-validator-cfnguard');
  const pkgDir = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const pkg = require('@cdklabs/cdk-validator-cfnguard/package.json');
  const guardVersion = JSON.parse(fs.readFileSync(path.join(pkgDir, 'guard-version.json'), 'utf8')).version;
  const validator = new CfnGuardValidator({ maxBuffer: 1024 * 1024 * 1024 });
  if (!fs.existsSync(validator.guard)) throw new Error(`cfn-guard binary missing: ${validator.guard}`);
  const severities = controlSeverities(pkgDir);
  const byPath = templateIndex(ctx.templates);
  const findings = [];

  const collect = (report, fallback) => {
    for (const v of report.violations) {
      const m = /^\[([A-Z0-9.]+)\]:\s*(.*)$/s.exec(v.description || '');
      const control = m ? m[1] : v.ruleName;
      const sev = severities.get(control);
      const text = m ? m[2] : v.description;
      for (const r of v.violatingResources) {
        findings.push(finding({
          validator: name,
          template: byPath(r.templatePath) || fallback,
          logicalId: r.resourceLogicalId,
          rule: control,
          aliases: [v.ruleName],
          severity: 'error',
          blocking: true,
          message: `${sev ? `[${sev}] ` : ''}${text}${v.fix ? ` (fix: ${v.fix})` : ''}`,
          location: [...new Set(r.locations || [])].join(', '),
        }));
      }
    }
  };

  try {
    collect(validator.validate({ templatePaths: ctx.templates.map((t) => t.path) }));
  } catch {
    // guard rejects the whole batch when one template cannot be parsed: redo one at a time.
    findings.length = 0;
    for (const t of ctx.templates) {
      try {
        collect(validator.validate({ templatePaths: [t.path] }), t);
      } catch (e) {
        findings.push(finding({
          validator: name, template: t, rule: 'TemplateNotEvaluated', severity: 'error', blocking: true,
          message: `cfn-guard could not evaluate this template: ${String(e.message).trim().split('\n').pop()}`,
        }));
      }
    }
  }
  return {
    findings,
    meta: { version: `${pkg.name} ${pkg.version}, cfn-guard ${guardVersion}, ${validator.ruleIds.length} rules` },
  };
}

module.exports = { name, run };
