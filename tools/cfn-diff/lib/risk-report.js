'use strict';
/**
 * The risk half of the pr-diff report: deploy-safety findings (lib/risk/), the monthly cost of each
 * environment before and after (lib/cost.js), the releases a change declares (lib/releases.js,
 * informational), and the gates (risk-gates.json) that decide the exit code.
 *
 * Risk and cost read values of the templates at their declared state (every parameter at its
 * Default, lib/declared.js): atDeclaredState() below is the one place that does it, for both. The
 * engine's structural diff (each stack's result / diff) stays on the templates as written.
 */
const fs = require('fs');
const path = require('path');
const { classifyRisks, CATEGORIES } = require('./risk');
const { estimateStacks, assumptionLines, linesTable, usd, totalCell } = require('./cost');
const { declaredState } = require('./declared');
const { releaseChanges, releaseNotes } = require('./releases');

const GATES_FILE = path.resolve(__dirname, '..', 'risk-gates.json');
const GATES = ['downtime', 'access', 'data', 'cost'];
/** Findings that --allow-destructive already accepts (the same replaced/removed resources). */
const DESTRUCTIVE_RULES = ['traffic-path-replaced', 'stateful-replaced'];

function loadGates(file = GATES_FILE) {
  const g = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const k of GATES) if (!g[k] || typeof g[k] !== 'object') throw new Error(`${file}: gate "${k}" missing`);
  return g;
}

/** Gates acknowledged in a pull request body: lines "risk-ack: access" or "risk-ack: access, cost". */
function parseAcks(text) {
  const acks = new Set();
  for (const m of String(text || '').matchAll(/^\s*risk-ack:\s*([a-z ,]+?)\s*$/gim)) {
    for (const g of m[1].split(/[\s,]+/)) if (GATES.includes(g.toLowerCase())) acks.add(g.toLowerCase());
  }
  return acks;
}

/**
 * The stacks (classifyDirs() entries) as risk and cost judge them: oldTemplate / newTemplate at their
 * declared state, the templates as written kept as rawOld / rawNew, and the releases added or changed
 * (lib/releases.js). Idempotent: an entry already judged is returned as is.
 */
function atDeclaredState(stacks) {
  return stacks.map(s => (s.rawOld !== undefined ? s : {
    ...s,
    rawOld: s.oldTemplate || null,
    rawNew: s.newTemplate || null,
    oldTemplate: s.oldTemplate ? declaredState(s.oldTemplate) : s.oldTemplate,
    newTemplate: s.newTemplate ? declaredState(s.newTemplate) : s.newTemplate,
    releases: releaseChanges(s.oldTemplate, s.newTemplate),
  }));
}

/** Every stack's findings: [{ stack, category, rule, resource, message, rollback }]. */
function stackRisks(stacks) {
  return atDeclaredState(stacks).flatMap(s => classifyRisks({
    oldTemplate: s.oldTemplate, newTemplate: s.newTemplate, oldRawTemplate: s.rawOld, newRawTemplate: s.rawNew,
    result: s.result, diff: s.diff, paths: s.paths, oldStackInfo: s.oldInfo, newStackInfo: s.newInfo, releases: s.releases,
  }).map(f => ({ stack: s.name, ...f })));
}

/** Every stack's release notes (lib/releases.js): informational, never gated. */
function stackReleases(stacks) {
  return atDeclaredState(stacks).flatMap(releaseNotes);
}

/** Cost per environment, base and head: [{ environment, base, head, delta, percent }]. */
function costDelta(allStacks, { region } = {}) {
  const stacks = atDeclaredState(allStacks);
  const base = estimateStacks(stacks.map(s => ({ name: s.name, template: s.oldTemplate, info: s.oldInfo })), { region });
  const head = estimateStacks(stacks.map(s => ({ name: s.name, template: s.newTemplate, info: s.newInfo })), { region });
  const names = [...new Set([...base, ...head].map(e => e.environment))].sort();
  return names.map(environment => {
    const b = base.find(e => e.environment === environment) || null;
    const h = head.find(e => e.environment === environment) || null;
    const bd = b ? b.desired : 0;
    const hd = h ? h.desired : 0;
    const delta = hd - bd;
    const percent = bd > 0 ? (delta / bd) * 100 : (hd > 0 ? Infinity : 0);
    return { environment, base: b, head: h, delta, percent, unknown: (b ? b.unknown : 0) + (h ? h.unknown : 0) };
  });
}

function evaluateGates(findings, costs, gates, { acks = new Set(), allowDestructive = false } = {}) {
  const out = [];
  for (const cat of CATEGORIES) {
    const g = gates[cat];
    const mine = findings.filter(f => f.category === cat);
    const hits = mine.filter(f => !(g.ignoreRules || []).includes(f.rule) && !(allowDestructive && DESTRUCTIVE_RULES.includes(f.rule)));
    const failed = g.fail && hits.length > 0;
    const notGated = [...new Set(mine.filter(f => !hits.includes(f)).map(f => f.rule))];
    out.push({ gate: cat, failed: failed && !acks.has(cat), acknowledged: failed && acks.has(cat), count: hits.length,
      notGated: mine.length - hits.length, notGatedRules: notGated });
  }
  const over = costs.filter(c => c.delta > 0 && c.percent > gates.cost.maxIncreasePercent);
  const failed = gates.cost.fail && over.length > 0;
  out.push({ gate: 'cost', failed: failed && !acks.has('cost'), acknowledged: failed && acks.has('cost'), count: over.length,
    detail: over.map(c => `${c.environment} +${Number.isFinite(c.percent) ? c.percent.toFixed(1) : '∞'} %`).join(', ') });
  return out;
}

const CATEGORY_LABEL = { downtime: 'downtime risk', access: 'broader access', data: 'data at risk' };
const esc = s => String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const pct = p => (Number.isFinite(p) ? `${p >= 0 ? '+' : ''}${p.toFixed(1)} %` : 'new');

/**
 * The Markdown section and the gate verdicts.
 * opts: { region, gates, acks, allowDestructive }
 */
function renderRisk(stacks, opts = {}) {
  const gates = opts.gates || loadGates();
  const judged = atDeclaredState(stacks);
  const findings = stackRisks(judged);
  const releases = stackReleases(judged);
  const costs = costDelta(judged, { region: opts.region });
  const verdicts = evaluateGates(findings, costs, gates, opts);
  const lines = ['### Deploy risk', ''];
  if (!findings.length) lines.push('No downtime risk, broader access or data at risk found.', '');
  else {
    lines.push('| Risk | Stack | Resource | What | Rollback |', '|---|---|---|---|---|');
    for (const f of findings) lines.push(`| ${CATEGORY_LABEL[f.category]} (\`${f.rule}\`) | \`${f.stack}\` | \`${esc(f.resource)}\` | ${esc(f.message)} | ${esc(f.rollback)} |`);
    lines.push('');
  }
  if (releases.length) {
    lines.push('Releases declared in this change (informational, not gated):', '');
    for (const r of releases) lines.push(`- \`${r.stack}\`: ${r.text}`);
    lines.push('');
  }
  lines.push('### Monthly cost', '');
  if (!costs.length) lines.push('No stacks to price.', '');
  else {
    lines.push('| Environment | Region | Before | After | Delta | Delta % |', '|---|---|---:|---:|---:|---:|');
    for (const c of costs) {
      const region = (c.head || c.base).region;
      lines.push(`| ${c.environment} | ${region} | ${totalCell(c.base, 'desired')} | ${totalCell(c.head, 'desired')} | ${c.delta >= 0 ? '+' : '−'}${usd(Math.abs(c.delta))} | ${pct(c.percent)} |`);
    }
    lines.push('', '_At the fleets\' desired capacity (DesiredCapacity, else MinSize), every parameter at its Default (a release-mode stack at its declared final state). Unknown items are left out of the sums and listed below: a missing price is never $0._', '');
    for (const c of costs) {
      const e = c.head || c.base;
      const unknown = e.lines.filter(l => l.min === null);
      if (unknown.length) lines.push(`**${c.environment}: ${unknown.length} item(s) without a price** (${[...new Set(unknown.map(l => l.key))].join(', ')}): add them to ${e.priceTables.join(', ')}.`, '');
    }
    const regions = [...new Set(costs.flatMap(c => (c.head || c.base).region.split(', ')))];
    lines.push('<details><summary>Cost lines after this change, and the assumptions</summary>', '');
    for (const c of costs.filter(x => x.head && x.head.lines.length)) {
      lines.push(`#### ${c.environment}`, '', linesTable(c.head), '');
      if (c.head.notEstimated.length) lines.push(`Not estimated (request-priced): ${c.head.notEstimated.join('; ')}.`, '');
      if (c.head.notModelled.length) lines.push(`Not in the cost model (free, or priced by usage not estimated here): ${c.head.notModelled.join('; ')}.`, '');
    }
    lines.push(...assumptionLines(regions).map(l => `- ${l}`), '', '</details>', '');
  }
  lines.push('### Gates', '');
  for (const v of verdicts) {
    const state = v.failed ? '⛔ **fails**' : v.acknowledged ? '✅ acknowledged (`risk-ack`)' : '✅ passes';
    const what = v.gate === 'cost' ? `cost increase above ${gates.cost.maxIncreasePercent} %${v.detail ? `: ${v.detail}` : ''}`
      : `${CATEGORY_LABEL[v.gate]}: ${v.count} finding(s)${v.notGated ? `; ${v.notGated} reported, not gated (${v.notGatedRules.join(', ')})` : ''}`;
    lines.push(`- ${v.gate}: ${state} — ${what}`);
  }
  lines.push('', '_A failing gate fails the check; if the risk is intended, add a line `risk-ack: <gate>` to the pull request description (gates: tools/cfn-diff/risk-gates.json)._', '');
  return { markdown: lines.join('\n'), findings, releases, costs, verdicts, failed: verdicts.filter(v => v.failed).map(v => v.gate) };
}

module.exports = { renderRisk, loadGates, parseAcks, atDeclaredState, stackRisks, stackReleases, costDelta, evaluateGates, GATES_FILE };
