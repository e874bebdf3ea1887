'use strict';
// The library itself, on small hand-written templates: resolution of intrinsic functions, the policies
// it finds for a role, and that the engine (not a string comparison) decides.
const test = require('node:test');
const assert = require('node:assert/strict');
const { isAllowed, simulate, resolve, identityPolicies, trustPolicy, arnOf, DEFAULT_ENV } = require('../lib');

const arn = (...parts) => ({ 'Fn::Join': ['', parts] });
const template = {
  Resources: {
    Provider: { Type: 'AWS::IAM::OIDCProvider', Properties: { Url: 'https://token.actions.githubusercontent.com', ClientIdList: ['sts.amazonaws.com'] } },
    InstanceRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: [{ Ref: 'ReadBucket' }],
        Policies: [{ PolicyName: 'logs', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: arn('arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:app:*') }] } }],
      },
    },
    ReadBucket: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::app-bucket/*' }] } } },
    DenyDelete: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'deny', Roles: [{ Ref: 'InstanceRole' }], PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::app-bucket/secret/*' }] } } },
    GitHubRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: { Ref: 'Provider' } }, Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': 'repo:o/r:environment:production' } } }] },
      },
    },
  },
};

test('resolves Ref, Fn::Join, Fn::GetAtt and Fn::Sub against the fake environment', () => {
  assert.equal(resolve(arn('arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':x'), template), 'arn:aws:iam::111111111111:x');
  assert.equal(resolve({ 'Fn::GetAtt': ['InstanceRole', 'Arn'] }, template), 'arn:aws:iam::111111111111:role/InstanceRole');
  assert.equal(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b-${AWS::Region}' }, template), 'arn:aws:s3:::b-eu-west-1');
  assert.equal(resolve({ Ref: 'Provider' }, template), 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com');
  assert.equal(arnOf(template, 'GitHubRole', { ...DEFAULT_ENV, account: '222222222222' }), 'arn:aws:iam::222222222222:role/GitHubRole');
});

test('finds inline, managed and AWS::IAM::Policy policies of a role', () => {
  const { policies, unresolved } = identityPolicies(template, 'InstanceRole');
  assert.deepEqual(policies.map(p => p.name).sort(), ['DenyDelete', 'InstanceRole/logs', 'ReadBucket']);
  assert.deepEqual(unresolved, []);
  assert.equal(trustPolicy(template, 'GitHubRole').Statement[0].Principal.Federated, 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com');
});

test('an instance role: allows, denies by default, and an explicit Deny wins', async () => {
  const q = (action, resource) => ({ template, roleLogicalId: 'InstanceRole', action, resource });
  assert.equal(await isAllowed(q('s3:GetObject', 'arn:aws:s3:::app-bucket/a.txt')), true);
  assert.equal(await isAllowed(q('logs:PutLogEvents', 'arn:aws:logs:eu-west-1:111111111111:log-group:app:log-stream:i-1')), true);
  assert.equal(await isAllowed(q('s3:PutObject', 'arn:aws:s3:::app-bucket/a.txt')), false);
  assert.equal((await simulate(q('s3:GetObject', 'arn:aws:s3:::app-bucket/secret/k'))).result, 'ExplicitlyDenied');
  assert.equal(await isAllowed({ template, roleLogicalId: 'InstanceRole', action: 'sts:AssumeRole', principal: 'ec2.amazonaws.com' }), true);
});

test('a web identity trust policy: every StringEquals key must match', async () => {
  const q = ctx => ({ template, roleLogicalId: 'GitHubRole', action: 'sts:AssumeRoleWithWebIdentity', context: ctx });
  const aud = { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' };
  assert.equal(await isAllowed(q({ ...aud, 'token.actions.githubusercontent.com:sub': 'repo:o/r:environment:production' })), true);
  assert.equal(await isAllowed(q({ ...aud, 'token.actions.githubusercontent.com:sub': 'repo:o/r:environment:dev' })), false);
  assert.equal(await isAllowed(q({ 'token.actions.githubusercontent.com:sub': 'repo:o/r:environment:production' })), false);
});

test('refuses to evaluate a role with managed policies it cannot see, unless told to', async () => {
  const t = structuredClone(template);
  t.Resources.InstanceRole.Properties.ManagedPolicyArns.push(arn('arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess'));
  await assert.rejects(isAllowed({ template: t, roleLogicalId: 'InstanceRole', action: 's3:PutObject', resource: 'arn:aws:s3:::x/y' }), /arn:aws:iam::aws:policy\/AdministratorAccess/);
  assert.equal(await isAllowed({ template: t, roleLogicalId: 'InstanceRole', action: 's3:PutObject', resource: 'arn:aws:s3:::x/y', allowUnresolvedPolicies: true }), false);
});

test('resource "*": answered for actions without a required resource type, refused as a wildcard for others', async () => {
  const t = { Resources: { R: { Type: 'AWS::IAM::Role', Properties: {
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    Policies: [{ PolicyName: 'reads', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['cloudwatch:GetMetricData', 'elasticloadbalancing:DescribeTargetHealth'], Resource: '*' }] } }],
  } } } };
  // GetMetricData's one resource type (dataset) is optional, DescribeTargetHealth has none: IAM evaluates "*".
  assert.equal(await isAllowed({ template: t, roleLogicalId: 'R', action: 'cloudwatch:GetMetricData', resource: '*' }), true);
  assert.equal(await isAllowed({ template: t, roleLogicalId: 'R', action: 'elasticloadbalancing:DescribeTargetHealth', resource: '*' }), true);
  assert.equal(await isAllowed({ template: t, roleLogicalId: 'R', action: 'cloudwatch:PutMetricData', resource: '*' }), false);
  // A pattern is a question about many resources at once: a mistake, not an answer.
  await assert.rejects(isAllowed({ template: t, roleLogicalId: 'R', action: 's3:GetObject', resource: 'arn:aws:s3:::b/*' }), /wildcard request/);
});
