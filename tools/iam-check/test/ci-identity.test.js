'use strict';
// The reference app's Ci-Identity stack, synthesized as docs/ci-cd.md deploys it in one account
// (bash tools/synth -c githubRepository=my-org/my-infra -c account=111111111111 -c region=eu-west-1
// Ci-Identity: only that stack, whose synth needs no AWS lookups),
// evaluated by the IAM engine: which GitHub tokens can assume which role, and what each role may
// assume. IAM_CHECK_CI_IDENTITY_TEMPLATE=FILE reuses a template synthesized that way.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { isAllowed, githubClaims, loadTemplate, roleIds, arnOf, DEFAULT_ENV, WEB_IDENTITY } = require('../lib');

const REPO = 'my-org/my-infra';
const DEPLOY_YML_ON_MAIN = `${REPO}/.github/workflows/deploy.yml@refs/heads/main`;
const PR_YML = `${REPO}/.github/workflows/pr.yml@refs/pull/7/merge`;
const ACCOUNT = DEFAULT_ENV.account;
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const bootstrapRole = (kind, account = ACCOUNT, qualifier = 'hnb659fds', region = 'eu-west-1') =>
  `arn:aws:iam::${account}:role/cdk-${qualifier}-${kind}-role-${account}-${region}`;
// The CDK bootstrap roles trust their own account (bootstrap template: Principal AWS = the account id).
const trustsAccount = account => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] });

let template;
let role;
let synthDir;

test.after(() => { if (synthDir) fs.rmSync(synthDir, { recursive: true, force: true }); });

test.before(() => {
  let file = process.env.IAM_CHECK_CI_IDENTITY_TEMPLATE;
  if (!file) {
    const out = synthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-check-'));
    const repoRoot = path.resolve(__dirname, '..', '..', '..');
    execFileSync('bash', ['tools/synth', '-c', `githubRepository=${REPO}`, '-c', `account=${ACCOUNT}`, '-c', 'region=eu-west-1', '--output', out, 'Ci-Identity'],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
    file = path.join(out, 'Ci-Identity.template.json');
  }
  template = loadTemplate(file);
  const byPrefix = prefix => {
    const ids = roleIds(template).filter(id => id.startsWith(prefix) && /^[0-9A-F]{8}$/.test(id.slice(prefix.length)));
    assert.equal(ids.length, 1, `one role ${prefix}*: ${roleIds(template).join(', ')}`);
    return ids[0];
  };
  role = { diff: byPrefix('GitHubDiffRole'), dev: byPrefix('GitHubDeployRoleDev'), prod: byPrefix('GitHubDeployRoleProd') };
});

const assume = (roleLogicalId, claims) => isAllowed({ template, roleLogicalId, action: WEB_IDENTITY, principal: PROVIDER, context: githubClaims(claims) });
const reachable = async claims => {
  const out = [];
  for (const [name, id] of Object.entries(role)) if (await assume(id, claims)) out.push(name);
  return out;
};

test('the template has exactly the diff, dev and prod roles', () => {
  assert.deepEqual(roleIds(template).length, 3);
});

test('the dev job (environment dev, deploy.yml on main) reaches the dev deploy role only', async () => {
  assert.deepEqual(await reachable({ sub: `repo:${REPO}:environment:dev`, jobWorkflowRef: DEPLOY_YML_ON_MAIN }), ['dev']);
});

test('the prod job (environment production, deploy.yml on main) reaches the prod deploy role only', async () => {
  assert.deepEqual(await reachable({ sub: `repo:${REPO}:environment:production`, jobWorkflowRef: DEPLOY_YML_ON_MAIN }), ['prod']);
});

test('a job on main without an environment reaches no role, in deploy.yml or any other workflow', async () => {
  // The old single deploy role trusted ref:refs/heads/main: any workflow on main could deploy prod.
  assert.deepEqual(await reachable({ sub: `repo:${REPO}:ref:refs/heads/main`, jobWorkflowRef: DEPLOY_YML_ON_MAIN }), []);
  assert.deepEqual(await reachable({ sub: `repo:${REPO}:ref:refs/heads/main`, jobWorkflowRef: `${REPO}/.github/workflows/other.yml@refs/heads/main` }), []);
});

test('the production subject from another workflow, from another branch or without the claim reaches nothing', async () => {
  for (const jobWorkflowRef of [`${REPO}/.github/workflows/pr.yml@refs/heads/main`, `${REPO}/.github/workflows/deploy.yml@refs/heads/topic`, undefined])
    assert.deepEqual(await reachable({ sub: `repo:${REPO}:environment:production`, jobWorkflowRef }), [], String(jobWorkflowRef));
});

test('a pull request reaches the diff role only', async () => {
  assert.deepEqual(await reachable({ sub: `repo:${REPO}:pull_request`, jobWorkflowRef: PR_YML }), ['diff']);
});

test('another repository, another audience or another provider reaches nothing', async () => {
  assert.deepEqual(await reachable({ sub: `repo:other-org/my-infra:environment:production`, jobWorkflowRef: `other-org/my-infra/.github/workflows/deploy.yml@refs/heads/main` }), []);
  assert.deepEqual(await reachable({ sub: `repo:${REPO}:environment:production`, jobWorkflowRef: DEPLOY_YML_ON_MAIN, aud: 'https://github.com/my-org' }), []);
  const otherProvider = `arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`;
  assert.equal(await isAllowed({ template, roleLogicalId: role.prod, action: WEB_IDENTITY, principal: otherProvider,
    context: githubClaims({ sub: `repo:${REPO}:environment:production`, jobWorkflowRef: DEPLOY_YML_ON_MAIN }) }), false);
});

const may = (roleLogicalId, action, resource, resourcePolicy) => isAllowed({ template, roleLogicalId, action, resource, resourcePolicy });

test('each deploy role may assume its account\'s four CDK bootstrap roles', async () => {
  for (const r of [role.dev, role.prod])
    for (const kind of ['deploy', 'file-publishing', 'image-publishing', 'lookup'])
      assert.equal(await may(r, 'sts:AssumeRole', bootstrapRole(kind), trustsAccount(ACCOUNT)), true, `${r} ${kind}`);
});

test('a deploy role may assume no other role: not the execution role, not another account\'s or qualifier\'s, not each other', async () => {
  const others = [
    bootstrapRole('cfn-exec'),                                   // CloudFormation's, never the workflow's
    bootstrapRole('deploy', '222222222222'),                     // a separate prod account
    bootstrapRole('deploy', ACCOUNT, 'prod01'),                  // another bootstrap qualifier
    bootstrapRole('deploy', ACCOUNT, 'hnb659fds', 'us-east-1'),  // another region
    arnOf(template, role.prod, DEFAULT_ENV),
    arnOf(template, role.dev, DEFAULT_ENV),
  ];
  for (const r of [role.dev, role.prod])
    for (const target of others)
      assert.equal(await may(r, 'sts:AssumeRole', target, trustsAccount(ACCOUNT)), false, `${r} -> ${target}`);
});

test('in one account, dev and prod reach the same CDK deploy role: the identity policies do not separate them', async () => {
  // Honest limit (docs/ci-cd.md, "One account or two"): there is one bootstrap deploy role per account,
  // qualifier and region. Only the trust policies above keep the dev job away from the prod role.
  const target = bootstrapRole('deploy');
  assert.equal(await may(role.dev, 'sts:AssumeRole', target, trustsAccount(ACCOUNT)), true);
  assert.equal(await may(role.prod, 'sts:AssumeRole', target, trustsAccount(ACCOUNT)), true);
});

test('a deploy role cannot act by itself (no CloudFormation, no PassRole, no IAM)', async () => {
  const stack = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Prod-Web/abc`;
  for (const r of [role.dev, role.prod]) {
    assert.equal(await may(r, 'cloudformation:UpdateStack', stack), false);
    assert.equal(await may(r, 'cloudformation:DeleteStack', `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Ci-Identity/abc`), false);
    assert.equal(await may(r, 'iam:PassRole', bootstrapRole('cfn-exec')), false);
    assert.equal(await may(r, 'iam:UpdateAssumeRolePolicy', arnOf(template, role.prod, DEFAULT_ENV)), false);
  }
});

test('the diff role cannot assume the CDK lookup role (ReadOnlyAccess on the whole account) nor any other', async () => {
  assert.equal(await may(role.diff, 'sts:AssumeRole', `arn:aws:iam::111111111111:role/cdk-hnb659fds-lookup-role-111111111111-eu-west-1`, trustsAccount(ACCOUNT)), false);
  for (const kind of ['deploy', 'file-publishing', 'image-publishing', 'cfn-exec'])
    assert.equal(await may(role.diff, 'sts:AssumeRole', bootstrapRole(kind), trustsAccount(ACCOUNT)), false, kind);
});

test('the diff role reads the reference stacks\' templates and nothing else', async () => {
  const stack = name => `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/${name}/0a1b2c3d`;
  for (const name of ['Dev-Web', 'Prod-Web', 'Prod-Dns', 'ApiGateway-Account'])
    for (const action of ['cloudformation:GetTemplate', 'cloudformation:DescribeStacks'])
      assert.equal(await may(role.diff, action, stack(name)), true, `${action} ${name}`);
  assert.equal(await may(role.diff, 'cloudformation:GetTemplate', stack('Ci-Identity')), false);
  assert.equal(await may(role.diff, 'cloudformation:GetTemplate', stack('CDKToolkit')), false);
  assert.equal(await may(role.diff, 'cloudformation:GetTemplate', `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Prod-Web/0a1b2c3d`), false);
  assert.equal(await may(role.diff, 'cloudformation:UpdateStack', stack('Prod-Web')), false);
  assert.equal(await may(role.diff, 's3:GetObject', 'arn:aws:s3:::cdk-hnb659fds-assets-111111111111-eu-west-1/x'), false);
  assert.equal(await may(role.diff, 'secretsmanager:GetSecretValue', `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:app-AbCdEf`), false);
});

// tools/release in deploy.yml: its CloudFormation calls go through the CDK deploy role (assumed above); these
// reads, which that role lacks, are made with the job's own credentials (docs/ci-cd.md, "The release step").
test('the prod deploy role may make the release driver\'s three reads, the alarms only of its account and region', async () => {
  const alarm = (name, region = 'eu-west-1', account = ACCOUNT) => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
  const targetGroup = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:targetgroup/prod-green/943f017f100becff`;
  assert.equal(await may(role.prod, 'cloudwatch:GetMetricData', '*'), true);
  assert.equal(await may(role.prod, 'elasticloadbalancing:DescribeTargetHealth', '*'), true);
  assert.equal(await may(role.prod, 'cloudwatch:DescribeAlarms', alarm('Prod-Web-MonitoringGreenTarget5xxRate-ABC')), true);
  assert.equal(await may(role.prod, 'cloudwatch:DescribeAlarms', alarm('x', 'us-east-1')), false, 'another region');
  assert.equal(await may(role.prod, 'cloudwatch:DescribeAlarms', alarm('x', 'eu-west-1', '222222222222')), false, 'another account');
  // ...and nothing more: no alarm or metric write, no load balancer change, no CloudFormation of its own, no EC2.
  const denied = [
    ['cloudwatch:PutMetricAlarm', alarm('Prod-Web-MonitoringGreenTarget5xxRate-ABC')],
    ['cloudwatch:SetAlarmState', alarm('Prod-Web-MonitoringGreenTarget5xxRate-ABC')],
    ['cloudwatch:DeleteAlarms', alarm('Prod-Web-MonitoringGreenTarget5xxRate-ABC')],
    ['cloudwatch:DisableAlarmActions', alarm('Prod-Web-MonitoringGreenTarget5xxRate-ABC')],
    ['cloudwatch:PutMetricData', '*'],
    ['elasticloadbalancing:DeregisterTargets', targetGroup],
    ['elasticloadbalancing:ModifyTargetGroup', targetGroup],
    ['cloudformation:UpdateStack', `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Prod-Web/abc`],
    ['cloudformation:DescribeStacks', `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/Prod-Web/abc`],
    ['ec2:TerminateInstances', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`],
    ['ec2:DescribeInstances', '*'],
    ['logs:GetLogEvents', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:app:log-stream:x`],
  ];
  for (const [action, resource] of denied) assert.equal(await may(role.prod, action, resource), false, action);
});

test('the diff role makes none of the release driver\'s reads', async () => {
  assert.equal(await may(role.diff, 'cloudwatch:GetMetricData', '*'), false);
  assert.equal(await may(role.diff, 'elasticloadbalancing:DescribeTargetHealth', '*'), false);
  assert.equal(await may(role.diff, 'cloudwatch:DescribeAlarms', `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:x`), false);
});
