'use strict';
// The canary-versus-baseline judgement of one bake poll (release-spec.md, "Gates"). Pure: numbers in,
// a decision out, so every threshold edge is unit-tested without AWS. A value equal to its gate passes.

const known = (v) => typeof v === 'number' && Number.isFinite(v);

// v above its limit by more than floating-point noise: 0.3 * 1.5 is 0.44999999999999996, and a p99 of
// 0.45 s at that ratio is equal to the gate, so it passes.
const above = (v, limit) => v - limit > 1e-9 * Math.max(1, Math.abs(limit));

// A sample's error percent. Missing errors with known requests count as 0: the load balancer publishes
// no HTTPCode_Target_5XX_Count datapoint in a minute without a 5xx, so "no errors" has no data.
function errorPercent(s) {
  if (!s || !known(s.requests) || s.requests <= 0) return null;
  return ((known(s.errors) ? s.errors : 0) / s.requests) * 100;
}

// judge({ canary, baseline, gates, alarms }) -> { decision: 'pass'|'wait'|'fail', reasons, values }
//   canary, baseline: { requests, errors, p99Seconds }, each possibly null/undefined (= no data)
//   gates: the release's gates (alarms, maxErrorPercent, maxErrorIncreasePoints, maxP99Seconds,
//          maxP99Ratio, minRequests); alarms: [{ name, state }] of the new side's gate alarms
// Fail beats wait beats pass: a breach is acted on even when other data is still missing.
function judge({ canary, baseline, gates, alarms = [] }) {
  const c = canary || {};
  const b = baseline || {};
  const min = gates.minRequests;
  const values = {
    canaryRequests: known(c.requests) ? c.requests : null,
    canaryErrors: known(c.requests) ? (known(c.errors) ? c.errors : 0) : null,
    canaryErrorPercent: errorPercent(c),
    canaryP99Seconds: known(c.p99Seconds) ? c.p99Seconds : null,
    baselineRequests: known(b.requests) ? b.requests : null,
    baselineErrors: known(b.requests) ? (known(b.errors) ? b.errors : 0) : null,
    baselineErrorPercent: errorPercent(b),
    baselineP99Seconds: known(b.p99Seconds) ? b.p99Seconds : null,
    alarmsInAlarm: [],
  };
  const fails = [];
  const waits = [];

  if (gates.alarms) {
    for (const a of alarms) {
      if (a.state === 'ALARM') { values.alarmsInAlarm.push(a.name); fails.push(`alarm ${a.name} is in ALARM`); }
      // An alarm we cannot read cannot vouch for the step (INSUFFICIENT_DATA is fine: the metric gates
      // below see the same silence and wait on it).
      else if (!a.state) waits.push(`alarm ${a.name} has no state`);
    }
  }

  // Below minRequests every ratio is noise: nothing but "wait", never a pass.
  const enough = values.canaryRequests !== null && values.canaryRequests >= min;
  if (!enough) waits.push(`too few requests: ${values.canaryRequests ?? 0} < ${min}`);
  const baselineEnough = values.baselineRequests !== null && values.baselineRequests >= min;

  if (enough) {
    const cp = values.canaryErrorPercent;
    if (above(cp, gates.maxErrorPercent)) fails.push(`error rate ${fmtPct(cp)} > ${gates.maxErrorPercent} %`);
    // The baseline comparisons need the baseline to be a sample too (same minRequests); a baseline
    // without traffic (e.g. at the 100 % step) leaves only the absolute gates.
    if (baselineEnough) {
      const inc = cp - values.baselineErrorPercent;
      if (above(inc, gates.maxErrorIncreasePoints)) {
        fails.push(`error rate ${fmtPct(cp)} is ${inc.toFixed(2)} points above the baseline's ${fmtPct(values.baselineErrorPercent)} (> ${gates.maxErrorIncreasePoints})`);
      }
    }
    const p99 = values.canaryP99Seconds;
    if (p99 === null) waits.push('no p99 latency data');
    else {
      if (above(p99, gates.maxP99Seconds)) fails.push(`p99 ${fmtSec(p99)} > ${gates.maxP99Seconds} s`);
      const bp99 = values.baselineP99Seconds;
      // A zero baseline p99 has no meaningful ratio (every canary value would be "infinitely" slower).
      if (baselineEnough && bp99 !== null && bp99 > 0 && above(p99, bp99 * gates.maxP99Ratio)) {
        fails.push(`p99 ${fmtSec(p99)} > ${gates.maxP99Ratio} x the baseline's ${fmtSec(bp99)}`);
      }
    }
  }

  if (fails.length) return { decision: 'fail', reasons: fails, values };
  if (waits.length) return { decision: 'wait', reasons: waits, values };
  return { decision: 'pass', reasons: [], values };
}

const fmtPct = (p) => (p === null ? 'n/a' : `${p.toFixed(2)} %`);
const fmtSec = (s) => (s === null ? 'n/a' : `${s.toFixed(3)} s`);

// One line of the values a decision was made on:
// "canary 5xx 0.10 % (2/2000) vs baseline 0.05 %; p99 0.210 s vs 0.190 s; alarms OK"
// errorLabel: '5xx' for a load balancer's target errors, 'errors' for Lambda's.
function describe(values, errorLabel = '5xx') {
  const counts = values.canaryRequests === null ? 'no requests' : `${values.canaryErrors}/${values.canaryRequests}`;
  const alarms = values.alarmsInAlarm.length ? `ALARM: ${values.alarmsInAlarm.join(', ')}` : 'OK';
  return `canary ${errorLabel} ${fmtPct(values.canaryErrorPercent)} (${counts}) vs baseline ${fmtPct(values.baselineErrorPercent)}; ` +
    `p99 ${fmtSec(values.canaryP99Seconds)} vs ${fmtSec(values.baselineP99Seconds)}; alarms ${alarms}`;
}

module.exports = { judge, describe, errorPercent };
