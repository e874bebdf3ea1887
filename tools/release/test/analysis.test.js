'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { judge, describe, errorPercent } = require('../lib/analysis');

const gates = { alarms: true, maxErrorPercent: 1, maxErrorIncreasePoints: 0.5, maxP99Seconds: 2, maxP99Ratio: 1.5, minRequests: 100 };
const ok = (over = {}) => ({ requests: 1000, errors: 0, p99Seconds: 0.2, ...over });
const run = (canary, baseline = ok(), extra = {}) => judge({ canary, baseline, gates, ...extra });

test('a healthy canary against a healthy baseline passes', () => {
  const j = run(ok({ errors: 1 }), ok({ errors: 1 }));
  assert.equal(j.decision, 'pass');
  assert.deepEqual(j.reasons, []);
  assert.equal(j.values.canaryErrorPercent, 0.1);
  assert.equal(j.values.canaryRequests, 1000);
});

test('minRequests: one below waits with the counts, exactly minRequests decides', () => {
  const below = run(ok({ requests: 99 }));
  assert.equal(below.decision, 'wait');
  assert.deepEqual(below.reasons, ['too few requests: 99 < 100']);
  assert.equal(run(ok({ requests: 100 })).decision, 'pass');
});

test('too few requests never passes, even with no errors and fast responses', () => {
  for (const requests of [0, 1, 50, 99]) assert.equal(run(ok({ requests, errors: 0, p99Seconds: 0.001 })).decision, 'wait', `requests ${requests}`);
});

test('too few requests with a terrible error rate still waits: a handful of requests is not evidence', () => {
  const j = run({ requests: 10, errors: 10, p99Seconds: 0.1 });
  assert.equal(j.decision, 'wait');
});

test('no canary data at all (null, undefined, empty sample) waits', () => {
  for (const c of [null, undefined, {}, { requests: null, errors: null, p99Seconds: null }]) {
    const j = run(c);
    assert.equal(j.decision, 'wait');
    assert.deepEqual(j.reasons, ['too few requests: 0 < 100']);
  }
});

test('NaN and Infinity are no data', () => {
  assert.equal(run({ requests: NaN, errors: 0, p99Seconds: 0.1 }).decision, 'wait');
  assert.equal(run(ok({ p99Seconds: Infinity })).decision, 'wait');
});

test('maxErrorPercent: equal passes, just above fails', () => {
  assert.equal(run(ok({ errors: 10 }), ok({ errors: 10 })).decision, 'pass'); // 1.00 %
  const j = run(ok({ errors: 11 }), ok({ errors: 11 })); // 1.10 %
  assert.equal(j.decision, 'fail');
  assert.match(j.reasons[0], /error rate 1\.10 % > 1 %/);
});

test('maxErrorIncreasePoints: equal passes, just above fails', () => {
  // canary 0.8 %, baseline 0.3 %: +0.5 points, equal to the gate
  assert.equal(run(ok({ errors: 8 }), ok({ errors: 3 })).decision, 'pass');
  const j = run(ok({ errors: 9 }), ok({ errors: 3 })); // +0.6
  assert.equal(j.decision, 'fail');
  assert.match(j.reasons[0], /0\.60 points above the baseline's 0\.30 %/);
});

test('equal to a gate passes despite floating-point noise', () => {
  // 1.4 % - 0.9 % is 0.5000000000000002 in binary floating point
  const loose = { ...gates, maxErrorPercent: 2 };
  assert.equal(judge({ canary: ok({ errors: 14 }), baseline: ok({ errors: 9 }), gates: loose }).decision, 'pass');
  assert.equal(judge({ canary: ok({ errors: 15 }), baseline: ok({ errors: 9 }), gates: loose }).decision, 'fail');
  // 0.3 * 1.5 is 0.44999999999999996
  assert.equal(run(ok({ p99Seconds: 0.45 }), ok({ p99Seconds: 0.3 })).decision, 'pass');
  assert.equal(run(ok({ p99Seconds: 0.4501 }), ok({ p99Seconds: 0.3 })).decision, 'fail');
});

test('a canary better than its baseline passes the increase gate', () => {
  assert.equal(run(ok({ errors: 0 }), ok({ errors: 9 })).decision, 'pass');
});

test('the increase gate needs a baseline sample of minRequests; below it only the absolute gates apply', () => {
  // baseline 0 % on 99 requests: +0.9 points would fail, but 99 requests are not a baseline
  assert.equal(run(ok({ errors: 9 }), ok({ requests: 99, errors: 0 })).decision, 'pass');
  assert.equal(run(ok({ errors: 9 }), ok({ requests: 100, errors: 0 })).decision, 'fail');
});

test('zero baseline: no baseline traffic (the 100 % step) leaves the absolute gates', () => {
  for (const baseline of [{ requests: 0, errors: 0, p99Seconds: null }, null, {}]) {
    assert.equal(run(ok({ errors: 9, p99Seconds: 1.9 }), baseline).decision, 'pass');
    assert.equal(run(ok({ errors: 11 }), baseline).decision, 'fail');
    assert.equal(run(ok({ p99Seconds: 2.1 }), baseline).decision, 'fail');
  }
  assert.equal(errorPercent({ requests: 0, errors: 0 }), null);
});

test('a zero baseline p99 has no ratio', () => {
  assert.equal(run(ok({ p99Seconds: 0.5 }), ok({ p99Seconds: 0 })).decision, 'pass');
});

test('missing errors with known requests are zero errors (no 5xx datapoint in a minute without 5xx)', () => {
  const j = run(ok({ errors: null }), ok({ errors: undefined }));
  assert.equal(j.decision, 'pass');
  assert.equal(j.values.canaryErrors, 0);
  assert.equal(j.values.canaryErrorPercent, 0);
});

test('maxP99Seconds: equal passes, just above fails', () => {
  assert.equal(run(ok({ p99Seconds: 2 }), ok({ p99Seconds: 2 })).decision, 'pass');
  const j = run(ok({ p99Seconds: 2.001 }), ok({ p99Seconds: 2 }));
  assert.equal(j.decision, 'fail');
  assert.match(j.reasons[0], /p99 2\.001 s > 2 s/);
});

test('without maxP99Seconds only the ratio to the baseline bounds p99', () => {
  const { maxP99Seconds, ...noAbsolute } = gates;
  assert.equal(judge({ canary: ok({ p99Seconds: 9 }), baseline: ok({ p99Seconds: 8 }), gates: noAbsolute, alarms: [] }).decision, 'pass');
  assert.equal(judge({ canary: ok({ p99Seconds: 13 }), baseline: ok({ p99Seconds: 8 }), gates: noAbsolute, alarms: [] }).decision, 'fail');
  assert.equal(maxP99Seconds, 2);
});

test('maxP99Ratio: equal passes, just above fails', () => {
  assert.equal(run(ok({ p99Seconds: 0.3 }), ok({ p99Seconds: 0.2 })).decision, 'pass'); // 1.5x
  const j = run(ok({ p99Seconds: 0.31 }), ok({ p99Seconds: 0.2 }));
  assert.equal(j.decision, 'fail');
  assert.match(j.reasons[0], /1\.5 x the baseline's 0\.200 s/);
});

test('the ratio gate needs a baseline p99 and a baseline sample', () => {
  assert.equal(run(ok({ p99Seconds: 1 }), ok({ p99Seconds: null })).decision, 'pass');
  assert.equal(run(ok({ p99Seconds: 1 }), ok({ requests: 50, p99Seconds: 0.1 })).decision, 'pass');
});

test('missing canary p99 with enough requests waits: no data is never healthy', () => {
  const j = run(ok({ p99Seconds: null }));
  assert.equal(j.decision, 'wait');
  assert.deepEqual(j.reasons, ['no p99 latency data']);
});

test('a breach beats missing data: error rate fails even while p99 is missing', () => {
  assert.equal(run(ok({ errors: 50, p99Seconds: null })).decision, 'fail');
});

test('every failing gate is reported', () => {
  const j = run(ok({ errors: 50, p99Seconds: 5 }), ok({ errors: 0, p99Seconds: 0.2 }), { alarms: [{ name: 'A', state: 'ALARM' }] });
  assert.equal(j.decision, 'fail');
  assert.equal(j.reasons.length, 5);
});

test('alarm in ALARM fails at once, even before minRequests', () => {
  const j = run({ requests: 3, errors: 0, p99Seconds: 0.1 }, ok(), { alarms: [{ name: 'GreenErrors', state: 'ALARM' }, { name: 'GreenLatency', state: 'OK' }] });
  assert.equal(j.decision, 'fail');
  assert.deepEqual(j.reasons, ['alarm GreenErrors is in ALARM']);
  assert.deepEqual(j.values.alarmsInAlarm, ['GreenErrors']);
});

test('alarms: OK and INSUFFICIENT_DATA pass; an alarm without state waits', () => {
  assert.equal(run(ok(), ok(), { alarms: [{ name: 'A', state: 'OK' }, { name: 'B', state: 'INSUFFICIENT_DATA' }] }).decision, 'pass');
  const j = run(ok(), ok(), { alarms: [{ name: 'Gone', state: undefined }] });
  assert.equal(j.decision, 'wait');
  assert.deepEqual(j.reasons, ['alarm Gone has no state']);
});

test('gates.alarms false ignores alarms', () => {
  const j = judge({ canary: ok(), baseline: ok(), gates: { ...gates, alarms: false }, alarms: [{ name: 'A', state: 'ALARM' }] });
  assert.equal(j.decision, 'pass');
});

test('describe prints the values a decision was made on', () => {
  const j = run({ requests: 2000, errors: 2, p99Seconds: 0.21 }, { requests: 2000, errors: 1, p99Seconds: 0.19 });
  assert.equal(describe(j.values), 'canary 5xx 0.10 % (2/2000) vs baseline 0.05 %; p99 0.210 s vs 0.190 s; alarms OK');
  assert.equal(describe(run(null, null).values, 'errors'), 'canary errors n/a (no requests) vs baseline n/a; p99 n/a vs n/a; alarms OK');
  const a = run(ok(), ok(), { alarms: [{ name: 'A', state: 'ALARM' }] });
  assert.match(describe(a.values), /alarms ALARM: A$/);
});
