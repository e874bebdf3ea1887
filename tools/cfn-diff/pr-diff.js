#!/usr/bin/env node
'use strict';
require('./lib/check-deps');
/**
 * The node half of tools/pr-diff: compares two already synthesized cloud assemblies and prints
 * the Markdown report. tools/pr-diff (bash) does the git worktrees and the synths, then calls this.
 * Exit codes: 0 no blocking change, 2 destructive change(s) not allowed, 1 tool error.
 */
const fs = require('fs');
const path = require('path');
const { classifyDirs, UsageError } = require('./lib/classify');
const { renderReport } = require('./lib/markdown');
const { runCli } = require('./lib/cli');
const { renderRisk, loadGates, parseAcks, GATES_FILE } = require('./lib/risk-report');

const USAGE = `Usage: node tools/cfn-diff/pr-diff.js --base-dir DIR --head-dir DIR [options]

  --base-dir DIR        cloud assembly (cdk.out) of the base; missing or "-" = no stacks
  --head-dir DIR        cloud assembly of the head
  --base-label TEXT     how to name the base in the report (default: base)
  --head-label TEXT     how to name the head in the report (default: head)
  --allow-destructive   report destructive changes but exit 0 (also env PR_DIFF_ALLOW_DESTRUCTIVE=true)
  --markdown-out FILE   also write the Markdown to FILE
  --json-out FILE       write the per-stack classification JSON (as classify-dir.js) to FILE
  --strict              keep AWS::CDK::Metadata changes
  --region REGION       price stacks whose environment names no region in REGION (default us-east-1)
  --risk-ack TEXT       text with "risk-ack: <gate>" lines (the pull request body; also env PR_RISK_ACK)
  --gates FILE          the gate configuration (default tools/cfn-diff/risk-gates.json; env PR_RISK_GATES)

Exit codes: 0 fine, 2 destructive changes not allowed or a risk gate failed, 1 error.
`;

function parseArgs(argv) {
  const opts = {
    allowDestructive: /^(true|1|yes)$/i.test(process.env.PR_DIFF_ALLOW_DESTRUCTIVE || ''),
    riskAck: process.env.PR_RISK_ACK || '',
    gates: process.env.PR_RISK_GATES || GATES_FILE,
  };
  const valued = { '--base-dir': 'baseDir', '--head-dir': 'headDir', '--base-label': 'baseLabel', '--head-label': 'headLabel', '--markdown-out': 'markdownOut', '--json-out': 'jsonOut',
    '--region': 'region', '--risk-ack': 'riskAck', '--gates': 'gates' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const key = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (valued[key]) {
      const v = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${key} needs a value`);
      opts[valued[key]] = v;
    } else if (a === '--allow-destructive') opts.allowDestructive = true;
    else if (a === '--strict') opts.strict = true;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!opts.headDir) throw new UsageError('--head-dir is required');
  return opts;
}

runCli(USAGE, argv => {
  const opts = parseArgs(argv);
  const stacks = classifyDirs(opts.baseDir || '-', opts.headDir, { strict: !!opts.strict });
  const report = renderReport(stacks, opts);
  const risk = renderRisk(stacks, { region: opts.region, gates: loadGates(opts.gates), acks: parseAcks(opts.riskAck), allowDestructive: opts.allowDestructive });
  // The risk section goes right after the summary, before the per-stack details.
  const cut = report.markdown.indexOf('\n### ');
  const markdown = cut < 0 ? `${report.markdown}\n${risk.markdown}` : `${report.markdown.slice(0, cut + 1)}${risk.markdown}\n${report.markdown.slice(cut + 1)}`;
  const exitCode = report.exitCode || (risk.failed.length ? 2 : 0);
  if (opts.markdownOut) {
    fs.mkdirSync(path.dirname(path.resolve(opts.markdownOut)), { recursive: true });
    fs.writeFileSync(opts.markdownOut, markdown);
  }
  if (opts.jsonOut) {
    const json = {};
    for (const s of stacks) json[s.name] = { ...s.result, risks: risk.findings.filter(f => f.stack === s.name) };
    json['$risk'] = { gates: risk.verdicts, releases: risk.releases, costs: risk.costs.map(c => ({ environment: c.environment, base: c.base && c.base.desired, head: c.head && c.head.desired, delta: c.delta, percent: Number.isFinite(c.percent) ? c.percent : null, unknown: c.unknown })) };
    fs.writeFileSync(opts.jsonOut, `${JSON.stringify(json, null, 2)}\n`);
  }
  process.stdout.write(markdown);
  return exitCode;
});
