'use strict';
// --cloudformation-role-arn: which client gets which credentials, with fake SDK constructors, and once
// through the real SDK against a loopback endpoint (no network): the CloudFormation calls are signed
// with the assumed role's keys, STS with the caller's.
const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const { makeClients, resolveRoleArn, cdkDeployRoleArn } = require('../lib/clients');

// Fake SDK: every client records its config; STS answers GetCallerIdentity from `who`.
function fakeSdk(who = { Account: '222222222222', Arn: 'arn:aws:sts::222222222222:assumed-role/Ci-Identity-GitHubDeployRoleProd-1A2B/deploy-prod-42' }) {
  const made = { sts: [], temporary: [], calls: [] };
  const client = (kind) => class { constructor(config) { this.config = config; made[kind] = config; } };
  return {
    made,
    sdk: {
      CloudFormationClient: client('cfn'), CloudWatchClient: client('cw'), ElasticLoadBalancingV2Client: client('elb'),
      STSClient: class {
        constructor(config) { made.sts.push(config); }
        async send(cmd) { made.calls.push(cmd.constructor.name); if (who instanceof Error) throw who; return who; }
      },
      fromTemporaryCredentials: (options) => { made.temporary.push(options); return 'role-provider'; },
    },
  };
}

test('without a role every client uses the caller\'s credentials (the default chain) and STS is not called', async () => {
  const { sdk, made } = fakeSdk();
  const { clients, cloudFormationRoleArn } = await makeClients({ region: 'eu-west-1' }, { sdk });
  assert.equal(cloudFormationRoleArn, undefined);
  assert.deepEqual([made.cfn, made.cw, made.elb], [{ region: 'eu-west-1' }, { region: 'eu-west-1' }, { region: 'eu-west-1' }]);
  assert.deepEqual(made.calls, []);
  assert.deepEqual(Object.keys(clients).sort(), ['cfn', 'cw', 'elb']);
});

test('a role ARN: CloudFormation uses credentials assumed from it, CloudWatch and ELB the caller\'s', async () => {
  const { sdk, made } = fakeSdk();
  const arn = 'arn:aws:iam::111111111111:role/release-cfn';
  const { cloudFormationRoleArn } = await makeClients({ region: 'eu-west-1', cloudFormationRoleArn: arn }, { sdk, env: { GITHUB_RUN_ID: '9876' } });
  assert.equal(cloudFormationRoleArn, arn);
  assert.deepEqual(made.temporary, [{ params: { RoleArn: arn, RoleSessionName: 'infra-release-9876' }, clientConfig: { region: 'eu-west-1' } }]);
  assert.deepEqual(made.cfn, { region: 'eu-west-1', credentials: 'role-provider' });
  assert.deepEqual(made.cw, { region: 'eu-west-1' });
  assert.deepEqual(made.elb, { region: 'eu-west-1' });
  assert.deepEqual(made.calls, [], 'an explicit ARN needs no GetCallerIdentity');
});

test('auto: the CDK deploy role of the caller\'s account and partition, the region and the qualifier', async () => {
  const { sdk, made } = fakeSdk();
  const { cloudFormationRoleArn } = await makeClients({ region: 'eu-west-1', cloudFormationRoleArn: 'auto' }, { sdk, env: {}, now: 1765087200000 });
  assert.equal(cloudFormationRoleArn, 'arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1');
  assert.deepEqual(made.calls, ['GetCallerIdentityCommand']);
  assert.deepEqual(made.sts, [{ region: 'eu-west-1' }]);
  assert.equal(made.temporary[0].params.RoleSessionName, 'infra-release-1765087200000');
  const cn = fakeSdk({ Account: '333333333333', Arn: 'arn:aws-cn:sts::333333333333:assumed-role/r/s' });
  assert.equal((await makeClients({ region: 'cn-north-1', cloudFormationRoleArn: 'auto', qualifier: 'prod01' }, { sdk: cn.sdk })).cloudFormationRoleArn,
    'arn:aws-cn:iam::333333333333:role/cdk-prod01-deploy-role-333333333333-cn-north-1');
});

test('auto: a failed or empty GetCallerIdentity is an error, not a guess', async () => {
  await assert.rejects(makeClients({ region: 'eu-west-1', cloudFormationRoleArn: 'auto' }, { sdk: fakeSdk(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })).sdk }),
    /Could not load credentials/);
  await assert.rejects(resolveRoleArn('auto', { region: 'eu-west-1', sts: { send: async () => ({}) } }), /no account to build the CDK deploy role's ARN from/);
  assert.equal(cdkDeployRoleArn({ partition: 'aws', account: '111111111111', region: 'us-east-1' }), 'arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-us-east-1');
});

// A loopback endpoint speaking just enough STS (query protocol, XML) and CloudFormation to see who signs what.
function fakeEndpoint() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const auth = req.headers.authorization || '';
      const [, key, service] = auth.match(/Credential=([^/]+)\/[0-9]+\/[^/]+\/([^/]+)\//) || [];
      const form = new URLSearchParams(body);
      const action = form.get('Action') || req.headers['x-amz-target'] || req.url;
      seen.push({ service, key, action, roleArn: form.get('RoleArn') || undefined, token: req.headers['x-amz-security-token'] });
      const xml = (s) => { res.writeHead(200, { 'content-type': 'text/xml' }); res.end(s); };
      if (service === 'sts' && action === 'GetCallerIdentity') {
        return xml(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::111111111111:assumed-role/GitHubDeployRoleProd/deploy-prod-1</Arn><UserId>AROAX:deploy-prod-1</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
      }
      if (service === 'sts' && action === 'AssumeRole') {
        return xml(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>assumed-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/cdk/x</Arn><AssumedRoleId>AROAY:x</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></AssumeRoleResponse>`);
      }
      // CloudFormation: the stack does not exist (the driver stops there with exit 2).
      res.writeHead(400, { 'content-type': 'text/xml' });
      return res.end(`<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id Prod-Web does not exist</Message></Error><RequestId>3</RequestId></ErrorResponse>`);
    });
  });
  return { server, seen };
}

test('the real SDK, --cloudformation-role-arn auto: STS as the caller, then DescribeStacks signed by the assumed CDK deploy role', async () => {
  const { server, seen } = fakeEndpoint();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const env = {
    PATH: process.env.PATH, NODE_NO_WARNINGS: '1', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: `http://127.0.0.1:${server.address().port}`, AWS_MAX_ATTEMPTS: '1',
    AWS_ACCESS_KEY_ID: 'AKIACALLER', AWS_SECRET_ACCESS_KEY: 'x', GITHUB_RUN_ID: '77',
  };
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'release.js'), '--stack', 'Prod-Web', '--status', '--cloudformation-role-arn', 'auto'], { env });
  let out = ''; let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((r) => child.on('exit', r));
  server.close();
  assert.equal(code, 2, err);
  assert.match(out, /^release: CloudFormation calls as arn:aws:iam::111111111111:role\/cdk-hnb659fds-deploy-role-111111111111-eu-west-1; CloudWatch and Elastic Load Balancing reads as the caller$/m);
  assert.match(out + err, /stack Prod-Web does not exist/);
  const summary = seen.map((s) => [s.service, s.action, s.key]);
  assert.deepEqual(summary.slice(0, 2), [['sts', 'GetCallerIdentity', 'AKIACALLER'], ['sts', 'AssumeRole', 'AKIACALLER']]);
  assert.equal(seen[1].roleArn, 'arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1');
  const cfn = seen.filter((s) => s.service === 'cloudformation');
  assert.ok(cfn.length >= 1);
  for (const s of cfn) assert.deepEqual([s.key, s.token], ['ASIAASSUMED', 'assumed-token']);
});
