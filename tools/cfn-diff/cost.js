#!/usr/bin/env node
'use strict';
require('./lib/check-deps');
/**
 * The monthly cost of each environment of one synthesized cloud assembly (cdk.out), from the price
 * table in tools/cost/prices/<region>.json. tools/cost/run is the command; docs/pr-diff.md#cost.
 * Exit 0 with every item priced, 3 when some item is unknown (no price: shown as unknown, never $0), 1 on errors.
 */
const { listStackTemplates, readTemplate, UsageError } = require('./lib/classify');
const { estimateStacks, assumptionLines, linesTable, usd, totalCell, DEFAULT_REGION } = require('./lib/cost');
const { runCli, printJson } = require('./lib/cli');
const { declaredState } = require('./lib/declared');

const USAGE = `Usage: tools/cost/run [--region REGION] [--json] [CDK_OUT]

  CDK_OUT          a synthesized cloud assembly (default: cdk.out)
  --region REGION  the region of stacks whose environment names none (default: ${DEFAULT_REGION});
                   a stack synthesized for a region (-c region=...) is priced in that region
  --json           print the estimate as JSON

Exit codes: 0 every item priced, 3 some item has no price (shown as unknown), 1 error.
`;

runCli(USAGE, argv => {
  let region;
  let json = false;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--region') { region = argv[++i]; if (!region) throw new UsageError('--region needs a value'); }
    else if (argv[i].startsWith('--region=')) region = argv[i].slice(9);
    else if (argv[i] === '--json') json = true;
    else if (argv[i].startsWith('-')) throw new UsageError(`unknown option ${argv[i]}`);
    else rest.push(argv[i]);
  }
  if (rest.length > 1) throw new UsageError('expected at most one cdk.out folder');
  const dir = rest[0] || 'cdk.out';
  // At the declared state (every parameter at its Default), as pr-diff prices it: a release-mode stack at its final state.
  const stacks = [...listStackTemplates(dir, { label: 'CDK_OUT' })].map(([name, s]) => ({ name, template: declaredState(readTemplate(s.file)), info: s.info }));
  const envs = estimateStacks(stacks, { region });
  if (json) { printJson(envs); return envs.some(e => e.unknown) ? 3 : 0; }
  const out = [`## Monthly cost of ${dir}`, '', '| Environment | Region | At minimum capacity | At desired capacity | Unknown items |', '|---|---|---:|---:|---:|'];
  for (const e of envs) out.push(`| ${e.environment} | ${e.region} | ${totalCell(e, 'min')} | ${totalCell(e, 'desired')} | ${e.unknown || ''} |`);
  out.push('');
  for (const e of envs) {
    out.push(`### ${e.environment} (${e.region}; price table: ${e.priceTables.join(', ')})`, '');
    if (e.lines.length) out.push(linesTable(e), '');
    if (e.unknown) out.push(`**${e.unknown} item(s) without a price**: the totals above leave them out; add them to the price table.`, '');
    if (e.notEstimated.length) out.push(`Not estimated (request-priced): ${e.notEstimated.join('; ')}.`, '');
    if (e.notModelled.length) out.push(`<details><summary>Not in the cost model (free, or priced by usage this tool does not estimate): ${e.notModelled.length} type(s)</summary>`, '', e.notModelled.join('; '), '', '</details>', '');
  }
  out.push('Assumptions:', '', ...assumptionLines([...new Set(envs.flatMap(e => e.region.split(', ')))]).map(l => `- ${l}`), '');
  process.stdout.write(out.join('\n'));
  return envs.some(e => e.unknown) ? 3 : 0;
});
