'use strict';
/**
 * Server replacements: template changes that make CloudFormation replace the running servers of an
 * Auto Scaling group, by the group's update policy. The engine shows such a change only as a
 * property update of an `AWS::EC2::LaunchTemplate` (its `LaunchTemplateData`), and a changed
 * `Mappings` value read with `Fn::FindInMap` (the recorded image per region, docs/images.md) not as
 * a change of any resource at all. This module ties both to the Auto Scaling group that launches
 * from the template and says how many servers it has and how they are replaced.
 *
 * Not destructive: replacing servers is what a new image is for. pr-diff lists it, never fails on it.
 */

const LAUNCH_TEMPLATE = 'AWS::EC2::LaunchTemplate';
const AUTO_SCALING_GROUP = 'AWS::AutoScaling::AutoScalingGroup';
const PATH_METADATA_KEY = 'aws:cdk:path';
/** LaunchTemplateData keys with a name of their own in the report; every other key is "other". */
const PART_NAMES = { ImageId: 'image', UserData: 'user data', InstanceType: 'instance type' };
const PART_ORDER = ['image', 'user data', 'instance type', 'other'];
const COLOR_TAG_KEYS = ['deployment-color', 'color', 'colour'];
const COLORS = /^(blue|green)$/i;

const { declaredState } = require('./declared');

const isObject = v => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON with sorted object keys: equal values give equal strings. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v === undefined ? null : v);
}
const same = (a, b) => canonical(a) === canonical(b);

/** Calls visit(node) on every object and array inside value (value included). */
function walk(value, visit) {
  if (value === null || typeof value !== 'object') return;
  visit(value);
  for (const v of Array.isArray(value) ? value : Object.values(value)) walk(v, visit);
}

/** Does value hold a Ref / Fn::GetAtt to logicalId? */
function references(value, logicalId) {
  let found = false;
  walk(value, n => {
    if (!isObject(n)) return;
    if (n.Ref === logicalId) found = true;
    const att = n['Fn::GetAtt'];
    if (Array.isArray(att) && att[0] === logicalId) found = true;
    if (typeof att === 'string' && att.split('.')[0] === logicalId) found = true;
  });
  return found;
}

/**
 * The indirect inputs of a LaunchTemplateData value that changed between the templates although the
 * value itself did not: a mapping read with Fn::FindInMap (which top-level keys changed, usually
 * regions) and a template parameter read with Ref (its Type or Default changed).
 */
function indirectChanges(value, oldT, newT) {
  const out = [];
  const seen = new Set();
  walk(value, n => {
    if (!isObject(n)) return;
    const fim = n['Fn::FindInMap'];
    if (Array.isArray(fim) && typeof fim[0] === 'string') {
      const [name, topKey, secondKey] = fim;
      const oldMap = (oldT.Mappings || {})[name];
      const newMap = (newT.Mappings || {})[name];
      if (same(oldMap, newMap)) return;
      const tops = typeof topKey === 'string' ? [topKey]
        : [...new Set([...Object.keys(oldMap || {}), ...Object.keys(newMap || {})])].sort();
      const keys = tops.filter(k => {
        const o = isObject(oldMap) ? oldMap[k] : undefined;
        const m = isObject(newMap) ? newMap[k] : undefined;
        return typeof secondKey === 'string'
          ? !same(isObject(o) ? o[secondKey] : undefined, isObject(m) ? m[secondKey] : undefined)
          : !same(o, m);
      });
      const id = `mapping:${name}:${keys.join(',')}`;
      if (keys.length && !seen.has(id)) {
        seen.add(id);
        out.push({ via: 'mapping', name, keys });
      }
    }
    if (typeof n.Ref === 'string' && !n.Ref.startsWith('AWS::')) {
      const o = (oldT.Parameters || {})[n.Ref];
      const m = (newT.Parameters || {})[n.Ref];
      if (o && m && (!same(o.Type, m.Type) || !same(o.Default, m.Default)) && !seen.has(`parameter:${n.Ref}`)) {
        seen.add(`parameter:${n.Ref}`);
        out.push({ via: 'parameter', name: n.Ref });
      }
    }
  });
  return out;
}

/** What changed in a launch template's LaunchTemplateData: [{ part, property, via, name?, keys? }]. */
function launchTemplateChanges(oldRes, newRes, oldT, newT) {
  const oldData = (oldRes.Properties || {}).LaunchTemplateData || {};
  const newData = (newRes.Properties || {}).LaunchTemplateData || {};
  const changes = [];
  for (const property of [...new Set([...Object.keys(oldData), ...Object.keys(newData)])].sort()) {
    const part = PART_NAMES[property] || 'other';
    if (!same(oldData[property], newData[property])) {
      changes.push({ part, property, via: 'template' });
    } else {
      for (const ind of indirectChanges(newData[property], oldT, newT)) changes.push({ part, property, ...ind });
    }
  }
  return changes.sort((a, b) => (PART_ORDER.indexOf(a.part) - PART_ORDER.indexOf(b.part)) || a.property.localeCompare(b.property));
}

/** A literal number (CloudFormation sizes are often strings), or null for an intrinsic. */
function literalNumber(v) {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return null;
}

/**
 * How CloudFormation updates the group's servers when its launch template changes
 * (UpdatePolicy of AWS::AutoScaling::AutoScalingGroup):
 *   replacing-update   AutoScalingReplacingUpdate.WillReplace: a new group, then the old one is deleted
 *                      (takes precedence over a rolling update)
 *   instance-refresh   AutoScalingInstanceRefresh: an instance refresh replaces the servers gradually
 *   rolling-update     AutoScalingRollingUpdate: servers replaced in batches
 *   none               no such policy: running servers keep the old template, only new ones get the new one
 */
function updatePolicy(asg) {
  const up = isObject(asg.UpdatePolicy) ? asg.UpdatePolicy : {};
  const replacing = up.AutoScalingReplacingUpdate;
  if (isObject(replacing) && (replacing.WillReplace === true || replacing.WillReplace === 'true')) {
    return { kind: 'replacing-update' };
  }
  const refresh = up.AutoScalingInstanceRefresh;
  if (isObject(refresh)) {
    const prefs = isObject(refresh.Preferences) ? refresh.Preferences : {};
    return {
      kind: 'instance-refresh',
      strategy: typeof refresh.Strategy === 'string' ? refresh.Strategy : null,
      minHealthyPercentage: literalNumber(prefs.MinHealthyPercentage),
      maxHealthyPercentage: literalNumber(prefs.MaxHealthyPercentage),
    };
  }
  const rolling = up.AutoScalingRollingUpdate;
  if (isObject(rolling)) {
    return {
      kind: 'rolling-update',
      maxBatchSize: rolling.MaxBatchSize === undefined ? 1 : literalNumber(rolling.MaxBatchSize),
      minInstancesInService: rolling.MinInstancesInService === undefined ? 0 : literalNumber(rolling.MinInstancesInService),
      waitOnResourceSignals: rolling.WaitOnResourceSignals === true || rolling.WaitOnResourceSignals === 'true',
    };
  }
  return { kind: 'none' };
}

const resourcePath = (res, paths, id) => {
  const p = (isObject(res.Metadata) && typeof res.Metadata[PATH_METADATA_KEY] === 'string' && res.Metadata[PATH_METADATA_KEY]) || paths[id];
  return typeof p === 'string' ? p.replace(/^\/+/, '') : null;
};

/**
 * The fleet: the construct path the launch template and the group share (`Prod-Web/Fleets/Blue` for
 * `.../Blue/LaunchTemplate/Resource` and `.../Blue/Group/ASG`), else the group's parent path, else
 * the group's logical ID.
 */
function fleetName(asgPath, ltPath, asgId) {
  if (asgPath && ltPath) {
    const a = asgPath.split('/');
    const b = ltPath.split('/');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    if (i >= 2) return a.slice(0, i).join('/');
  }
  if (asgPath && asgPath.includes('/')) return asgPath.split('/').slice(0, -1).join('/');
  return asgPath || asgId;
}

function tagValue(tags, keys) {
  for (const t of Array.isArray(tags) ? tags : []) {
    if (isObject(t) && keys.includes(String(t.Key).toLowerCase()) && typeof t.Value === 'string') return t.Value;
  }
  return null;
}

/** The color: a deployment-color tag on the group or in the launch template, else a blue/green path segment. */
function colorOf(asg, lt, fleet) {
  const fromAsg = tagValue((asg.Properties || {}).Tags, COLOR_TAG_KEYS);
  if (fromAsg) return fromAsg.toLowerCase();
  const specs = ((lt.Properties || {}).LaunchTemplateData || {}).TagSpecifications;
  for (const s of Array.isArray(specs) ? specs : []) {
    const v = isObject(s) ? tagValue(s.Tags, COLOR_TAG_KEYS) : null;
    if (v) return v.toLowerCase();
  }
  const seg = String(fleet || '').split('/').reverse().find(x => COLORS.test(x));
  return seg ? seg.toLowerCase() : null;
}

/**
 * Fleets whose servers a deploy of newT over oldT replaces (or, with no update policy, whose launch
 * template changes under running servers). Only launch templates and groups that exist on both
 * sides count: a new fleet is an addition, not a replacement. `paths` is the logicalId ->
 * construct path map used when a resource has no aws:cdk:path metadata. What changed is read from
 * the templates as written; the group's sizes at the new template's declared state (every parameter
 * at its Default, lib/declared.js: a release-mode fleet's `Fn::If` sizes).
 */
function serverReplacements(oldTemplate, newTemplate, paths = {}) {
  const oldT = oldTemplate || {};
  const newT = newTemplate || {};
  const oldRes = isObject(oldT.Resources) ? oldT.Resources : {};
  const newRes = isObject(newT.Resources) ? newT.Resources : {};
  const out = [];
  let sized = null; // the new template at its declared state, made when first needed
  for (const [ltId, lt] of Object.entries(newRes)) {
    if (!isObject(lt) || lt.Type !== LAUNCH_TEMPLATE) continue;
    const before = oldRes[ltId];
    if (!isObject(before) || before.Type !== LAUNCH_TEMPLATE) continue;
    const changes = launchTemplateChanges(before, lt, oldT, newT);
    if (!changes.length) continue;
    for (const [asgId, asg] of Object.entries(newRes)) {
      if (!isObject(asg) || asg.Type !== AUTO_SCALING_GROUP) continue;
      if (!isObject(oldRes[asgId]) || oldRes[asgId].Type !== AUTO_SCALING_GROUP) continue;
      const props = asg.Properties || {};
      if (!references([props.LaunchTemplate, props.MixedInstancesPolicy], ltId)) continue;
      const asgPath = resourcePath(asg, paths, asgId);
      const ltPath = resourcePath(lt, paths, ltId);
      const fleet = fleetName(asgPath, ltPath, asgId);
      const policy = updatePolicy(asg);
      sized = sized || (declaredState(newT).Resources || {});
      const sizes = isObject(sized[asgId]) && isObject(sized[asgId].Properties) ? sized[asgId].Properties : {};
      out.push({
        fleet,
        color: colorOf(asg, lt, fleet),
        parts: PART_ORDER.filter(p => changes.some(c => c.part === p)),
        changes,
        minSize: literalNumber(sizes.MinSize),
        desiredCapacity: literalNumber(sizes.DesiredCapacity),
        maxSize: literalNumber(sizes.MaxSize),
        updatePolicy: policy,
        replacesRunningServers: policy.kind !== 'none',
        autoScalingGroup: { logicalId: asgId, path: asgPath },
        launchTemplate: { logicalId: ltId, path: ltPath },
      });
    }
  }
  return out.sort((a, b) => a.fleet.localeCompare(b.fleet) || a.autoScalingGroup.logicalId.localeCompare(b.autoScalingGroup.logicalId));
}

module.exports = { serverReplacements, updatePolicy, launchTemplateChanges, fleetName, PART_NAMES };
