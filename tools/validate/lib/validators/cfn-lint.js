'use strict';
// 4. cfn-lint, the one installed on the machine (not pip-installed by us; override the command
// with CFN_LINT=/path/to/cfn-lint). Configured by tools/validate/.cfnlintrc (--config-file).
// Templates are linted against the region of their stack (us-east-1 when environment-agnostic).
// Errors and warnings block; informational findings (only if enabled in .cfnlintrc) do not.
const path = require('path');
const { runCommand } = require('../proc');
const { finding, templateIndex } = require('../finding');

const name = 'cfn-lint';
const DEFAULT_REGION = 'us-east-1';

async function run(ctx) {
  const cmd = process.env.CFN_LINT || 'cfn-lint';
  const config = path.join(ctx.toolDir, '.cfnlintrc');
  const byPath = templateIndex(ctx.templates);
  const byRegion = new Map();
  for (const t of ctx.templates) {
    const r = t.region || DEFAULT_REGION;
    if (!byRegion.has(r)) byRegion.set(r, []);
    byRegion.get(r).push(t);
  }
  const versionOut = runCommand(cmd, ['--version']).catch(() => ({ stdout: 'cfn-lint (version unknown)' }));
  const runs = [...byRegion.entries()].map(async ([region, ts]) => {
    const args = ['--config-file', config, '--format', 'json', '--regions', region, '--', ...ts.map((t) => t.path)];
    let res;
    try {
      res = await runCommand(cmd, args, { cwd: ctx.toolDir });
    } catch (e) {
      throw new Error(`cannot run ${cmd} (is cfn-lint installed? set CFN_LINT to its path): ${e.message}`);
    }
    let items;
    try {
      items = JSON.parse(res.stdout || '[]');
    } catch {
      throw new Error(`cfn-lint exited ${res.code} without JSON output: ${(res.stderr || res.stdout).trim().slice(0, 2000)}`);
    }
    return { region, items };
  });
  const findings = [];
  for (const { region, items } of await Promise.all(runs)) {
    for (const it of items) {
      const p = it.Location?.Path || [];
      const logicalId = p[0] === 'Resources' && typeof p[1] === 'string' ? p[1] : '';
      const level = String(it.Level || '').toLowerCase();
      const severity = level === 'error' ? 'error' : level === 'warning' ? 'warning' : 'info';
      const abs = path.resolve(ctx.toolDir, it.Filename || '');
      findings.push(finding({
        validator: name,
        template: byPath(abs) || byPath(it.Filename),
        logicalId,
        rule: it.Rule?.Id || 'unknown',
        severity,
        blocking: severity !== 'info',
        message: `${it.Message}${region !== DEFAULT_REGION ? ` [region ${region}]` : ''}`,
        location: `${p.join('.')}${it.Location?.Start ? ` (line ${it.Location.Start.LineNumber})` : ''}`,
      }));
    }
  }
  const v = await versionOut;
  return { findings, meta: { version: (v.stdout || v.stderr).trim() } };
}

module.exports = { name, run };
