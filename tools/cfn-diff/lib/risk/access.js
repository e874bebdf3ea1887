'use strict';
/**
 * Broader access: new allow statements (actions, resources, principals) and security-group rules
 * opened, from the diff engine's security changes. The engine reads every policy the resource
 * specification marks as one: IAM role/user/group and managed policies, bucket, topic and queue
 * policies, KMS key policies, Secrets Manager resource policies, Lambda permissions, and ingress/egress
 * rules (test/risk.test.js checks the key and secret policies).
 */
const { nameOf } = require('./util');

const targets = t => (t && !t.empty ? `${t.not ? 'not ' : ''}${t.values.join(', ')}` : '');
/** Engine-rendered values keep ${Logical.Id} placeholders; enough for a reviewer. */
function describeStatement(s) {
  return [`actions ${targets(s.actions) || '(none)'}`, `on ${targets(s.resources) || '(the resource itself)'}`,
    targets(s.principals) ? `for ${targets(s.principals)}` : ''].filter(Boolean).join(' ');
}

/** IAM-style wildcard match ("s3:*" covers "s3:GetObject"), case-insensitive. */
const glob = (pattern, value) => new RegExp(`^${pattern.split('*').map(x => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);
const covers = (wide, narrow) => !wide.not && !narrow.not && narrow.values.every(v => wide.values.some(w => glob(w, v)));

/**
 * The engine shows an edited statement as one removed and one added: an added statement that a
 * removed one already allowed (same principals, covering actions and resources) is not broader.
 */
function narrowedOnly(s, removed) {
  return removed.some(r => r.effect === 'Allow' && covers(r.actions, s.actions) && covers(r.resources, s.resources)
    && JSON.stringify(r.principals.values.slice().sort()) === JSON.stringify(s.principals.values.slice().sort())
    && JSON.stringify(r.condition || null) === JSON.stringify(s.condition || null));
}

function classify({ diff, paths }) {
  const findings = [];
  const rollback = 'reverse this change (access narrows again; what was done with it meanwhile stays done)';
  const removed = diff.iamChanges.statements.removals;
  for (const s of diff.iamChanges.statements.additions) {
    if (s.effect !== 'Allow' || narrowedOnly(s, removed)) continue;
    findings.push({ rule: 'iam-statement-added', resource: 'IAM', message: `new allow: ${describeStatement(s)}`, rollback });
  }
  for (const m of diff.iamChanges.managedPolicies.additions) {
    findings.push({ rule: 'managed-policy-attached', resource: m.identityArn, message: `managed policy ${m.managedPolicyArn} attached to ${m.identityArn}`, rollback });
  }
  for (const rule of diff.securityGroupChanges.ingress.additions) {
    findings.push({ rule: 'security-group-opened', resource: rule.groupId, message: `ingress opened on ${rule.groupId}: ${rule.describeProtocol()} from ${rule.describePeer()}`, rollback });
  }
  for (const rule of diff.securityGroupChanges.egress.additions) {
    findings.push({ rule: 'security-group-egress-opened', resource: rule.groupId, message: `egress opened on ${rule.groupId}: ${rule.describeProtocol()} to ${rule.describePeer()}`, rollback });
  }
  return findings.map(f => ({ ...f, resource: String(f.resource).replace(/\$\{([^}.]+)[^}]*\}/g, (m, id) => (paths && paths[id] ? nameOf(id, paths) : m)) }));
}

module.exports = { category: 'access', classify };
