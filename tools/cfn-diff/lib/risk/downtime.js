'use strict';
/**
 * Downtime risk: a change that can interrupt requests.
 *   - a traffic-path resource replaced or removed (the load balancer, a listener, a target group, a
 *     fleet, the network under them, DNS);
 *   - servers replaced (lib/servers.js): which fleet, how many at its minimum;
 *   - flip-while-cold: a listener weight raised to a fleet whose capacity goes from 0 to more in the
 *     same change (new servers boot while traffic already goes to them);
 *   - a listener weight raised to a target group with no servers at all after the change.
 * Values are read from the templates at their declared state (every parameter at its Default:
 * lib/declared.js, applied once by lib/risk-report.js); a weight that tools/release moves is not
 * flip-while-cold (lib/releases.js).
 */
const { isObject, resourcesOf, propsOf, literalNumber, refTarget, nameOf } = require('./util');

const TRAFFIC_PATH = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup', 'AWS::EC2::InternetGateway', 'AWS::EC2::NatGateway',
  'AWS::EC2::EIP', 'AWS::EC2::RouteTable', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ElasticLoadBalancing::LoadBalancer',
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::CloudFront::Distribution', 'AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup',
  'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::Lambda::Alias', 'AWS::CertificateManager::Certificate',
]);

/** Every target group a forward action of a listener or listener rule names: [{ tg, weight }] (weight as written; 1 for a plain forward). */
function forwardTargets(template) {
  const out = [];
  for (const r of Object.values(resourcesOf(template))) {
    if (!isObject(r)) continue;
    const p = propsOf(r);
    const actions = r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule' ? p.Actions
      : r.Type === 'AWS::ElasticLoadBalancingV2::Listener' ? p.DefaultActions : null;
    for (const a of Array.isArray(actions) ? actions : []) {
      if (!isObject(a) || a.Type !== 'forward') continue;
      const groups = isObject(a.ForwardConfig) && Array.isArray(a.ForwardConfig.TargetGroups) ? a.ForwardConfig.TargetGroups : [];
      for (const g of groups) { const tg = refTarget(g && g.TargetGroupArn); if (tg) out.push({ tg, weight: g.Weight }); }
      const single = refTarget(a.TargetGroupArn);
      if (single) out.push({ tg: single, weight: 1 });
    }
  }
  return out;
}

/** target group logical ID -> its weights (a number, null when not a literal), over every forward action of listeners and listener rules. */
function listenerWeights(template) {
  const out = {};
  for (const { tg, weight } of forwardTargets(template)) (out[tg] = out[tg] || []).push(literalNumber(weight));
  return out;
}

/** target group logical ID -> weight (the highest; a weight that is not a literal counts as 1). */
function weights(template) {
  const out = {};
  for (const [tg, ws] of Object.entries(listenerWeights(template))) out[tg] = Math.max(...ws.map(w => (w === null ? 1 : w)));
  return out;
}

/** target group logical ID -> [{ asg, min, desired, capacity }] of the Auto Scaling groups registered in it. */
function fleetsByTargetGroup(template) {
  const out = {};
  for (const [id, r] of Object.entries(resourcesOf(template))) {
    if (!isObject(r) || r.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue;
    const p = propsOf(r);
    const min = literalNumber(p.MinSize);
    const desired = literalNumber(p.DesiredCapacity);
    // Without DesiredCapacity a group starts at MinSize.
    const capacity = desired !== null ? desired : min;
    for (const arn of Array.isArray(p.TargetGroupARNs) ? p.TargetGroupARNs : []) {
      const tg = refTarget(arn);
      if (tg) (out[tg] = out[tg] || []).push({ asg: id, min, desired, capacity });
    }
  }
  return out;
}

const sum = fleets => (fleets.some(f => f.capacity === null) ? null : fleets.reduce((s, f) => s + f.capacity, 0));

/** ({ oldTemplate, newTemplate, result, paths, releases? }) -> findings; templates at their declared state (lib/declared.js). */
function classify({ oldTemplate, newTemplate, result, paths, releases }) {
  const findings = [];
  for (const r of result.resources) {
    if (!TRAFFIC_PATH.has(r.type)) continue;
    if (r.change !== 'replaced' && r.change !== 'may-replace' && r.change !== 'removed') continue;
    if (result.stack === 'removed' || (r.change === 'removed' && r.impact === 'WILL_ORPHAN')) continue;
    const what = r.change === 'removed' ? 'removed' : r.change === 'replaced' ? 'replaced' : 'may be replaced';
    findings.push({
      rule: 'traffic-path-replaced',
      resource: nameOf(r.logicalId, paths),
      message: `traffic-path ${r.type} ${what}${r.replacedBecause.length ? ` (because of ${r.replacedBecause.join(', ')})` : ''}: requests through it fail until its successor is in place`,
      rollback: 'reverse this change (the resource is created again; requests fail meanwhile)',
    });
  }
  for (const s of result.serversReplaced || []) {
    if (!s.replacesRunningServers) continue;
    const n = s.minSize === null ? 'an unknown number of' : String(s.minSize);
    findings.push({
      rule: 'servers-replaced',
      resource: s.fleet,
      message: `servers of ${s.fleet}${s.color ? ` (${s.color})` : ''} replaced (${s.parts.join(', ')}): ${n} server(s) at its minimum, by ${s.updatePolicy.kind}`,
      rollback: 'reverse this change (the servers are replaced again, from the previous launch template)',
    });
  }
  // Weights that tools/release moves (a release declared in this change whose weight parameters the
  // stack already has): the deploy keeps their current values, and the driver prepares the capacity
  // first, so no flip-while-cold (lib/releases.js; the report says so on the release's line).
  const driven = new Set((releases || []).filter(r => !r.deployMovesTraffic).flatMap(r => r.targetGroups));
  for (const { tg, weight: w, before, after } of raisedWeights(oldTemplate, newTemplate)) {
    const name = nameOf(tg, paths);
    if (after === 0) {
      findings.push({
        rule: 'weight-to-empty-target-group',
        resource: name,
        message: `listener weight raised to ${w} for ${name}, which has no servers after this change`,
        rollback: 'reverse this change (the weight goes back; requests sent there meanwhile fail)',
      });
    } else if (before === 0 && after !== null && after > 0 && !driven.has(tg)) {
      findings.push({
        rule: 'flip-while-cold',
        resource: name,
        message: `listener weight raised to ${w} for ${name} while its fleet goes from 0 to ${after} server(s) in the same change: traffic arrives before the servers are healthy. Scale the fleet up in one change, flip in the next`,
        rollback: 'reverse this change (the weight goes back to the warm fleet)',
      });
    }
  }
  return findings;
}

/**
 * Target groups whose listener weight goes up, where a listener already serves traffic (a new
 * stack's first weights move no request): [{ tg, weight, before, after }], before / after = the
 * servers of the fleets registered in it (null when not a literal).
 */
function raisedWeights(oldTemplate, newTemplate) {
  const serving = Object.values(resourcesOf(oldTemplate)).some(r => isObject(r) && r.Type === 'AWS::ElasticLoadBalancingV2::Listener');
  if (!serving) return [];
  const oldW = weights(oldTemplate);
  const newW = weights(newTemplate);
  const oldF = fleetsByTargetGroup(oldTemplate);
  const newF = fleetsByTargetGroup(newTemplate);
  const out = [];
  for (const [tg, w] of Object.entries(newW)) {
    if (!(w > (oldW[tg] || 0))) continue;
    out.push({ tg, weight: w, before: oldF[tg] ? sum(oldF[tg]) : 0, after: sum(newF[tg] || []) });
  }
  return out;
}

module.exports = { category: 'downtime', classify, TRAFFIC_PATH, weights, forwardTargets, listenerWeights, fleetsByTargetGroup, raisedWeights };
