'use strict';
/**
 * THE list of resource types whose replacement or removal pr-diff treats as DESTRUCTIVE
 * (exit code 2 unless --allow-destructive / PR_DIFF_ALLOW_DESTRUCTIVE=true).
 *
 * This is the one place the list lives; docs/pr-diff.md repeats it for readers and a test
 * (test/destructive-types.test.js) fails when the two drift apart.
 *
 * A type is listed when replacing or deleting it either
 *   - loses data or identity that cannot be recreated by a redeploy (state: buckets, tables,
 *     databases, secrets, keys, log history, certificates being re-validated), or
 *   - interrupts or re-addresses traffic (traffic path: VPC plumbing, load balancers and their
 *     listeners / target groups, the instances behind them, DNS).
 * An entry ending in `::*` matches every type of that service (e.g. `AWS::RDS::*`).
 *
 * Which change counts as a replacement is NOT decided here: that comes from the CloudFormation
 * resource specification via the diff engine's changeImpact (see lib/classify.js).
 */
const DESTRUCTIVE_TYPES = Object.freeze([
  // Network / traffic path
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::NatGateway',
  'AWS::EC2::EIP',
  'AWS::EC2::RouteTable',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ElasticLoadBalancing::LoadBalancer',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::CloudFront::Distribution',
  // DNS and certificates
  'AWS::Route53::HostedZone',
  'AWS::Route53::RecordSet',
  'AWS::Route53::RecordSetGroup',
  'AWS::CertificateManager::Certificate',
  // State and secrets
  'AWS::S3::Bucket',
  'AWS::SecretsManager::Secret',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::RDS::*',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::EFS::FileSystem',
  'AWS::EC2::Volume',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::CacheCluster',
  'AWS::SQS::Queue',
  'AWS::Kinesis::Stream',
  'AWS::Cognito::UserPool',
  'AWS::ECR::Repository',
  'AWS::Backup::BackupVault',
]);

/** True when `type` (e.g. "AWS::RDS::DBInstance") is in DESTRUCTIVE_TYPES (wildcards honoured). */
function isDestructiveType(type) {
  if (!type) return false;
  return DESTRUCTIVE_TYPES.some(entry => entry.endsWith('::*')
    ? type.startsWith(entry.slice(0, -1))
    : entry === type);
}

module.exports = { DESTRUCTIVE_TYPES, isDestructiveType };
