'use strict';
/**
 * Releases declared in a change (/work/shared-spec/release-spec.md, docs/pr-diff.md#releases): a
 * stack in release mode keeps its traffic in parameters whose Default is the declared final state,
 * and lists each release in its template `Metadata["Infra::Releases"]`. `cdk deploy` keeps the current
 * value of a parameter the stack already has, so deploying a new declaration moves no traffic:
 * tools/release does, in steps, preparing the capacity first. A parameter the stack does not have yet
 * is created at its Default: then this deploy does set the declared state.
 *
 * Informational: what each release added or changed in this change will do, never a gate.
 */
const { isObject, canonical, resourcesOf, propsOf, literalNumber, refTarget, nameOf } = require('./risk/util');
const { parameterValues } = require('./declared');
const { forwardTargets, listenerWeights, raisedWeights } = require('./risk/downtime');

const METADATA_KEY = 'Infra::Releases';
/** The parameters (by their role in the metadata) that carry traffic, per kind. */
// An API stage serves the backend its stageBackend parameter names: that and the canary's percent carry traffic.
const TRAFFIC_PARAMETERS = { 'blue-green': ['blueWeight', 'greenWeight'], 'api-canary': ['percent', 'stageBackend'] };

/** The release entries of a template (objects only). */
function releasesOf(template) {
  const m = isObject(template) && isObject(template.Metadata) ? template.Metadata[METADATA_KEY] : null;
  return Array.isArray(m) ? m.filter(isObject) : [];
}
const keyOf = r => (typeof r.construct === 'string' ? r.construct : `${r.kind}:${r.id}`);
const trafficParameters = r => (TRAFFIC_PARAMETERS[r.kind] || [])
  .map(k => (isObject(r.parameters) ? r.parameters[k] : null)).filter(p => typeof p === 'string');

/** Target groups whose listener weight is written as a Ref to one of the given parameters. */
function weightedBy(template, params) {
  const out = new Set();
  for (const { tg, weight } of forwardTargets(template)) {
    if (isObject(weight) && typeof weight.Ref === 'string' && params.includes(weight.Ref)) out.add(tg);
  }
  return [...out].sort();
}

const hasResources = t => Object.keys(resourcesOf(t)).length > 0;

/**
 * Releases added or changed from oldRaw to newRaw (templates as written):
 * [{ release, previous, targetGroups, newParameters, newStack, deployMovesTraffic }].
 * targetGroups: those whose weight is a Ref to the release's weight parameters; newParameters: its
 * traffic parameters the old template lacks (created at their Default by this deploy).
 */
function releaseChanges(oldRaw, newRaw) {
  const before = new Map(releasesOf(oldRaw).map(r => [keyOf(r), r]));
  const oldParams = isObject(oldRaw) && isObject(oldRaw.Parameters) ? oldRaw.Parameters : {};
  const newStack = !hasResources(oldRaw);
  const out = [];
  for (const release of releasesOf(newRaw)) {
    const previous = before.get(keyOf(release)) || null;
    if (previous && canonical(previous) === canonical(release)) continue;
    const params = trafficParameters(release);
    const newParameters = params.filter(p => !Object.prototype.hasOwnProperty.call(oldParams, p));
    out.push({ release, previous, targetGroups: weightedBy(newRaw, params), newParameters, newStack,
      deployMovesTraffic: newStack || newParameters.length > 0 });
  }
  return out;
}

const pct = v => (v === null || v === undefined ? '?' : `${v} %`);

/** "blue 100 % / green 0 % (serving blue)", "canary 10 %" or "<id> promoted (canary 0 %)": the traffic of a declared template. */
function trafficOf(release, entry, declared, raw) {
  if (!hasResources(declared)) return 'none (no stack)';
  const status = entry && isObject(entry.parameters) ? parameterValues(raw || {}).get(entry.parameters.status) : undefined;
  if (release.kind === 'blue-green') {
    const ws = listenerWeights(declared);
    const colors = isObject(release.colors) ? release.colors : {};
    const of = color => {
      const tg = isObject(colors[color]) ? colors[color].targetGroup : null;
      const list = ws[tg];
      if (!list) return 0; // not forwarded to
      return list.includes(null) ? null : Math.max(...list);
    };
    const serving = entry && isObject(entry.parameters) ? parameterValues(raw || {}).get(entry.parameters.serving) : undefined;
    return `blue ${pct(of('blue'))} / green ${pct(of('green'))}${serving ? ` (serving ${serving})` : ''}`;
  }
  if (release.kind === 'api-canary') {
    const stage = Object.values(resourcesOf(declared)).find(r => isObject(r) && r.Type === 'AWS::ApiGateway::Stage'
      && propsOf(r).StageName === release.stage && (!release.restApi || refTarget(propsOf(r).RestApiId) === release.restApi));
    if (!stage) return `no stage ${release.stage}`;
    const canary = propsOf(stage).CanarySetting;
    // No canary setting, or one without PercentTraffic: 0 % (the API Gateway default).
    const p = !isObject(canary) || canary.PercentTraffic === undefined ? 0 : literalNumber(canary.PercentTraffic);
    const backend = entry && isObject(entry.parameters) ? parameterValues(raw || {}).get(entry.parameters.stageBackend) : undefined;
    const serves = backend ? `stage on ${backend}, ` : '';
    return entry && status === `done:${entry.id}` ? `${entry.id} promoted (${serves}canary ${pct(p)})` : `${serves}canary ${pct(p)}`;
  }
  return '?';
}

/** "the new side's alarms, errors ≤ 1 % and ≤ the baseline's + 0.5 points, ...": the metadata's gates in words. */
function gatesText(g) {
  if (!isObject(g)) return 'none declared';
  const out = [];
  const seen = new Set(['alarms', 'maxErrorPercent', 'maxErrorIncreasePoints', 'maxP99Seconds', 'maxP99Ratio', 'minRequests']);
  if (g.alarms === true) out.push('the new side\'s alarms');
  const errors = [g.maxErrorPercent !== undefined && `≤ ${g.maxErrorPercent} %`, g.maxErrorIncreasePoints !== undefined && `≤ the baseline's + ${g.maxErrorIncreasePoints} points`].filter(Boolean);
  if (errors.length) out.push(`errors ${errors.join(' and ')}`);
  const p99 = [g.maxP99Seconds !== undefined && `≤ ${g.maxP99Seconds} s`, g.maxP99Ratio !== undefined && `≤ ${g.maxP99Ratio} × the baseline's`].filter(Boolean);
  if (p99.length) out.push(`p99 ${p99.join(' and ')}`);
  if (g.minRequests !== undefined) out.push(`at least ${g.minRequests} requests before deciding`);
  for (const [k, v] of Object.entries(g)) if (!seen.has(k)) out.push(`${k} ${JSON.stringify(v)}`);
  return out.length ? out.join(', ') : 'none declared';
}

/**
 * One note per release added or changed, for a stack given as { name, rawOld, rawNew, oldTemplate,
 * newTemplate (declared), releases (releaseChanges), paths }:
 * [{ stack, id, kind, construct, from, to, steps, bakeSeconds, deployMovesTraffic, newParameters,
 *    notColdFlips: [{ resource, weight, after }], text }].
 */
function releaseNotes(stack) {
  return (stack.releases || []).map(c => {
    const r = c.release;
    const from = c.newStack ? 'none (new stack)' : trafficOf(r, c.previous, stack.oldTemplate, stack.rawOld);
    const to = trafficOf(r, r, stack.newTemplate, stack.rawNew);
    const steps = Array.isArray(r.steps) ? r.steps : [];
    const head = `release \`${r.id}\` (${r.kind}, \`${r.construct}\`)`;
    const flips = c.deployMovesTraffic ? [] : raisedWeights(stack.oldTemplate, stack.newTemplate)
      .filter(x => c.targetGroups.includes(x.tg) && x.before === 0 && x.after !== null && x.after > 0)
      .map(x => ({ resource: nameOf(x.tg, stack.paths), weight: x.weight, after: x.after }));
    let text;
    if (c.newStack) {
      text = `${head}: a new stack, created at its declared final state (traffic ${to}); tools/release moves later releases in steps.`;
    } else if (c.deployMovesTraffic) {
      text = `${head}: traffic ${from} → ${to} **at this deploy**, not in steps: the stack does not have ${c.newParameters.map(p => `\`${p}\``).join(', ')} yet, so CloudFormation creates ${c.newParameters.length > 1 ? 'them at their Defaults' : 'it at its Default'} (the declared final state). To move it in steps, first deploy the release mode declaring the current state, then the new one.`;
    } else {
      const minHealthy = [...new Set(Object.values(isObject(r.colors) ? r.colors : {}).map(x => (isObject(x) ? x.minHealthy : undefined)).filter(x => x !== undefined))];
      text = `${head}: traffic ${from} → ${to} moves in steps ${steps.join(', ')} % by tools/release (bake ${r.bakeSeconds} s each; gates: ${gatesText(r.gates)}), not by this deploy: \`cdk deploy\` keeps the current parameter values.`
        + flips.map(f => ` The weight raised to ${f.weight} for \`${f.resource}\` while its fleet goes from 0 to ${f.after} server(s) is not flip-while-cold: tools/release first runs both colors at production capacity and waits for ${minHealthy.length === 1 ? `at least ${minHealthy[0]}` : 'the declared number of'} healthy targets, and refuses to weight a color without healthy targets.`).join('');
    }
    return { stack: stack.name, id: r.id, kind: r.kind, construct: r.construct, from, to, steps, bakeSeconds: r.bakeSeconds,
      deployMovesTraffic: c.deployMovesTraffic, newParameters: c.newParameters, notColdFlips: flips, text };
  });
}

module.exports = { METADATA_KEY, releasesOf, releaseChanges, releaseNotes, trafficOf, gatesText };
