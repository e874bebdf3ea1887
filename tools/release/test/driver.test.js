'use strict';
// The driver against a fake stack on a fake clock: whole releases in milliseconds.
const test = require('node:test');
const assert = require('node:assert/strict');
const { Driver, EXIT, HOLD_LIMIT_BAKES } = require('../lib/driver');
const { T0, FakeWorld, Killed, bgRelease, apiRelease, bgParams, apiParams, steady } = require('./fake-aws');

const RB = 'rolled-back:prod-2026-12-07';
const DONE = 'done:prod-2026-12-07';

function setup({ release = bgRelease(), state = {}, releases, stackName } = {}) {
  const params = release.kind === 'blue-green' ? bgParams(release, state) : apiParams(release, state);
  const w = new FakeWorld({ releases: releases || [release], params, stackName: stackName || (release.kind === 'blue-green' ? 'Prod-Web' : 'Dev-Api') });
  return { w, r: release };
}

// Runs one driver on the world; returns its exit code (or the Killed error), printed lines and events.
async function drive(w, { options = {}, mode = {} } = {}) {
  const lines = []; const events = [];
  const d = new Driver({ stackName: w.stackName, clients: w.clients, clock: w.clock, out: (l) => lines.push(l), log: (e) => events.push(e), options: { stackPollMs: 1000, ...options } });
  let code;
  try { code = await d.run(mode); } catch (e) { if (!(e instanceof Killed)) throw e; code = e; }
  return { code, lines, events, text: lines.join('\n') };
}

// The changed parameters of every UpdateStack call, in order.
const changes = (w) => w.calls.map((c) => c.values);
const bgStep = (green) => ({ FleetsGreenWeight: String(green), FleetsBlueWeight: String(100 - green) });

test('blue-green: a healthy walk prepares, bakes every step and settles at the final state', async () => {
  const { w } = setup();
  const { code, text, events } = await drive(w);
  assert.equal(code, EXIT.ok);
  assert.deepEqual(changes(w), [
    { FleetsServing: 'both' }, bgStep(5), bgStep(25), bgStep(50), bgStep(100),
    { FleetsBlueWeight: '0', FleetsGreenWeight: '100', FleetsServing: 'green', FleetsReleaseStatus: DONE },
  ]);
  assert.deepEqual(w.params, { FleetsBlueWeight: '0', FleetsGreenWeight: '100', FleetsServing: 'green', FleetsReleaseStatus: DONE, OtherParam: 'keep' });
  // each step baked bakeSeconds (300 s, polls every 15 s) after its update completed
  const stepCalls = w.calls.slice(1, 5).map((c) => c.at);
  for (let i = 1; i < stepCalls.length; i++) assert.equal(stepCalls[i] - stepCalls[i - 1], 4000 + 300000);
  // a progress line per poll and a decision line per step, with the values decided on
  assert.match(text, /Prod-Web prod-2026-12-07: bake 60\/300 s: canary 5xx 0\.10 % \(1\/1000\) vs baseline 0\.10 %; p99 0\.200 s vs 0\.200 s; alarms OK/);
  assert.match(text, /step 2\/4 \(25 %\): PASS after 300 s: canary 5xx 0\.10 % \(5\/5000\) vs baseline 0\.10 %/);
  assert.match(text, /prepare: green has 2 healthy targets \(>= 2\)/);
  assert.match(text, /done: done:prod-2026-12-07/);
  const kinds = events.map((e) => e.event);
  assert.equal(kinds[0], 'start');
  assert.equal(kinds[kinds.length - 1], 'done');
  assert.equal(events.filter((e) => e.event === 'poll').length, 4 * 20);
  assert.equal(events.filter((e) => e.event === 'decision' && e.decision === 'pass').length, 5); // prepare + 4 steps
  assert.deepEqual(events.at(-1), { time: new Date(w.clock.now()).toISOString(), event: 'done', stack: 'Prod-Web', release: 'prod-2026-12-07', result: 'done', drifted: false });
  // the last step: CloudFormation's drift detection, nothing drifted
  assert.match(text, /drift detection: IN_SYNC/);
  assert.deepEqual(events.at(-2).event, 'drift');
  // every event is one JSON line's worth, with time, stack and release
  for (const e of events) { assert.ok(e.time && e.stack === 'Prod-Web' && e.release === 'prod-2026-12-07'); JSON.parse(JSON.stringify(e)); }
});

test('blue-green: the bake window is the step: metrics asked from the end of its UpdateStack', async () => {
  const { w } = setup({ state: { blue: 100, green: 0, serving: 'both' } });
  const { code } = await drive(w, { options: { bakeSeconds: 30 } });
  assert.equal(code, EXIT.ok);
  // the settle is the last call; the 100 % step's update was the one before it
  assert.equal(w.lastMetricInput.StartTime.getTime(), w.calls.at(-2).at + 4000);
  assert.equal(w.lastMetricInput.EndTime.getTime() - w.lastMetricInput.StartTime.getTime(), 30000 + 60000);
});

test('an alarm of the new color going to ALARM mid-step rolls back within one poll, in two calls', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  const alarmAt = T0 + 104000; // 104 s into the 25 % step's bake (its update is a no-op: the stack is at 25 %)
  w.alarms['Prod-Web-GreenErrors'] = (t) => (t >= alarmAt ? { state: 'ALARM', since: alarmAt } : { state: 'OK', since: T0 - 1 });
  const { code, text, events } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.deepEqual(changes(w), [bgStep(25), { FleetsGreenWeight: '0', FleetsBlueWeight: '100', FleetsReleaseStatus: RB }, { FleetsServing: 'blue' }]);
  const rollbackCall = w.calls[1].at;
  assert.ok(rollbackCall - alarmAt <= 15000, `rollback ${rollbackCall - alarmAt} ms after the alarm`);
  assert.ok(rollbackCall >= alarmAt);
  assert.deepEqual(w.params, { FleetsBlueWeight: '100', FleetsGreenWeight: '0', FleetsServing: 'blue', FleetsReleaseStatus: RB, OtherParam: 'keep' });
  assert.match(text, /FAIL after 105 s: alarm Prod-Web-GreenErrors is in ALARM/);
  const rb = events.find((e) => e.event === 'rollback');
  assert.equal(rb.reason, 'alarm Prod-Web-GreenErrors is in ALARM');
  assert.equal(rb.breachSampleAt, new Date(alarmAt).toISOString());
  assert.equal(rb.pollToCallSeconds, 0);
  assert.equal(rb.pollToCompleteSeconds, 4);
  assert.equal(rb.sampleToCallSeconds, (rollbackCall - alarmAt) / 1000);
  assert.equal(rb.sampleToCompleteSeconds, (rollbackCall - alarmAt) / 1000 + 4);
  assert.match(text, /rolled back: breach seen -> UpdateStack call 0 s, -> UPDATE_COMPLETE 4 s; first breaching sample -> call 1 s, -> UPDATE_COMPLETE 5 s/);
  assert.equal(events.at(-1).result, 'rolled-back');
});

test('the gate alarms are asked for as metric alarms only when they all are (a deploy role may read no composite)', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  assert.equal((await drive(w, { options: { bakeSeconds: 30 } })).code, EXIT.ok);
  assert.ok(w.alarmRequests.length > 0);
  for (const input of w.alarmRequests) assert.deepEqual(input.AlarmTypes, ['MetricAlarm']);
  assert.deepEqual(w.alarmRequests[0].AlarmNames, ['Prod-Web-GreenErrors', 'Prod-Web-GreenLatency']);
});

test('a composite gate alarm is asked for, and its ALARM rolls back', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  w.types.GreenLatency = 'AWS::CloudWatch::CompositeAlarm';
  w.alarms['Prod-Web-GreenLatency'] = { state: 'ALARM', since: T0 };
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.match(text, /alarm Prod-Web-GreenLatency is in ALARM/);
  for (const input of w.alarmRequests) assert.deepEqual(input.AlarmTypes, ['MetricAlarm', 'CompositeAlarm']);
});

test('an alarm of the old color does not gate the release', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  w.alarms['Prod-Web-BlueErrors'] = { state: 'ALARM', since: T0 };
  assert.equal((await drive(w)).code, EXIT.ok);
});

test('bad metrics roll back: the canary error rate, with when the breach began', async () => {
  const { w } = setup({ state: { blue: 95, green: 5, serving: 'both' } });
  const badFrom = T0 + 180000; // the fourth minute of the 5 % step (its update is a no-op: the stack is at 5 %)
  w.traffic.canary = (m) => ({ requests: 1000, errors: m >= badFrom ? 300 : 0, p99Seconds: 0.2 });
  const { code, events, text } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.equal(w.params.FleetsReleaseStatus, RB);
  const rb = events.find((e) => e.event === 'rollback');
  assert.match(rb.reason, /error rate \d\.\d\d % > 1 %/);
  assert.equal(rb.breachSampleAt, new Date(badFrom).toISOString());
  assert.ok(Date.parse(rb.updateCalledAt) - badFrom <= 15000);
  assert.match(text, /step 1\/4 \(5 %\): FAIL after \d+ s: error rate/);
});

test('bad metrics roll back: the error increase over the baseline and the p99 ratio', async () => {
  const a = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  // 0.8 % vs 0.1 %: the first poll (a quarter minute: 2/250 vs 0/250) already breaches
  a.w.traffic.canary = steady(1000, 8, 0.2); a.w.traffic.baseline = steady(1000, 1, 0.2);
  const first = await drive(a.w);
  assert.equal(first.code, EXIT.rolledBack);
  assert.match(first.events.find((e) => e.event === 'rollback').reason, /error rate 0\.80 % is 0\.80 points above the baseline's 0\.00 % \(> 0\.5\)/);
  const b = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  b.w.traffic.canary = steady(1000, 0, 0.5); b.w.traffic.baseline = steady(1000, 0, 0.2);
  const res = await drive(b.w);
  assert.equal(res.code, EXIT.rolledBack);
  assert.match(res.events.find((e) => e.event === 'rollback').reason, /p99 0\.500 s > 1\.5 x the baseline's 0\.200 s/);
});

test('too few requests: the step holds, printing "holding", and rolls back after the hold limit', async () => {
  const { w } = setup({ state: { blue: 95, green: 5, serving: 'both' } });
  w.traffic.canary = steady(5, 0, 0.2); // 5 a minute: never 100 within the limit
  const start = T0; // the 5 % step's update is a no-op: the stack is at 5 %
  const { code, text, events } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.match(text, /bake 15\/300 s: holding \(too few requests: 1 < 100\): canary 5xx 0\.00 % \(0\/1\)/);
  const rb = events.find((e) => e.event === 'rollback');
  assert.match(rb.reason, /^not enough requests to decide: held 900 s \(too few requests: \d+ < 100\)$/);
  // first poll at 15 s starts the hold; the rollback is called at the poll 3 bakes (900 s) later
  assert.equal(Date.parse(rb.updateCalledAt), start + 15000 + HOLD_LIMIT_BAKES * 300000);
  assert.equal(rb.breachSampleAt, null);
  assert.deepEqual(changes(w).slice(1), [{ FleetsGreenWeight: '0', FleetsBlueWeight: '100', FleetsReleaseStatus: RB }, { FleetsServing: 'blue' }]);
});

test('too few requests at first, enough later: the hold ends and the step passes once baked', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  w.traffic.canary = steady(30, 0, 0.2); // 100 requests after about 200 s
  w.traffic.baseline = () => null; // the 100 % step: no baseline traffic
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.ok);
  assert.match(text, /holding \(too few requests/);
  assert.match(text, /step 4\/4 \(100 %\): PASS after 300 s/);
});

test('missing p99 with enough requests holds (no data is never healthy)', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  w.traffic.canary = steady(1000, 0, null);
  const { code, events } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.match(events.find((e) => e.event === 'rollback').reason, /not enough requests to decide: .*no p99 latency data/);
});

test('CloudWatch unreadable during a bake is no data: holding, never a pass', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  w.failMetrics = true;
  const { code, text } = await drive(w, { options: { bakeSeconds: 30 } });
  assert.equal(code, EXIT.rolledBack);
  assert.match(text, /holding \(metrics or alarms unreadable: GetMetricData: Rate exceeded\)/);
});

test('killed mid-step: a new driver on the same stack re-bakes that step from its start and finishes', async () => {
  const { w } = setup();
  // prepare (4 update polls + 0 health waits) + step 1 (4 + 20 polls) + step 2 (4 + 7 polls): killed at step 2's 7th poll
  w.clock.killAfter(4 + 24 + 4 + 7);
  const first = await drive(w);
  assert.ok(first.code instanceof Killed);
  assert.deepEqual(changes(w), [{ FleetsServing: 'both' }, bgStep(5), bgStep(25)]);
  assert.deepEqual([w.params.FleetsGreenWeight, w.params.FleetsServing], ['25', 'both']);
  const killedAt = w.clock.now();
  const second = await drive(w);
  assert.equal(second.code, EXIT.ok);
  // the resumed driver repeats the step's values (a no-op update) and bakes it in full from now
  assert.deepEqual(changes(w).slice(3), [bgStep(25), bgStep(50), bgStep(100), { FleetsBlueWeight: '0', FleetsGreenWeight: '100', FleetsServing: 'green', FleetsReleaseStatus: DONE }]);
  assert.equal(w.calls[3].at, killedAt);
  assert.equal(w.calls[4].at - killedAt, 300000);
  assert.equal(second.events[0].phase, 'step');
  assert.equal(second.events[0].index, 1);
});

test('killed at every point (each sleep) of a blue-green release, a new driver always ends at the final state', async () => {
  // total sleeps of an uninterrupted run, to kill at each of them
  const { w: ref } = setup();
  await drive(ref);
  const total = ref.clock.sleeps;
  assert.ok(total > 100, `${total} sleeps`);
  for (let k = 1; k < total; k++) {
    const { w } = setup();
    w.clock.killAfter(k);
    const first = await drive(w);
    assert.ok(first.code instanceof Killed, `kill at ${k}`);
    const second = await drive(w);
    assert.equal(second.code, EXIT.ok, `kill at ${k}: ${second.text}`);
    assert.deepEqual(w.params, { FleetsBlueWeight: '0', FleetsGreenWeight: '100', FleetsServing: 'green', FleetsReleaseStatus: DONE, OtherParam: 'keep' }, `kill at ${k}`);
    // never a step below where it was killed: weights only go up
    const greens = w.calls.map((c) => c.values.FleetsGreenWeight).filter(Boolean).map(Number);
    assert.deepEqual(greens, [...greens].sort((a, b) => a - b), `kill at ${k}: ${greens}`);
  }
});

test('killed during its own UpdateStack: the new driver waits out UPDATE_IN_PROGRESS, then decides', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  w.clock.killAfter(20 + 1); // step 2's bake (its update is a no-op), then step 3's update is in progress
  await drive(w);
  assert.equal(w.status, 'UPDATE_IN_PROGRESS');
  const second = await drive(w);
  assert.equal(second.code, EXIT.ok);
  assert.match(second.text, /UPDATE_IN_PROGRESS, waiting for it to finish/);
  assert.equal(second.events[0].index, 2); // the 50 % step it was applying
});

test('killed between the two rollback calls: the new driver finishes the rollback and exits 1', async () => {
  const { w } = setup({ state: { blue: 100, green: 0, serving: 'both', status: RB } });
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.match(text, /was rolled back \(status rolled-back:prod-2026-12-07\)/);
  assert.deepEqual(changes(w), [{ FleetsServing: 'blue' }]);
});

test('a stack in UPDATE_IN_PROGRESS when the driver starts (a cdk deploy) is waited for', async () => {
  const { w } = setup({ state: { blue: 100, green: 0, serving: 'blue' } });
  w.startForeignUpdate({ FleetsGreenWeight: '50', FleetsBlueWeight: '50', FleetsServing: 'both' }, 60);
  const { code, events } = await drive(w, { options: { bakeSeconds: 15 } });
  assert.equal(code, EXIT.ok);
  // decided on the values after the deploy: the 50 % step, no prepare
  assert.equal(events[0].phase, 'step');
  assert.deepEqual(changes(w)[0], bgStep(50));
});

test('refused: a step would give weight to a color with 0 healthy targets; no UpdateStack call is made', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  w.healthy.green = 0;
  const { code, text, events } = await drive(w);
  assert.equal(code, EXIT.refused);
  assert.equal(w.calls.length, 0);
  assert.match(text, /REFUSED step 2\/4 \(25 %\): green would get weight 25 but its target group has 0 healthy targets; nothing changed/);
  assert.equal(events.at(-1).result, 'refused');
});

test('refused: the old color too is checked while it keeps weight', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  w.healthy.blue = 0;
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.refused);
  assert.equal(w.calls.length, 0);
  assert.match(text, /blue would get weight 75/);
});

test('prepare refused: the new color not healthy in time puts serving back, status unchanged, exit 1', async () => {
  const { w } = setup();
  w.healthy.green = (world) => (world.params.FleetsServing === 'both' ? 1 : 0);
  const { code, text, events } = await drive(w);
  assert.equal(code, EXIT.refused);
  assert.deepEqual(changes(w), [{ FleetsServing: 'both' }, { FleetsServing: 'blue' }]);
  assert.equal(w.params.FleetsReleaseStatus, 'done:prod-2026-11-30');
  assert.match(text, /REFUSED: green has 1 healthy targets of the 2 required after 900 s; serving back to blue, status unchanged/);
  // waited the whole healthyWaitSeconds
  assert.ok(w.calls[1].at - w.calls[0].at >= 4000 + 900000);
  assert.equal(events.find((e) => e.event === 'decision').decision, 'refused');
});

test('--healthy-wait-seconds shortens the prepare wait (tests)', async () => {
  const { w } = setup();
  w.healthy.green = 0;
  const { code, text } = await drive(w, { options: { healthyWaitSeconds: 20 } });
  assert.equal(code, EXIT.refused);
  assert.match(text, /REFUSED: green has 0 healthy targets of the 2 required after 20 s/);
  assert.ok(w.calls[1].at - w.calls[0].at < 4000 + 20000 + 16000, 'refused within the wait plus one poll');
});

test('prepare: targets becoming healthy during the wait let the release go on', async () => {
  const { w } = setup();
  const healthyFrom = T0 + 120000;
  w.healthy.green = (world) => (world.params.FleetsServing === 'both' && world.clock.now() >= healthyFrom ? 2 : 0);
  const { code, text } = await drive(w, { options: { bakeSeconds: 15 } });
  assert.equal(code, EXIT.ok);
  assert.match(text, /prepare: green has 0\/2 healthy targets, waiting/);
  assert.ok(w.calls[1].at >= healthyFrom);
});

test('a failed step update (UPDATE_ROLLBACK_COMPLETE) rolls the release back', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  const origSend = w.cfnSend.bind(w);
  let n = 0;
  w.cfnSend = async (name, input) => { if (name === 'UpdateStackCommand' && ++n === 2) w.failNextUpdate = true; return origSend(name, input); };
  const { code, events } = await drive(w, { options: { bakeSeconds: 15 } });
  assert.equal(code, EXIT.rolledBack);
  assert.match(events.find((e) => e.event === 'rollback').reason, /step 3\/4 \(50 %\) could not be applied: stack Prod-Web: UpdateStack .* ended UPDATE_ROLLBACK_COMPLETE/);
  assert.equal(w.params.FleetsReleaseStatus, RB);
});

test('already done: exit 0 and no call; rolled back: exit 1 and no call', async () => {
  const done = setup({ state: { blue: 0, green: 100, serving: 'green', status: DONE } });
  const a = await drive(done.w);
  assert.equal(a.code, EXIT.ok);
  assert.match(a.text, /already done/);
  assert.equal(done.w.calls.length, 0);
  const rb = setup({ state: { blue: 100, green: 0, serving: 'blue', status: RB } });
  const b = await drive(rb.w);
  assert.equal(b.code, EXIT.rolledBack);
  assert.match(b.text, /was rolled back/);
  assert.equal(rb.w.calls.length, 0);
});

test('baked-final: status done recorded but serving still both is settled', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both', status: DONE } });
  const { code } = await drive(w);
  assert.equal(code, EXIT.ok);
  assert.deepEqual(changes(w), [{ FleetsBlueWeight: '0', FleetsGreenWeight: '100', FleetsServing: 'green', FleetsReleaseStatus: DONE }]);
  assert.equal(w.params.FleetsServing, 'green');
});

test('abort: rolls back a release in progress at once, in two calls', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  const { code, events } = await drive(w, { mode: { abort: true } });
  assert.equal(code, EXIT.rolledBack);
  assert.deepEqual(changes(w), [{ FleetsGreenWeight: '0', FleetsBlueWeight: '100', FleetsReleaseStatus: RB }, { FleetsServing: 'blue' }]);
  assert.equal(events.find((e) => e.event === 'rollback').reason, 'aborted by hand (--abort)');
  assert.equal(w.calls[0].at, T0);
});

test('abort: a done release is refused (it is the live version); an unstarted one is marked rolled back', async () => {
  const done = setup({ state: { blue: 0, green: 100, serving: 'green', status: DONE } });
  const a = await drive(done.w, { mode: { abort: true } });
  assert.equal(a.code, EXIT.refused);
  assert.equal(done.w.calls.length, 0);
  const fresh = setup();
  const b = await drive(fresh.w, { mode: { abort: true } });
  assert.equal(b.code, EXIT.rolledBack);
  assert.equal(fresh.w.params.FleetsReleaseStatus, RB);
  assert.equal((await drive(fresh.w)).code, EXIT.rolledBack); // and is never started afterwards
  // call 2 (serving blue) is a no-op: it never left blue; the later run makes no call
  assert.deepEqual(changes(fresh.w), [{ FleetsGreenWeight: '0', FleetsBlueWeight: '100', FleetsReleaseStatus: RB }, { FleetsServing: 'blue' }]);
});

test('status and dry run change nothing', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  const s = await drive(w, { mode: { status: true } });
  assert.equal(s.code, EXIT.ok);
  assert.equal(s.text, 'Prod-Web prod-2026-12-07: blue-green at step 2/4 (25 %); blueWeight=75 greenWeight=25 serving=both status=done:prod-2026-11-30');
  const d = await drive(w, { mode: { dryRun: true } });
  assert.equal(d.code, EXIT.ok);
  assert.match(d.text, /dry run: step 2\/4, bake 300 s: UpdateStack FleetsGreenWeight=25 FleetsBlueWeight=75/);
  assert.match(d.text, /dry run: settle: UpdateStack FleetsBlueWeight=0 FleetsGreenWeight=100 FleetsServing=green FleetsReleaseStatus=done:prod-2026-12-07/);
  assert.equal(w.calls.length, 0);
  assert.equal(w.metricCalls, 0);
});

test('api-canary: percent steps baked on Lambda metrics, then promote in one call', async () => {
  const { w } = setup({ release: apiRelease() });
  w.traffic.canary = steady(500, 0, 0.3); w.traffic.baseline = steady(5000, 2, 0.25);
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.ok);
  assert.deepEqual(changes(w), [{ ApiCanaryPercent: '10' }, { ApiCanaryPercent: '50' }, { ApiCanaryPercent: '0', ApiStageBackend: 'canary', ApiReleaseStatus: 'done:dev-api-2026-12-07' }]);
  assert.equal(w.healthCalls, 0); // no target groups: the healthy check does not apply
  assert.match(text, /canary errors 0\.00 % \(0\/\d+\) vs baseline 0\.04 %; p99 0\.300 s vs 0\.250 s; alarms OK/);
  assert.equal(w.lastMetricInput.MetricDataQueries[0].MetricStat.Metric.Dimensions[0].Value, 'Dev-Api-Canary-3C4D');
});

test('api-canary: a canary alarm rolls back in one call', async () => {
  const { w } = setup({ release: apiRelease(), state: { percent: 10 } });
  w.alarms['Dev-Api-CanaryErrors'] = { state: 'ALARM', since: T0 - 5000 };
  const { code, events } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  // the step's no-op update (it is at 10 %), then the first poll saw the alarm
  assert.deepEqual(changes(w), [{ ApiCanaryPercent: '10' }, { ApiCanaryPercent: '0', ApiReleaseStatus: 'rolled-back:dev-api-2026-12-07' }]);
  assert.equal(w.calls[1].at - T0, 15000);
  assert.equal(events.find((e) => e.event === 'rollback').breachSampleAt, new Date(T0 - 5000).toISOString());
});

test('api-canary: Lambda errors above the gate roll back', async () => {
  const { w } = setup({ release: apiRelease() });
  w.traffic.canary = steady(500, 25, 0.3);
  const { code } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.deepEqual(changes(w).at(-1), { ApiCanaryPercent: '0', ApiReleaseStatus: 'rolled-back:dev-api-2026-12-07' });
});

test('metadata errors exit 2 naming the stack: none declared, several without --release, a missing resource or parameter', async () => {
  const none = setup();
  delete none.w.template.Metadata['Infra::Releases'];
  const a = await drive(none.w);
  assert.equal(a.code, EXIT.usage);
  assert.match(a.text, /^error: stack Prod-Web has no Metadata\["Infra::Releases"\]/);

  const two = setup({ releases: [bgRelease(), bgRelease({ id: 'other', final: { blueWeight: 0, greenWeight: 100, serving: 'green', status: 'done:other' } })] });
  const b = await drive(two.w);
  assert.equal(b.code, EXIT.usage);
  assert.match(b.text, /stack Prod-Web declares 2 releases \(prod-2026-12-07, other\): choose one with --release ID/);
  const c = await drive(two.w, { options: { releaseId: 'other', bakeSeconds: 15 } });
  assert.equal(c.code, EXIT.ok);
  const d = await drive(two.w, { options: { releaseId: 'nope' } });
  assert.match(d.text, /stack Prod-Web has no release nope \(it declares: prod-2026-12-07, other\)/);

  const res = setup();
  delete res.w.physical.GreenTg;
  const e = await drive(res.w);
  assert.equal(e.code, EXIT.usage);
  assert.match(e.text, /stack Prod-Web: colors.green.targetGroup of release prod-2026-12-07 is "GreenTg", which is not a resource of the stack/);
  assert.equal(res.w.calls.length, 0);

  const par = setup();
  delete par.w.params.FleetsServing;
  const f = await drive(par.w);
  assert.equal(f.code, EXIT.usage);
  assert.match(f.text, /stack Prod-Web: release prod-2026-12-07: parameter FleetsServing \(serving\) is not a parameter of the stack/);

  const bad = setup({ release: bgRelease({ steps: [50, 25, 100] }) });
  assert.match((await drive(bad.w)).text, /stack Prod-Web: release prod-2026-12-07: steps are not ascending/);

  const arn = setup();
  arn.w.physical.GreenTg = 'prod-green';
  assert.match((await drive(arn.w)).text, /"prod-green" is not a target group ARN/);
});

test('--poll-seconds and --bake-seconds override the metadata', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  const { code, events } = await drive(w, { options: { pollSeconds: 2, bakeSeconds: 6 } });
  assert.equal(code, EXIT.ok);
  assert.deepEqual(events.filter((e) => e.event === 'poll').map((e) => e.elapsedSeconds), [2, 4, 6]);
});

test('a rollback whose UpdateStack fails says ROLLBACK FAILED, logs it and exits 1', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  w.alarms['Prod-Web-GreenErrors'] = { state: 'ALARM', since: T0 };
  const origSend = w.cfnSend.bind(w);
  let n = 0;
  w.cfnSend = async (name, input) => { if (name === 'UpdateStackCommand' && ++n === 2) w.failNextUpdate = true; return origSend(name, input); };
  const { code, text, events } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.match(text, /ROLLBACK FAILED: stack Prod-Web: UpdateStack FleetsGreenWeight=0 FleetsBlueWeight=100 FleetsReleaseStatus=rolled-back:prod-2026-12-07 ended UPDATE_ROLLBACK_COMPLETE/);
  assert.equal(events.at(-1).result, 'rollback-failed');
  assert.equal(w.params.FleetsGreenWeight, '50'); // CloudFormation kept the step's values
});

test('rolling back to an old color with 0 healthy targets is done, with a warning', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  w.healthy.blue = 0;
  w.alarms['Prod-Web-GreenLatency'] = { state: 'ALARM', since: T0 };
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.match(text, /WARNING: rolling back to blue, whose target group has 0 healthy targets/);
  assert.equal(w.params.FleetsBlueWeight, '100');
});

test('a failed settle leaves the release resumable: exit 1 naming the stack, and a rerun settles', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  const origSend = w.cfnSend.bind(w);
  let n = 0;
  w.cfnSend = async (name, input) => { if (name === 'UpdateStackCommand' && ++n === 2) w.failNextUpdate = true; return origSend(name, input); };
  const first = await drive(w, { options: { bakeSeconds: 15 } });
  assert.equal(first.code, EXIT.refused);
  assert.match(first.text, /error: stack Prod-Web: UpdateStack .*FleetsReleaseStatus=done:prod-2026-12-07 ended UPDATE_ROLLBACK_COMPLETE/);
  assert.equal((await drive(w, { options: { bakeSeconds: 15 } })).code, EXIT.ok);
  assert.equal(w.params.FleetsReleaseStatus, DONE);
});

test('polls keep their cadence however long a poll takes', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  w.metricLatencyMs = 4000;
  const { code, events } = await drive(w, { options: { bakeSeconds: 60 } });
  assert.equal(code, EXIT.ok);
  const polls = events.filter((e) => e.event === 'poll' && e.index === 2).map((e) => e.elapsedSeconds);
  assert.deepEqual(polls, [15, 30, 45, 60]); // on the 15 s beat, not 15, 34, 53, 72
});

test('status: every release of the stack, without waiting for an update in progress', async () => {
  const other = bgRelease({ id: 'other', parameters: { blueWeight: 'OBlue', greenWeight: 'OGreen', serving: 'OServing', status: 'OStatus' }, final: { blueWeight: 0, greenWeight: 100, serving: 'green', status: 'done:other' } });
  const { w } = setup({ releases: [bgRelease(), other] });
  Object.assign(w.params, { OBlue: '0', OGreen: '100', OServing: 'green', OStatus: 'done:other' });
  w.startForeignUpdate({}, 600);
  const { code, lines } = await drive(w, { mode: { status: true } });
  assert.equal(code, EXIT.ok);
  assert.deepEqual(lines, [
    'Prod-Web prod-2026-12-07: blue-green not-started; blueWeight=100 greenWeight=0 serving=blue status=done:prod-2026-11-30; stack UPDATE_IN_PROGRESS',
    'Prod-Web other: blue-green done; blueWeight=0 greenWeight=100 serving=green status=done:other; stack UPDATE_IN_PROGRESS',
  ]);
  assert.equal(w.clock.sleeps, 0);
  const one = await drive(w, { mode: { status: true }, options: { releaseId: 'other' } });
  assert.equal(one.lines.length, 1);
});

test('refused: target health that cannot be read is no health; no UpdateStack call is made', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  w.failHealth = true;
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.refused);
  assert.equal(w.calls.length, 0);
  assert.match(text, /REFUSED step 2\/4 \(25 %\): the target health of blue is unreadable \(Rate exceeded\)/);
});

test('rollback call 2 failing leaves the traffic rolled back; a rerun finishes it', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  w.alarms['Prod-Web-GreenErrors'] = { state: 'ALARM', since: T0 };
  const origSend = w.cfnSend.bind(w);
  let n = 0;
  w.cfnSend = async (name, input) => { if (name === 'UpdateStackCommand' && ++n === 3) w.failNextUpdate = true; return origSend(name, input); };
  const first = await drive(w);
  assert.equal(first.code, EXIT.rolledBack);
  assert.match(first.text, /rollback call 2 failed: .*ended UPDATE_ROLLBACK_COMPLETE.*; the traffic is on the old version; rerun to finish the rollback/);
  assert.deepEqual([w.params.FleetsBlueWeight, w.params.FleetsServing, w.params.FleetsReleaseStatus], ['100', 'both', RB]);
  assert.equal(first.events.at(-1).result, 'rolled-back');
  const second = await drive(w);
  assert.equal(second.code, EXIT.rolledBack);
  assert.equal(w.params.FleetsServing, 'blue');
});

test('killed at every point of an api-canary release, a new driver always ends promoted', async () => {
  const { w: ref } = setup({ release: apiRelease() });
  await drive(ref);
  for (let k = 1; k < ref.clock.sleeps; k++) {
    const { w } = setup({ release: apiRelease() });
    w.clock.killAfter(k);
    assert.ok((await drive(w)).code instanceof Killed, `kill at ${k}`);
    const second = await drive(w);
    assert.equal(second.code, EXIT.ok, `kill at ${k}: ${second.text}`);
    assert.deepEqual(w.params, { ApiCanaryPercent: '0', ApiStageBackend: 'canary', ApiReleaseStatus: 'done:dev-api-2026-12-07', OtherParam: 'keep' }, `kill at ${k}`);
  }
});

test('killed at every point of a rollback, a new driver always ends rolled back with serving on the old color', async () => {
  const mk = () => {
    const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
    w.alarms['Prod-Web-GreenErrors'] = { state: 'ALARM', since: T0 };
    return w;
  };
  const ref = mk();
  assert.equal((await drive(ref)).code, EXIT.rolledBack);
  for (let k = 1; k < ref.clock.sleeps; k++) {
    const w = mk();
    w.clock.killAfter(k);
    assert.ok((await drive(w)).code instanceof Killed, `kill at ${k}`);
    const second = await drive(w);
    assert.equal(second.code, EXIT.rolledBack, `kill at ${k}: ${second.text}`);
    assert.deepEqual(w.params, { FleetsBlueWeight: '100', FleetsGreenWeight: '0', FleetsServing: 'blue', FleetsReleaseStatus: RB, OtherParam: 'keep' }, `kill at ${k}`);
  }
});

test('a stack UpdateStack cannot act on (UPDATE_ROLLBACK_FAILED) is refused with its status before any change', async () => {
  const { w } = setup({ state: { blue: 75, green: 25, serving: 'both' } });
  w.status = 'UPDATE_ROLLBACK_FAILED';
  const { code, text } = await drive(w);
  assert.equal(code, EXIT.usage);
  assert.match(text, /^error: stack Prod-Web is UPDATE_ROLLBACK_FAILED: UpdateStack cannot run on it; fix the stack first$/);
  assert.equal(w.calls.length, 0);
  // reading it is fine
  assert.equal((await drive(w, { mode: { status: true } })).code, EXIT.ok);
  // and a done release is still reported done
  const done = setup({ state: { blue: 0, green: 100, serving: 'green', status: DONE } });
  done.w.status = 'UPDATE_ROLLBACK_FAILED';
  assert.equal((await drive(done.w)).code, EXIT.ok);
});

test('an alarm going to ALARM at any moment of a bake is acted on within one poll', async () => {
  for (let offset = 1000; offset < 300000; offset += 7000) {
    const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
    const alarmAt = T0 + offset;
    w.alarms['Prod-Web-GreenLatency'] = (t) => (t >= alarmAt ? { state: 'ALARM', since: alarmAt } : { state: 'OK', since: T0 - 1 });
    const { code, events } = await drive(w);
    assert.equal(code, EXIT.rolledBack, `alarm at +${offset} ms`);
    const called = w.calls[1].at;
    assert.ok(called >= alarmAt && called - alarmAt <= 15000, `alarm at +${offset} ms: rollback called ${called - alarmAt} ms later`);
    assert.equal(events.find((e) => e.event === 'rollback').sampleToCallSeconds, (called - alarmAt) / 1000);
  }
});

test('a p99 above maxP99Seconds rolls back even with no baseline to compare', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  w.traffic.canary = steady(1000, 0, 2.5);
  w.traffic.baseline = () => null;
  const { code, events } = await drive(w);
  assert.equal(code, EXIT.rolledBack);
  assert.equal(events.find((e) => e.event === 'rollback').reason, 'p99 2.500 s > 2 s');
});

test('dry run: api-canary from its start, and a half-finished rollback', async () => {
  const api = setup({ release: apiRelease() });
  const a = await drive(api.w, { mode: { dryRun: true } });
  assert.equal(a.code, EXIT.ok);
  assert.deepEqual(a.lines, [
    'Dev-Api dev-api-2026-12-07: api-canary not-started; percent=0 stageBackend=original status=done:dev-api-2026-11-30',
    'Dev-Api dev-api-2026-12-07: dry run: step 1/2, bake 300 s: UpdateStack ApiCanaryPercent=10',
    'Dev-Api dev-api-2026-12-07: dry run: step 2/2, bake 300 s: UpdateStack ApiCanaryPercent=50',
    'Dev-Api dev-api-2026-12-07: dry run: promote: UpdateStack ApiCanaryPercent=0 ApiStageBackend=canary ApiReleaseStatus=done:dev-api-2026-12-07',
  ]);
  const half = setup({ state: { blue: 100, green: 0, serving: 'both', status: RB } });
  const b = await drive(half.w, { mode: { dryRun: true } });
  assert.deepEqual(b.lines.slice(0, 2), [
    'Prod-Web prod-2026-12-07: blue-green rolled-back (a rollback call is still to make); blueWeight=100 greenWeight=0 serving=both status=rolled-back:prod-2026-12-07',
    'Prod-Web prod-2026-12-07: dry run: rollback: UpdateStack FleetsServing=blue',
  ]);
  const done = setup({ state: { blue: 0, green: 100, serving: 'green', status: DONE } });
  assert.match((await drive(done.w, { mode: { dryRun: true } })).text, /dry run: nothing to do/);
  assert.equal(api.w.calls.length + half.w.calls.length + done.w.calls.length, 0);
});

test('drift detection after a done release: drifted resources are named and the run exits 1', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  w.drift = [{ LogicalResourceId: 'GreenAsg', ResourceType: 'AWS::AutoScaling::AutoScalingGroup', StackResourceDriftStatus: 'MODIFIED',
    PropertyDifferences: [{ PropertyPath: '/MinSize', DifferenceType: 'NOT_EQUAL', ExpectedValue: '2', ActualValue: '5' }] }];
  const { code, text, events } = await drive(w, { options: { bakeSeconds: 30 } });
  assert.equal(code, EXIT.refused);
  assert.match(text, /DRIFTED: GreenAsg \(AWS::AutoScaling::AutoScalingGroup\) MODIFIED: \/MinSize NOT_EQUAL: expected 2, actual 5/);
  assert.equal(events.at(-1).drifted, true);
  assert.equal(w.params.FleetsReleaseStatus, DONE, 'the release itself is done; the drift is reported, not undone');
});

test('drift detection unavailable (moto has none): said, and the result stands', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  w.drift = 'unavailable';
  const { code, text } = await drive(w, { options: { bakeSeconds: 30 } });
  assert.equal(code, EXIT.ok);
  assert.match(text, /drift detection unavailable \(The DetectStackDrift action has not been implemented\); not checked/);
});

test('--no-drift-check skips drift detection', async () => {
  const { w } = setup({ state: { blue: 0, green: 100, serving: 'both' } });
  const { code, text } = await drive(w, { options: { bakeSeconds: 30, driftCheck: false } });
  assert.equal(code, EXIT.ok);
  assert.doesNotMatch(text, /drift/);
  assert.equal(w.driftChecks, undefined);
});

test('a rollback also ends with drift detection', async () => {
  const { w } = setup({ state: { blue: 50, green: 50, serving: 'both' } });
  const { code, events } = await drive(w, { mode: { abort: true } });
  assert.equal(code, EXIT.rolledBack);
  assert.equal(w.driftChecks, 1);
  assert.equal(events.at(-1).drifted, false);
});
