'use strict';
// Shared test helpers: small hand-written templates, temp dirs, and running the CLIs the way
// callers do (one node process per call).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const TOOL_DIR = path.resolve(__dirname, '..');
const REPO_TOOLS_DIR = path.resolve(TOOL_DIR, '..');
const ENV = {
  ...process.env,
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  NO_COLOR: '1',
};
delete ENV.PR_DIFF_ALLOW_DESTRUCTIVE;
delete ENV.PR_DIFF_SYNTH_CMD;
delete ENV.PR_DIFF_VERBOSE;

const clone = o => JSON.parse(JSON.stringify(o));
const meta = p => ({ 'aws:cdk:path': `Web/${p}` });

/** A small "web" stack: security group, ALB, listener, weighted rule, two target groups, ASG, IAM, bucket. */
function webTemplate() {
  return clone({
    Description: 'web tier',
    Resources: {
      AlbSg: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'ALB security group',
          VpcId: 'vpc-0abc',
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8', Description: 'internal' }],
        },
        Metadata: meta('AlbSg/Resource'),
      },
      Alb: {
        Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
        Properties: {
          Scheme: 'internet-facing',
          Type: 'application',
          SecurityGroups: [{ 'Fn::GetAtt': ['AlbSg', 'GroupId'] }],
          Subnets: ['subnet-1', 'subnet-2'],
        },
        Metadata: meta('Alb/Resource'),
      },
      BlueTg: {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        Properties: { Port: 80, Protocol: 'HTTP', TargetType: 'instance', VpcId: 'vpc-0abc' },
        Metadata: meta('Blue/Resource'),
      },
      GreenTg: {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        Properties: { Port: 80, Protocol: 'HTTP', TargetType: 'instance', VpcId: 'vpc-0abc' },
        Metadata: meta('Green/Resource'),
      },
      Listener: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: {
          LoadBalancerArn: { Ref: 'Alb' },
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        },
        Metadata: meta('Alb/Http/Resource'),
      },
      Rule: {
        Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        Properties: {
          ListenerArn: { Ref: 'Listener' },
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
          Actions: [{
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: { Ref: 'BlueTg' }, Weight: 100 },
                { TargetGroupArn: { Ref: 'GreenTg' }, Weight: 0 },
              ],
            },
          }],
        },
        Metadata: meta('Alb/Http/Weighted/Resource'),
      },
      Asg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '1',
          MaxSize: '4',
          LaunchTemplate: { LaunchTemplateId: 'lt-0abc', Version: '1' },
          VPCZoneIdentifier: ['subnet-1', 'subnet-2'],
          TargetGroupARNs: [{ Ref: 'BlueTg' }],
        },
        Metadata: meta('Asg/ASG'),
      },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
        },
        Metadata: meta('Asg/InstanceRole/Resource'),
      },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'instance',
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::example-bucket/*' }] },
        },
        Metadata: meta('Asg/InstanceRole/DefaultPolicy/Resource'),
      },
      Bucket: {
        Type: 'AWS::S3::Bucket',
        Properties: { Tags: [{ Key: 'team', Value: 'platform' }] },
        UpdateReplacePolicy: 'Retain',
        DeletionPolicy: 'Retain',
        Metadata: meta('Logs/Resource'),
      },
      CDKMetadata: {
        Type: 'AWS::CDK::Metadata',
        Properties: { Analytics: 'v2:deflate64:AAAA' },
        Metadata: meta('CDKMetadata/Default'),
      },
    },
    Outputs: { AlbDns: { Value: { 'Fn::GetAtt': ['Alb', 'DNSName'] } } },
  });
}

/** A small "network" stack with a VPC and a subnet. */
function networkTemplate() {
  return clone({
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' }, Metadata: { 'aws:cdk:path': 'Network/Vpc/Resource' } },
      SubnetA: {
        Type: 'AWS::EC2::Subnet',
        Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'eu-west-1a' },
        Metadata: { 'aws:cdk:path': 'Network/Vpc/PublicA/Subnet' },
      },
    },
  });
}

function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** Runs a node script of tools/cfn-diff; returns { status, stdout, stderr, json, ms }. */
function runNode(script, args, opts = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(TOOL_DIR, script), ...args], { encoding: 'utf8', env: { ...ENV, ...(opts.env || {}) }, cwd: opts.cwd });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let json;
  try { json = JSON.parse(r.stdout); } catch { json = undefined; }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json, ms };
}

module.exports = { TOOL_DIR, REPO_TOOLS_DIR, ENV, clone, webTemplate, networkTemplate, tmpDir, writeJson, runNode };

// ---- scratch git repositories for tools/pr-diff --------------------------------------------
const PR_DIFF = path.join(REPO_TOOLS_DIR, 'pr-diff');
const GIT_ENV = {
  ...ENV,
  GIT_AUTHOR_NAME: 'pr-diff test',
  GIT_AUTHOR_EMAIL: 'pr-diff-test@example.invalid',
  GIT_COMMITTER_NAME: 'pr-diff test',
  GIT_COMMITTER_EMAIL: 'pr-diff-test@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(repo, ...args) {
  const r = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: GIT_ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

function initRepo(repo) {
  fs.mkdirSync(repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'commit.gpgsign', 'false');
}

function commitAll(repo, message) {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

/** Runs tools/pr-diff in `repo`; returns { status, stdout, stderr }. */
function runPrDiff(repo, args, env = {}) {
  const r = spawnSync('bash', [PR_DIFF, ...args], { cwd: repo, encoding: 'utf8', env: { ...GIT_ENV, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

module.exports.PR_DIFF = PR_DIFF;
module.exports.git = git;
module.exports.initRepo = initRepo;
module.exports.commitAll = commitAll;
module.exports.runPrDiff = runPrDiff;
