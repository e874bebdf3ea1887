'use strict';
// The AWS SDK clients of a run. CloudFormation can run as another role (--cloudformation-role-arn): in
// GitHub Actions the CDK deploy role, the one that already may pass the stacks' CloudFormation execution
// role (UpdateStack without RoleARN reuses the stack's role and needs iam:PassRole of it). CloudWatch and
// Elastic Load Balancing always use the caller's own credentials (docs/ci-cd.md, "The release step").
const { CloudFormationClient } = require('@aws-sdk/client-cloudformation');
const { CloudWatchClient } = require('@aws-sdk/client-cloudwatch');
const { ElasticLoadBalancingV2Client } = require('@aws-sdk/client-elastic-load-balancing-v2');
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const { fromTemporaryCredentials } = require('@aws-sdk/credential-providers');

// `cdk bootstrap`'s default qualifier: the roles are cdk-QUALIFIER-KIND-role-ACCOUNT-REGION.
const DEFAULT_QUALIFIER = 'hnb659fds';
const QUALIFIER = /^[A-Za-z0-9_-]{1,10}$/;
// An IAM role ARN (any partition, a path allowed).
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;

const cdkDeployRoleArn = ({ partition, account, region, qualifier = DEFAULT_QUALIFIER }) =>
  `arn:${partition}:iam::${account}:role/cdk-${qualifier}-deploy-role-${account}-${region}`;

// 'auto' -> the CDK deploy role of the caller's account (STS GetCallerIdentity, which needs no permission)
// and the region; any other value is the ARN itself.
async function resolveRoleArn(value, { region, qualifier, sts }) {
  if (value !== 'auto') return value;
  const who = await sts.send(new GetCallerIdentityCommand({}));
  const partition = String(who.Arn || '').split(':')[1];
  if (!/^[0-9]{12}$/.test(who.Account || '') || !partition) throw new Error(`STS GetCallerIdentity answered ${JSON.stringify({ Account: who.Account, Arn: who.Arn })}: no account to build the CDK deploy role's ARN from`);
  return cdkDeployRoleArn({ partition, account: who.Account, region, qualifier });
}

// A session name CloudTrail shows for every CloudFormation call of the run: the GitHub run when there is one.
const sessionName = (env, now) => `infra-release-${env.GITHUB_RUN_ID || now}`.slice(0, 64);

const REAL = { CloudFormationClient, CloudWatchClient, ElasticLoadBalancingV2Client, STSClient, fromTemporaryCredentials };

// makeClients({ region, cloudFormationRoleArn, qualifier }) -> { clients: { cfn, cw, elb }, cloudFormationRoleArn }
// (the ARN resolved, or undefined). sdk replaces the SDK's constructors and provider in the tests.
async function makeClients({ region, cloudFormationRoleArn, qualifier }, { sdk = REAL, env = process.env, now = Date.now() } = {}) {
  const config = { region };
  let roleArn;
  let cfnConfig = config;
  if (cloudFormationRoleArn) {
    roleArn = await resolveRoleArn(cloudFormationRoleArn, { region, qualifier, sts: new sdk.STSClient(config) });
    // The caller's credentials (the default chain) assume the role; the client refreshes the role's
    // session before it expires, for as long as the caller's own credentials are valid.
    cfnConfig = { ...config, credentials: sdk.fromTemporaryCredentials({ params: { RoleArn: roleArn, RoleSessionName: sessionName(env, now) }, clientConfig: { region } }) };
  }
  return {
    clients: { cfn: new sdk.CloudFormationClient(cfnConfig), cw: new sdk.CloudWatchClient(config), elb: new sdk.ElasticLoadBalancingV2Client(config) },
    cloudFormationRoleArn: roleArn,
  };
}

module.exports = { DEFAULT_QUALIFIER, QUALIFIER, ROLE_ARN, cdkDeployRoleArn, resolveRoleArn, makeClients };
