'use strict';
// Reads IAM policies out of a synthesized CloudFormation template, with intrinsic functions resolved
// against a fake environment (account 111111111111, partition aws, region eu-west-1 by default).
const fs = require('fs');

const DEFAULT_ENV = Object.freeze({ account: '111111111111', partition: 'aws', region: 'eu-west-1', urlSuffix: 'amazonaws.com' });

function loadTemplate(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function resourceOf(template, logicalId) {
  const r = template.Resources?.[logicalId];
  if (!r) throw new Error(`no resource ${logicalId} in the template (it has ${Object.keys(template.Resources || {}).join(', ')})`);
  return r;
}

// The physical name a resource would get. Unnamed roles and policies get their logical id (CloudFormation
// would add the stack name and a random suffix; tests only need a stable, distinct name).
function physicalName(template, logicalId, env) {
  const r = resourceOf(template, logicalId);
  const p = r.Properties || {};
  const named = p.RoleName ?? p.ManagedPolicyName ?? p.PolicyName;
  return named === undefined ? logicalId : resolve(named, template, env);
}

function arnOf(template, logicalId, env) {
  const r = resourceOf(template, logicalId);
  const p = r.Properties || {};
  const path = p.Path ? resolve(p.Path, template, env) : '/';
  switch (r.Type) {
    case 'AWS::IAM::Role': return `arn:${env.partition}:iam::${env.account}:role${path}${physicalName(template, logicalId, env)}`;
    case 'AWS::IAM::ManagedPolicy': return `arn:${env.partition}:iam::${env.account}:policy${path}${physicalName(template, logicalId, env)}`;
    case 'AWS::IAM::OIDCProvider': return `arn:${env.partition}:iam::${env.account}:oidc-provider/${resolve(p.Url, template, env).replace(/^https:\/\//, '')}`;
    case 'AWS::SecretsManager::Secret': return `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${logicalId}-AbCdEf`;
    case 'AWS::KMS::Key': return `arn:${env.partition}:kms:${env.region}:${env.account}:key/${logicalId}`;
    case 'AWS::S3::Bucket': return `arn:${env.partition}:s3:::${logicalId.toLowerCase()}`;
    case 'AWS::Logs::LogGroup': return `arn:${env.partition}:logs:${env.region}:${env.account}:log-group:${logicalId}:*`;
    case 'AWS::SNS::Topic': return `arn:${env.partition}:sns:${env.region}:${env.account}:${logicalId}`;
    // Anything else: a fake ARN, distinct per resource, that no real request matches.
    default: return `arn:${env.partition}:${r.Type.split('::')[1].toLowerCase()}:${env.region}:${env.account}:${r.Type.split('::')[2].toLowerCase()}/${logicalId}`;
  }
}

// Ref: pseudo parameters, parameters' defaults, the ARN for OIDC providers and managed policies, the name for roles.
function ref(name, template, env) {
  switch (name) {
    case 'AWS::AccountId': return env.account;
    case 'AWS::Partition': return env.partition;
    case 'AWS::Region': return env.region;
    case 'AWS::URLSuffix': return env.urlSuffix;
    case 'AWS::StackName': return 'Stack';
    case 'AWS::StackId': return `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/Stack/00000000-0000-0000-0000-000000000000`;
    case 'AWS::NoValue': return undefined;
  }
  if (template.Parameters?.[name]) {
    const d = template.Parameters[name].Default;
    if (d === undefined) throw new Error(`parameter ${name} has no default to resolve`);
    return d;
  }
  const r = resourceOf(template, name);
  if (r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::IAM::Policy') return physicalName(template, name, env);
  // Ref gives a name for these (their ARN comes from Fn::GetAtt Arn).
  if (r.Type === 'AWS::S3::Bucket' || r.Type === 'AWS::Logs::LogGroup') return r.Type === 'AWS::S3::Bucket' ? name.toLowerCase() : name;
  return arnOf(template, name, env);
}

function getAtt(logicalId, attr, template, env) {
  const r = resourceOf(template, logicalId);
  if (attr === 'Arn') return arnOf(template, logicalId, env);
  if (r.Type === 'AWS::IAM::Role' && attr === 'RoleId') return `AROA${logicalId.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17)}`;
  throw new Error(`cannot resolve Fn::GetAtt ${logicalId}.${attr}`);
}

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub (simple ${Name} forms), Fn::Select, Fn::Split in a value. */
function resolve(value, template, env = DEFAULT_ENV) {
  if (Array.isArray(value)) return value.map(v => resolve(v, template, env)).filter(v => v !== undefined);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [k] = keys; const v = value[k];
    if (k === 'Ref') return ref(v, template, env);
    if (k === 'Fn::GetAtt') { const [id, attr] = Array.isArray(v) ? v : v.split('.'); return getAtt(id, attr, template, env); }
    if (k === 'Fn::Join') return resolve(v[1], template, env).join(v[0]);
    if (k === 'Fn::Select') return resolve(v[1], template, env)[Number(resolve(v[0], template, env))];
    if (k === 'Fn::Split') return String(resolve(v[1], template, env)).split(v[0]);
    if (k === 'Fn::Sub') {
      const [text, vars] = Array.isArray(v) ? v : [v, {}];
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name) => {
        if (vars && name in vars) return resolve(vars[name], template, env);
        const [id, attr] = name.split('.');
        return attr ? getAtt(id, attr, template, env) : ref(id, template, env);
      });
    }
    if (k.startsWith('Fn::')) throw new Error(`cannot resolve ${k}`);
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = resolve(v, template, env);
  return out;
}

/** True when `value` is Ref (or GetAtt Arn) of `logicalId`. */
const refersTo = (value, logicalId) =>
  value && typeof value === 'object' && (value.Ref === logicalId ||
    (Array.isArray(value['Fn::GetAtt']) && value['Fn::GetAtt'][0] === logicalId));

/** The role's trust policy, resolved. */
function trustPolicy(template, roleLogicalId, env = DEFAULT_ENV) {
  const r = resourceOf(template, roleLogicalId);
  if (r.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is a ${r.Type}, not an AWS::IAM::Role`);
  return resolve(r.Properties.AssumeRolePolicyDocument, template, env);
}

/**
 * Every identity policy of the role, resolved: its inline Policies, the template's AWS::IAM::Policy
 * and AWS::IAM::ManagedPolicy resources attached to it (by the role's ManagedPolicyArns or the
 * policy's Roles), as [{ name, policy }]. A ManagedPolicyArns entry that is not one of the template's
 * policies (an AWS-managed policy, an imported ARN) cannot be evaluated: listed in `unresolved`.
 */
function identityPolicies(template, roleLogicalId, env = DEFAULT_ENV) {
  const role = resourceOf(template, roleLogicalId);
  if (role.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is a ${role.Type}, not an AWS::IAM::Role`);
  const policies = [];
  const unresolved = [];
  for (const p of role.Properties.Policies || []) policies.push({ name: `${roleLogicalId}/${p.PolicyName}`, policy: resolve(p.PolicyDocument, template, env) });
  const attached = new Set();
  for (const arn of role.Properties.ManagedPolicyArns || []) {
    if (arn && typeof arn === 'object' && typeof arn.Ref === 'string' && template.Resources?.[arn.Ref]?.Type === 'AWS::IAM::ManagedPolicy') attached.add(arn.Ref);
    else unresolved.push(typeof arn === 'string' ? arn : JSON.stringify(resolve(arn, template, env)));
  }
  for (const [id, r] of Object.entries(template.Resources || {})) {
    const p = r.Properties || {};
    const onRole = (p.Roles || []).some(x => refersTo(x, roleLogicalId));
    if (r.Type === 'AWS::IAM::ManagedPolicy' && (attached.has(id) || onRole)) policies.push({ name: id, policy: resolve(p.PolicyDocument, template, env) });
    if (r.Type === 'AWS::IAM::Policy' && onRole) policies.push({ name: id, policy: resolve(p.PolicyDocument, template, env) });
  }
  return { policies, unresolved };
}

/** Logical ids of the template's roles. */
const roleIds = template => Object.entries(template.Resources || {}).filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([id]) => id);

module.exports = { DEFAULT_ENV, loadTemplate, resolve, arnOf, trustPolicy, identityPolicies, roleIds };
