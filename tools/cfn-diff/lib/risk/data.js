'use strict';
/**
 * Data at risk: stored data or identity that a deploy can lose.
 *   - a bucket, log group, key, secret, hosted zone (or table, database, file system, ...) replaced or removed;
 *   - log retention lowered (or set where logs never expired);
 *   - deletion protection turned off (load balancer attribute, RDS/DynamoDB property), a Retain
 *     DeletionPolicy / UpdateReplacePolicy dropped, stack termination protection turned off.
 */
const { isObject, resourcesOf, propsOf, literalNumber, nameOf } = require('./util');

const STATEFUL = ['AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Route53::HostedZone',
  'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::EFS::FileSystem', 'AWS::EC2::Volume', 'AWS::SQS::Queue',
  'AWS::Kinesis::Stream', 'AWS::Cognito::UserPool', 'AWS::ECR::Repository', 'AWS::Backup::BackupVault'];
const isStateful = t => STATEFUL.includes(t) || String(t).startsWith('AWS::RDS::DB');

const retains = p => p === 'Retain' || p === 'RetainExceptOnCreate' || p === 'Snapshot';

function albProtection(r) {
  const attrs = propsOf(r).LoadBalancerAttributes;
  const a = (Array.isArray(attrs) ? attrs : []).find(x => isObject(x) && x.Key === 'deletion_protection.enabled');
  return a ? String(a.Value) === 'true' : false;
}
const PROTECTION = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': albProtection,
  'AWS::RDS::DBInstance': r => propsOf(r).DeletionProtection === true || propsOf(r).DeletionProtection === 'true',
  'AWS::RDS::DBCluster': r => propsOf(r).DeletionProtection === true || propsOf(r).DeletionProtection === 'true',
  'AWS::DynamoDB::Table': r => propsOf(r).DeletionProtectionEnabled === true || propsOf(r).DeletionProtectionEnabled === 'true',
};

function classify({ oldTemplate, newTemplate, oldRawTemplate, newRawTemplate, result, paths, oldStackInfo, newStackInfo }) {
  const findings = [];
  const oldRes = resourcesOf(oldTemplate);
  const newRes = resourcesOf(newTemplate);
  // The engine's replaced / removed resources are those of the templates as written: their policies too
  // (a resource whose condition is false at the declared state is not in oldTemplate).
  const oldRaw = resourcesOf(oldRawTemplate || oldTemplate);
  const newRaw = resourcesOf(newRawTemplate || newTemplate);
  for (const r of result.resources) {
    if (!isStateful(r.type)) continue;
    if (r.change !== 'replaced' && r.change !== 'may-replace' && r.change !== 'removed') continue;
    const before = oldRaw[r.logicalId] || {};
    // Replacement honours UpdateReplacePolicy, removal DeletionPolicy (of the template being deployed / left).
    const policy = r.change === 'removed' ? before.DeletionPolicy : (newRaw[r.logicalId] || {}).UpdateReplacePolicy;
    const kept = retains(policy) || r.impact === 'WILL_ORPHAN';
    const what = r.change === 'removed' ? 'removed' : r.change === 'replaced' ? 'replaced' : 'may be replaced';
    findings.push({
      rule: 'stateful-replaced',
      resource: nameOf(r.logicalId, paths),
      message: `${r.type} ${what}${kept ? ` (${policy || 'Retain'}: the old one is kept, detached from the stack)` : ': its data is deleted with it'}`,
      rollback: kept ? 'reverse this change, then import the retained resource back (its data is kept)' : 'not reversible: data lost',
    });
  }
  for (const [id, n] of Object.entries(newRes)) {
    const o = oldRes[id];
    if (!isObject(o) || !isObject(n) || o.Type !== n.Type) continue;
    const name = nameOf(id, paths);
    if (n.Type === 'AWS::Logs::LogGroup') {
      const was = literalNumber(propsOf(o).RetentionInDays);
      const now = literalNumber(propsOf(n).RetentionInDays);
      // No RetentionInDays = logs never expire.
      const lowered = (was === null && now !== null && propsOf(o).RetentionInDays === undefined) || (was !== null && now !== null && now < was);
      if (lowered) {
        findings.push({
          rule: 'retention-lowered',
          resource: name,
          message: `log retention lowered from ${was === null ? 'never expire' : `${was} days`} to ${now} days: older events are deleted at deploy`,
          rollback: 'not reversible: data lost (events older than the new retention are deleted; reversing stops further loss)',
        });
      }
    }
    if (PROTECTION[n.Type] && PROTECTION[n.Type](o) && !PROTECTION[n.Type](n)) {
      findings.push({ rule: 'deletion-protection-off', resource: name, message: `deletion protection turned off on ${n.Type}`, rollback: 'reverse this change' });
    }
    if (isStateful(n.Type) && retains(o.DeletionPolicy) && !retains(n.DeletionPolicy)) {
      findings.push({ rule: 'retain-policy-dropped', resource: name, message: `DeletionPolicy ${o.DeletionPolicy} → ${n.DeletionPolicy || 'Delete'}: removing it from the app would delete its data`, rollback: 'reverse this change' });
    }
  }
  if (oldStackInfo && newStackInfo && oldStackInfo.terminationProtection && !newStackInfo.terminationProtection) {
    findings.push({ rule: 'termination-protection-off', resource: 'stack', message: 'stack termination protection turned off', rollback: 'reverse this change' });
  }
  return findings;
}

module.exports = { category: 'data', classify, isStateful };
