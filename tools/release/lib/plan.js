'use strict';
// Where a release stands and what each transition writes (release-spec.md, "The release state
// machine"). Pure: the stack's parameter values are the only state, so a driver killed at any point
// is resumed by reading them again; nothing is kept on the machine that ran it.

class MetadataError extends Error {}

const COLORS = ['blue', 'green'];

// CloudFormation's Metadata section takes no fractional JSON numbers (cfn-lint E4002), so the constructs
// write a fraction such as 0.5 as the string "0.5"; read both as numbers.
const NUMERIC = /^-?\d+(\.\d+)?$/;
const asNumber = (v) => (typeof v === 'string' && NUMERIC.test(v.trim()) ? Number(v) : v);

// Checks one Infra::Releases entry has what the driver relies on; the message names the release and field.
// Numbers written as strings are turned into numbers in place.
function validate(r) {
  const where = `release ${r && r.id ? r.id : '(no id)'}`;
  const fail = (m) => { throw new MetadataError(`${where}: ${m}`); };
  if (!r || typeof r !== 'object') fail('not an object');
  if (Array.isArray(r.steps)) r.steps = r.steps.map(asNumber);
  for (const k of ['bakeSeconds', 'pollSeconds', 'healthyWaitSeconds']) r[k] = asNumber(r[k]);
  if (r.gates && typeof r.gates === 'object') for (const k of Object.keys(r.gates)) r.gates[k] = asNumber(r.gates[k]);
  if (r.final && typeof r.final === 'object') for (const k of Object.keys(r.final)) if (k !== 'status' && k !== 'serving') r.final[k] = asNumber(r.final[k]);
  for (const c of COLORS) if (r.colors && r.colors[c]) r.colors[c].minHealthy = asNumber(r.colors[c].minHealthy);
  if (!r.id) fail('no id');
  if (r.kind !== 'blue-green' && r.kind !== 'api-canary') fail(`kind "${r.kind}" is neither blue-green nor api-canary`);
  if (!Array.isArray(r.steps) || r.steps.length === 0) fail('steps: an ascending list of percents in (0, 100] is required');
  r.steps.forEach((s, i) => {
    if (typeof s !== 'number' || !(s > 0 && s <= 100)) fail(`steps[${i}] = ${s}: not in (0, 100]`);
    if (i > 0 && s <= r.steps[i - 1]) fail(`steps are not ascending at steps[${i}] = ${s}`);
  });
  for (const k of ['bakeSeconds', 'pollSeconds', 'healthyWaitSeconds']) {
    if (typeof r[k] !== 'number' || r[k] < 0) fail(`${k}: a number >= 0 is required`);
  }
  if (!(r.pollSeconds > 0)) fail('pollSeconds must be > 0');
  const g = r.gates || fail('no gates');
  for (const k of ['maxErrorPercent', 'maxErrorIncreasePoints', 'maxP99Ratio', 'minRequests']) {
    if (typeof g[k] !== 'number') fail(`gates.${k}: a number is required`);
  }
  // No absolute p99 bound unless the release declares one (the ratio to the baseline still applies).
  if (g.maxP99Seconds !== undefined && g.maxP99Seconds !== null && typeof g.maxP99Seconds !== 'number') fail('gates.maxP99Seconds: a number (or absent) is required');
  const keys = r.kind === 'blue-green' ? ['blueWeight', 'greenWeight', 'serving', 'status'] : ['percent', 'stageBackend', 'status'];
  for (const k of keys) {
    if (!r.parameters || typeof r.parameters[k] !== 'string') fail(`parameters.${k}: the parameter's name is required`);
    if (!r.final || r.final[k] === undefined) fail(`final.${k} is required`);
  }
  if (r.final.status !== `done:${r.id}`) fail(`final.status is "${r.final.status}", expected "done:${r.id}"`);
  if (r.kind === 'api-canary' && (typeof r.final.stageBackend !== 'string' || !r.final.stageBackend)) fail('final.stageBackend (the canary\'s backend key) is required');
  if (r.kind === 'blue-green') {
    if (r.steps[r.steps.length - 1] !== 100) fail('the last step of a blue-green release must be 100');
    const hundred = COLORS.filter((c) => r.final[`${c}Weight`] === 100);
    const zero = COLORS.filter((c) => r.final[`${c}Weight`] === 0);
    if (hundred.length !== 1 || zero.length !== 1) fail('final weights must be 100 for one color and 0 for the other');
    if (r.final.serving !== hundred[0]) fail(`final.serving is "${r.final.serving}", expected the new color "${hundred[0]}"`);
    if (!r.loadBalancer) fail('loadBalancer (a logical id) is required');
    for (const c of COLORS) {
      const col = r.colors && r.colors[c];
      if (!col || !col.targetGroup) fail(`colors.${c}.targetGroup (a logical id) is required`);
      if (typeof col.minHealthy !== 'number') fail(`colors.${c}.minHealthy is required`);
    }
  } else {
    if (r.final.percent !== 0) fail(`final.percent is ${r.final.percent}, expected 0 (the promoted stage serves the canary's backend)`);
    for (const side of ['stable', 'canary']) {
      if (!r[side] || !r[side].function) fail(`${side}.function (a logical id) is required`);
    }
  }
  return r;
}

// blue-green: the new color is the one whose final weight is 100.
function colorsOf(r) {
  const neu = r.final.blueWeight === 100 ? 'blue' : 'green';
  return { neu, old: neu === 'blue' ? 'green' : 'blue' };
}

// The release's parameters read from the stack's values (DescribeStacks strings), typed.
function readState(r, params) {
  const get = (k) => {
    const name = r.parameters[k];
    if (!(name in params)) throw new MetadataError(`release ${r.id}: parameter ${name} (${k}) is not a parameter of the stack`);
    return params[name];
  };
  const num = (k) => {
    const v = get(k);
    const n = Number(v);
    if (v === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new MetadataError(`release ${r.id}: parameter ${r.parameters[k]} (${k}) is "${v}", not a number in 0-100`);
    return n;
  };
  if (r.kind === 'blue-green') return { blueWeight: num('blueWeight'), greenWeight: num('greenWeight'), serving: get('serving'), status: get('status') };
  return { percent: num('percent'), stageBackend: get('stageBackend'), status: get('status') };
}

// The share of traffic on the new version.
function newShare(r, s) { return r.kind === 'blue-green' ? s[`${colorsOf(r).neu}Weight`] : s.percent; }

// phase(r, params) -> { name, state, index?, needsPrepare?, incomplete? }
//   rolled-back  status rolled-back:<id> (incomplete: a rollback call is still to make)
//   done         every parameter at its final value
//   baked-final  status done:<id> recorded but another parameter is not final: settle again
//   not-started  no traffic on the new version (blue-green: serving is not both yet)
//   preparing    blue-green: serving both, the new color has no weight yet
//   step         the new version has w > 0: re-bake steps[index], the step equal to w or the first above it
//                (or the last step when w is above every step)
//                (needsPrepare: blue-green serving is not both, so the new color may be at idle capacity)
function phase(r, params) {
  const s = readState(r, params);
  const isFinal = Object.keys(r.final).every((k) => String(r.final[k]) === String(s[k]));
  if (s.status === `rolled-back:${r.id}`) return { name: 'rolled-back', state: s, incomplete: rollbackRemainder(r, s).length > 0 };
  if (isFinal) return { name: 'done', state: s };
  if (s.status === r.final.status) return { name: 'baked-final', state: s };
  const w = newShare(r, s);
  if (w === 0) {
    if (r.kind === 'blue-green' && s.serving === 'both') return { name: 'preparing', state: s };
    return { name: 'not-started', state: s };
  }
  // Above the last step (set by hand): back to the last declared step, which is re-baked.
  const above = r.steps.findIndex((x) => x >= w);
  const index = above < 0 ? r.steps.length - 1 : above;
  return { name: 'step', state: s, index, needsPrepare: r.kind === 'blue-green' && s.serving !== 'both' };
}

// The parameter values each transition writes, by the release's keys (blueWeight, serving, ...).
function transitions(r) {
  if (r.kind === 'blue-green') {
    const { neu, old } = colorsOf(r);
    const weights = (share) => ({ [`${neu}Weight`]: share, [`${old}Weight`]: 100 - share });
    return {
      prepare: { serving: 'both' },
      refusePrepare: { serving: old },
      step: (i) => weights(r.steps[i]),
      // The full final state: at the 100 step the weights already are final, and writing them again
      // repairs a baked-final stack whose weights were moved by hand.
      settle: { ...r.final },
      rollback: [{ ...weights(0), status: `rolled-back:${r.id}` }, { serving: old }],
    };
  }
  return {
    step: (i) => ({ percent: r.steps[i] }),
    settle: { ...r.final },
    rollback: [{ percent: 0, status: `rolled-back:${r.id}` }],
  };
}

// The rollback calls still to make for a stack already marked rolled back (killed between calls).
function rollbackRemainder(r, s) {
  const calls = transitions(r).rollback;
  return calls.filter((c) => Object.keys(c).some((k) => String(c[k]) !== String(s[k])));
}

// { key: value } -> { ParameterName: 'string' } for UpdateStack.
function toParameters(r, values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) out[r.parameters[k]] = String(v);
  return out;
}

// The transitions left from a phase, in order: what --dry-run prints and the driver walks.
function remaining(r, ph) {
  const t = transitions(r);
  const out = [];
  if (ph.name === 'done') return out;
  if (ph.name === 'rolled-back') return rollbackRemainder(r, ph.state).map((values) => ({ action: 'rollback', values }));
  if (ph.name === 'baked-final') return [{ action: 'settle', values: t.settle }];
  let from = 0;
  if (r.kind === 'blue-green' && (ph.name === 'not-started' || (ph.name === 'step' && ph.needsPrepare))) out.push({ action: 'prepare', values: t.prepare });
  if (ph.name === 'preparing') out.push({ action: 'wait-healthy', values: {} });
  if (ph.name === 'step') from = ph.index;
  for (let i = from; i < r.steps.length; i++) out.push({ action: 'step', index: i, values: t.step(i) });
  out.push({ action: r.kind === 'blue-green' ? 'settle' : 'promote', values: t.settle });
  return out;
}

module.exports = { MetadataError, validate, colorsOf, phase, transitions, rollbackRemainder, toParameters, remaining };
