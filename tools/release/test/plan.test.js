'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { MetadataError, validate, phase, transitions, toParameters, remaining, rollbackRemainder } = require('../lib/plan');
const { bgRelease, apiRelease, bgParams, apiParams } = require('./fake-aws');

const bg = bgRelease();
const api = apiRelease();
const str = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));
const bgAt = (s) => phase(bg, str(bgParams(bg, s)));
const apiAt = (s) => phase(api, str(apiParams(api, s)));
const RB = 'rolled-back:prod-2026-12-07';
const DONE = 'done:prod-2026-12-07';

test('blue-green: every point of a release, as a killed driver leaves it, maps to its phase', () => {
  // before: the previous release's final state
  assert.equal(bgAt({ blue: 100, green: 0, serving: 'blue' }).name, 'not-started');
  // killed after the prepare call (or during the healthy wait)
  assert.equal(bgAt({ blue: 100, green: 0, serving: 'both' }).name, 'preparing');
  // killed during each step's bake: the step equal to the new weight is re-baked
  bg.steps.forEach((s, i) => {
    const p = bgAt({ blue: 100 - s, green: s, serving: 'both' });
    assert.deepEqual([p.name, p.index, p.needsPrepare], ['step', i, false], `green ${s}`);
  });
  // killed after the 100 step baked but before the settle call: 100 is re-baked, then settled
  assert.deepEqual([bgAt({ blue: 0, green: 100, serving: 'both' }).name, bgAt({ blue: 0, green: 100, serving: 'both' }).index], ['step', 3]);
  // after the settle call
  assert.equal(bgAt({ blue: 0, green: 100, serving: 'green', status: DONE }).name, 'done');
  // killed between the two rollback calls, and after both
  const half = bgAt({ blue: 100, green: 0, serving: 'both', status: RB });
  assert.deepEqual([half.name, half.incomplete], ['rolled-back', true]);
  const full = bgAt({ blue: 100, green: 0, serving: 'blue', status: RB });
  assert.deepEqual([full.name, full.incomplete], ['rolled-back', false]);
});

test('blue-green: a weight between steps re-bakes the first step above it', () => {
  assert.equal(bgAt({ blue: 90, green: 10, serving: 'both' }).index, 1);
  assert.equal(bgAt({ blue: 99, green: 1, serving: 'both' }).index, 0);
  assert.equal(bgAt({ blue: 40, green: 60, serving: 'both' }).index, 3);
});

test('blue-green: traffic on the new color while it is not serving needs a prepare first', () => {
  const p = bgAt({ blue: 75, green: 25, serving: 'blue' });
  assert.deepEqual([p.name, p.index, p.needsPrepare], ['step', 1, true]);
  assert.deepEqual(remaining(bg, p).map((a) => a.action), ['prepare', 'step', 'step', 'step', 'settle']);
});

test('final state: every parameter final is done; done status with another value off is baked-final', () => {
  assert.equal(bgAt({ blue: 0, green: 100, serving: 'green', status: DONE }).name, 'done');
  assert.equal(bgAt({ blue: 0, green: 100, serving: 'both', status: DONE }).name, 'baked-final');
  assert.equal(bgAt({ blue: 10, green: 90, serving: 'green', status: DONE }).name, 'baked-final');
  // the final weights and serving with an older status are not done: the status records the decision
  assert.equal(bgAt({ blue: 0, green: 100, serving: 'green', status: 'done:older' }).name, 'step');
  // numbers compare as numbers ("0" and "0.0" in DescribeStacks)
  assert.equal(phase(bg, { FleetsBlueWeight: '0.0', FleetsGreenWeight: '100', FleetsServing: 'green', FleetsReleaseStatus: DONE }).name, 'done');
});

test('rolled-back of another release id is just an older status', () => {
  assert.equal(bgAt({ blue: 100, green: 0, serving: 'blue', status: 'rolled-back:prod-2026-11-01' }).name, 'not-started');
});

test('a release whose new color is blue mirrors everything', () => {
  const r = bgRelease({ final: { blueWeight: 100, greenWeight: 0, serving: 'blue', status: DONE } });
  validate(r);
  const p = phase(r, str(bgParams(r, { blue: 5, green: 95, serving: 'both' })));
  assert.deepEqual([p.name, p.index], ['step', 0]);
  const t = transitions(r);
  assert.deepEqual(t.step(1), { blueWeight: 25, greenWeight: 75 });
  assert.deepEqual(t.rollback, [{ blueWeight: 0, greenWeight: 100, status: RB }, { serving: 'green' }]);
});

test('blue-green transitions: prepare, steps, settle, rollback in two calls', () => {
  const t = transitions(bg);
  assert.deepEqual(t.prepare, { serving: 'both' });
  assert.deepEqual(t.refusePrepare, { serving: 'blue' });
  assert.deepEqual(bg.steps.map((_, i) => t.step(i)), [
    { greenWeight: 5, blueWeight: 95 }, { greenWeight: 25, blueWeight: 75 }, { greenWeight: 50, blueWeight: 50 }, { greenWeight: 100, blueWeight: 0 }]);
  assert.deepEqual(t.settle, { blueWeight: 0, greenWeight: 100, serving: 'green', status: DONE });
  assert.deepEqual(t.rollback, [{ greenWeight: 0, blueWeight: 100, status: RB }, { serving: 'blue' }]);
  assert.deepEqual(toParameters(bg, t.rollback[0]), { FleetsGreenWeight: '0', FleetsBlueWeight: '100', FleetsReleaseStatus: RB });
});

test('remaining: what is left from each phase', () => {
  const acts = (s) => remaining(bg, bgAt(s)).map((a) => (a.action === 'step' ? `step${a.index}` : a.action));
  assert.deepEqual(acts({ blue: 100, green: 0, serving: 'blue' }), ['prepare', 'step0', 'step1', 'step2', 'step3', 'settle']);
  assert.deepEqual(acts({ blue: 100, green: 0, serving: 'both' }), ['wait-healthy', 'step0', 'step1', 'step2', 'step3', 'settle']);
  assert.deepEqual(acts({ blue: 50, green: 50, serving: 'both' }), ['step2', 'step3', 'settle']);
  assert.deepEqual(acts({ blue: 0, green: 100, serving: 'both', status: DONE }), ['settle']);
  assert.deepEqual(acts({ blue: 0, green: 100, serving: 'green', status: DONE }), []);
  assert.deepEqual(acts({ blue: 100, green: 0, serving: 'both', status: RB }), ['rollback']);
  assert.deepEqual(acts({ blue: 100, green: 0, serving: 'blue', status: RB }), []);
});

test('rollbackRemainder: only the calls whose values are not there yet', () => {
  const s = { blueWeight: 100, greenWeight: 0, serving: 'both', status: RB };
  assert.deepEqual(rollbackRemainder(bg, s), [{ serving: 'blue' }]);
});

test('api-canary: every point of a release maps to its phase', () => {
  const D = 'done:dev-api-2026-12-07';
  assert.equal(apiAt({ percent: 0 }).name, 'not-started');
  assert.deepEqual([apiAt({ percent: 10 }).name, apiAt({ percent: 10 }).index], ['step', 0]);
  assert.deepEqual([apiAt({ percent: 30 }).name, apiAt({ percent: 30 }).index], ['step', 1]);
  assert.deepEqual([apiAt({ percent: 50 }).name, apiAt({ percent: 50 }).index], ['step', 1]);
  assert.equal(apiAt({ percent: 0, stageBackend: 'canary', status: D }).name, 'done');
  // done recorded but the stage still on the old backend (a promote call repeated by hand): promote again
  assert.equal(apiAt({ percent: 0, status: D }).name, 'baked-final');
  assert.equal(apiAt({ percent: 50, status: D }).name, 'baked-final');
  const rb = apiAt({ percent: 0, status: 'rolled-back:dev-api-2026-12-07' });
  assert.deepEqual([rb.name, rb.incomplete], ['rolled-back', false]);
  assert.equal(apiAt({ percent: 10, status: 'rolled-back:dev-api-2026-12-07' }).incomplete, true);
});

test('api-canary: percents above the last step re-bake the last step', () => {
  const p = apiAt({ percent: 80 });
  assert.deepEqual([p.name, p.index], ['step', 1]);
  assert.deepEqual(remaining(api, p).map((a) => a.values), [{ percent: 50 }, { percent: 0, stageBackend: 'canary', status: 'done:dev-api-2026-12-07' }]);
});

test('api-canary transitions: percent steps, promote and rollback in one call each', () => {
  const t = transitions(api);
  assert.deepEqual(api.steps.map((_, i) => t.step(i)), [{ percent: 10 }, { percent: 50 }]);
  assert.deepEqual(t.settle, { percent: 0, stageBackend: 'canary', status: 'done:dev-api-2026-12-07' });
  // the rollback leaves the stage on what served before the release
  assert.deepEqual(t.rollback, [{ percent: 0, status: 'rolled-back:dev-api-2026-12-07' }]);
  assert.deepEqual(t.rollback, [{ percent: 0, status: 'rolled-back:dev-api-2026-12-07' }]);
  assert.deepEqual(remaining(api, apiAt({ percent: 0 })).map((a) => a.action), ['step', 'step', 'promote']);
  assert.equal(t.prepare, undefined);
});

test('parameter errors name the release and the parameter', () => {
  assert.throws(() => phase(bg, { FleetsBlueWeight: '100', FleetsServing: 'blue', FleetsReleaseStatus: 'x' }),
    (e) => e instanceof MetadataError && /release prod-2026-12-07: parameter FleetsGreenWeight \(greenWeight\) is not a parameter of the stack/.test(e.message));
  assert.throws(() => phase(bg, str(bgParams(bg, { green: 'lots' }))), /FleetsGreenWeight \(greenWeight\) is "lots", not a number in 0-100/);
  assert.throws(() => phase(bg, str(bgParams(bg, { green: 101 }))), /not a number in 0-100/);
  assert.throws(() => phase(api, { ApiCanaryPercent: '', ApiReleaseStatus: 'x' }), /ApiCanaryPercent \(percent\) is ""/);
});

test('validate: the metadata the driver relies on, each error naming release and field', () => {
  assert.equal(validate(bgRelease()).id, 'prod-2026-12-07');
  assert.equal(validate(apiRelease()).id, 'dev-api-2026-12-07');
  const bad = [
    [{ kind: 'linear' }, /kind "linear"/],
    [{ steps: [] }, /steps: an ascending list/],
    [{ steps: [25, 5, 100] }, /not ascending at steps\[1\] = 5/],
    [{ steps: [0, 100] }, /steps\[0\] = 0: not in \(0, 100\]/],
    [{ steps: [5, 50] }, /last step of a blue-green release must be 100/],
    [{ pollSeconds: 0 }, /pollSeconds must be > 0/],
    [{ gates: { alarms: true } }, /gates.maxErrorPercent/],
    [{ parameters: { blueWeight: 'A', greenWeight: 'B', serving: 'C' } }, /parameters.status/],
    [{ final: { blueWeight: 0, greenWeight: 100, serving: 'green', status: 'done:other' } }, /final.status is "done:other"/],
    [{ final: { blueWeight: 50, greenWeight: 50, serving: 'green', status: 'done:prod-2026-12-07' } }, /final weights must be 100/],
    [{ final: { blueWeight: 0, greenWeight: 100, serving: 'blue', status: 'done:prod-2026-12-07' } }, /expected the new color "green"/],
    [{ colors: { blue: { targetGroup: 'B', minHealthy: 1 } } }, /colors.green.targetGroup/],
  ];
  for (const [over, re] of bad) {
    assert.throws(() => validate(bgRelease(over)), (e) => e instanceof MetadataError && re.test(e.message) && /^release prod-2026-12-07: /.test(e.message), JSON.stringify(over));
  }
  assert.throws(() => validate(apiRelease({ final: { percent: 100, stageBackend: 'canary', status: 'done:dev-api-2026-12-07' } })), /final.percent is 100, expected 0/);
  assert.throws(() => validate(apiRelease({ canary: {} })), /canary.function/);
  assert.throws(() => validate(null), MetadataError);
  // api-canary steps need not end at 100
  assert.doesNotThrow(() => validate(apiRelease({ steps: [1, 5] })));
});

test('metadata numbers written as strings (CloudFormation metadata has no fractions) are read as numbers', () => {
  const r = apiRelease();
  r.steps = ['2.5', 50];
  r.gates = { ...r.gates, maxErrorIncreasePoints: '0.5', maxP99Ratio: '1.5' };
  validate(r);
  assert.deepEqual(r.steps, [2.5, 50]);
  assert.equal(r.gates.maxErrorIncreasePoints, 0.5);
  assert.equal(r.gates.maxP99Ratio, 1.5);
  const bad = apiRelease();
  bad.gates = { ...bad.gates, maxP99Ratio: 'x1.5' };
  assert.throws(() => validate(bad), /gates\.maxP99Ratio: a number is required/);
});

test('no absolute p99 bound is valid; a non-number one is not', () => {
  const r = bgRelease();
  delete r.gates.maxP99Seconds;
  assert.doesNotThrow(() => validate(r));
  const bad = bgRelease();
  bad.gates.maxP99Seconds = 'soon';
  assert.throws(() => validate(bad), /gates\.maxP99Seconds/);
});

test('api-canary: the stage backend is part of the final state', () => {
  const noBackend = apiRelease({ final: { percent: 0, status: 'done:dev-api-2026-12-07' } });
  assert.throws(() => validate(noBackend), /final\.stageBackend is required/);
  const noParam = apiRelease({ parameters: { percent: 'ApiCanaryPercent', status: 'ApiReleaseStatus' } });
  assert.throws(() => validate(noParam), /parameters\.stageBackend/);
});
