// bench/run only: the TypeScript twin of bench/cs-twin, written as the CommonJS that `tsc` emits
// (no build step, no ts-node). One stack with what ProductionNetwork + WebSecurityGroups + WebFleet
// + WebLoadBalancer make for the reference app's dev environment, built with aws-cdk-lib directly in
// Node, with the same construct ids, so both twins synthesize the same resources (bench/run checks
// the resource types and counts). INFRA_BENCH_TIMINGS=1 prints the phase marks bench/ref-app prints.
'use strict';
const timings = process.env.INFRA_BENCH_TIMINGS === '1';
const mark = (phase) => { if (timings) process.stderr.write(`[timings] ${phase} ${Date.now().toFixed(1)}\n`); };
mark('main');

const cdk = require('aws-cdk-lib');
const { Construct } = require('constructs');
const ec2 = require('aws-cdk-lib/aws-ec2');
const iam = require('aws-cdk-lib/aws-iam');
const kms = require('aws-cdk-lib/aws-kms');
const logs = require('aws-cdk-lib/aws-logs');
const s3 = require('aws-cdk-lib/aws-s3');
const elbv2 = require('aws-cdk-lib/aws-elasticloadbalancingv2');
const autoscaling = require('aws-cdk-lib/aws-autoscaling');
const { RegionInfo } = require('aws-cdk-lib/region-info');
const { Aws, Duration, RemovalPolicy } = cdk;
const fs = require('fs');
const path = require('path');

// The reference app's feature flags (src/Infra.App/AppFactory.cs).
const app = new cdk.App({
  analyticsReporting: false,
  context: {
    '@aws-cdk/core:defaultCrossStackReferences': 'strong',
    '@aws-cdk/core:target-partitions': ['aws'],
    '@aws-cdk/aws-iam:minimizePolicies': true,
    '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
    '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
    '@aws-cdk/aws-ec2:launchTemplateDefaultUserData': true,
  },
});
mark('app');

// Security/EncryptionKeys.cs
function encryptionKey(scope, id, description, logsToo) {
  const key = new kms.Key(scope, id, { description, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsResources', effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'], resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  if (logsToo) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccountAndRegion',
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
    }));
  }
  return key;
}

// Network/ProductionNetwork.cs with Cidr 10.10.0.0/16, one NAT gateway
class ProductionNetwork extends Construct {
  constructor(scope, id) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.10.0.0/16'), maxAzs: 2, natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      ipProtocol: ec2.IpProtocol.IPV4_ONLY, enableDnsHostnames: true, enableDnsSupport: true,
      restrictDefaultSecurityGroup: true,
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const key = encryptionKey(this, 'FlowLogKey', 'Encrypts CloudWatch Logs: VPC flow logs of ' + this.node.path, true);
    const group = new logs.LogGroup(this, 'FlowLogGroup', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    this.vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(group), trafficType: ec2.FlowLogTrafficType.ALL });
  }
}

// Security/WebSecurityGroups.cs
class WebSecurityGroups extends Construct {
  constructor(scope, id, vpc) {
    super(scope, id);
    this.instancePort = 80;
    const lb = new ec2.SecurityGroup(this, 'LoadBalancer', { vpc, description: 'Load balancer: HTTP and HTTPS from clients; forwards only to the app servers', allowAllOutbound: false });
    for (const [block, peer] of [['0.0.0.0/0', ec2.Peer.ipv4('0.0.0.0/0')], ['::/0', ec2.Peer.ipv6('::/0')]]) {
      lb.addIngressRule(peer, ec2.Port.tcp(443), `HTTPS from ${block}`);
      lb.addIngressRule(peer, ec2.Port.tcp(80), `HTTP from ${block} (redirected to HTTPS when a domain is set)`);
    }
    const appSg = new ec2.SecurityGroup(this, 'App', { vpc, description: 'App servers: instance port from the load balancer only', allowAllOutbound: false });
    appSg.addIngressRule(lb, ec2.Port.tcp(this.instancePort), 'Instance port (nginx) from the load balancer');
    lb.addEgressRule(appSg, ec2.Port.tcp(this.instancePort), "Forward to the app servers' instance port");
    appSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and package repositories');
    appSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP to package repositories');
    this.loadBalancer = lb;
    this.app = appSg;
  }
}

// LoadBalancing/WebLoadBalancer.cs: HTTP, access logs, catch-all weighted route
class WebLoadBalancer extends Construct {
  constructor(scope, id, vpc, securityGroup) {
    super(scope, id);
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc, internetFacing: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, securityGroup,
      deletionProtection: false, dropInvalidHeaderFields: true, idleTimeout: Duration.seconds(60),
      ipAddressType: elbv2.IpAddressType.IPV4, http2Enabled: true, desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
    });
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, versioned: true, removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    bucket.node.defaultChild.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    this.enableAccessLogs(bucket, 'alb');
    this.listener = this.loadBalancer.addListener('Http', {
      port: 80, protocol: elbv2.ApplicationProtocol.HTTP, open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });
  }

  enableAccessLogs(bucket, prefix) {
    const objects = bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`);
    const regions = {};
    for (const r of RegionInfo.regions.slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
      regions[r.name] = { account: r.elbv2Account ?? 'none' };
    const mapping = new cdk.CfnMapping(this, 'ElbLogAccounts', { mapping: regions });
    const legacy = new cdk.CfnCondition(this, 'ElbLogsUseRegionalAccount', {
      expression: cdk.Fn.conditionNot(cdk.Fn.conditionEquals(mapping.findInMap(Aws.REGION, 'account'), 'none')),
    });
    const principalAccount = cdk.Fn.conditionIf(legacy.logicalId, mapping.findInMap(Aws.REGION, 'account'), Aws.ACCOUNT_ID).toString();
    bucket.addToResourcePolicy(new iam.PolicyStatement({ sid: 'ElbAccessLogsRegionalAccount', principals: [new iam.ArnPrincipal(`arn:${Aws.PARTITION}:iam::${principalAccount}:root`)], actions: ['s3:PutObject'], resources: [objects] }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({ sid: 'ElbAccessLogsDeliveryService', principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')], actions: ['s3:PutObject'], resources: [objects] }));
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
    this.loadBalancer.node.addDependency(bucket.policy);
  }

  route(targetGroup) {
    return new elbv2.ApplicationListenerRule(this, 'Route', {
      listener: this.listener, priority: 100, conditions: [elbv2.ListenerCondition.pathPatterns(['*'])],
      action: elbv2.ListenerAction.forward([targetGroup]),
    });
  }
}

// The files the servers get: the library's own (src/Infra.Constructs/Compute/ServerFiles), rendered as
// ServerFiles.Render does (the placeholder syntax is in that folder's README.md).
const serverFilesDir = path.join(__dirname, '..', '..', 'src', 'Infra.Constructs', 'Compute', 'ServerFiles');
function readServerFile(name) {
  const text = fs.readFileSync(path.join(serverFilesDir, name), 'utf8').replace(/\r\n/g, '\n');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
function renderServerFile(name, values, ports = []) {
  const json = name.endsWith('.json.template');
  const sub = (line, vals) => line.replace(/\{\{([A-Z][A-Z0-9_]*)\}\}/g, (_, key) => {
    if (!(key in vals)) throw new Error(`${name}: no value for the placeholder {{${key}}}`);
    return json ? JSON.stringify(String(vals[key])).slice(1, -1) : String(vals[key]);
  });
  return readServerFile(name).split('\n')
    .flatMap((line) => (line.includes('{{APP_PORT}}') ? ports.map((port) => sub(line, { ...values, APP_PORT: port })) : [sub(line, values)]))
    .join('\n');
}

// Compute/FleetBootstrapScript.cs + Compute/CloudWatchAgentScript.cs (their script, shortened; the files above)
function bootstrapScript(o) {
  const ports = Array.from({ length: o.processes }, (_, i) => o.basePort + i);
  const agentConfig = renderServerFile('amazon-cloudwatch-agent.json.template', {
    NGINX_ACCESS_LOG_GROUP: o.groups.nginxAccess, NGINX_ERROR_LOG_GROUP: o.groups.nginxError, APP_LOG_FILE: '/var/log/app/app.log',
    APP_LOG_GROUP: o.groups.app, DEPLOY_LOG_GROUP: o.groups.deploy, METRIC_NAMESPACE: o.namespace,
  });
  const nginxConfig = renderServerFile('nginx.conf.template', { INSTANCE_PORT: o.instancePort, HEALTH_PATH: o.healthPath }, ports);
  const configPath = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';
  return `set -euo pipefail
exec > >(tee -a /var/log/web-fleet-bootstrap.log) 2>&1
# IMDSv2 only: every metadata read carries a session token.
IMDS_TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
REGION=$(curl -fsS -H "X-aws-ec2-metadata-token: \${IMDS_TOKEN}" http://169.254.169.254/latest/meta-data/placement/region)
# CloudWatch agent: nginx, app, bootstrap and CodeDeploy logs, memory and disk use (docs/monitoring.md).
dnf install -y amazon-cloudwatch-agent
# The agent reads files only: copy the app processes' journal to a file it tails.
install -d -m 0755 /var/log/app
cat > /etc/systemd/system/app-log-export.service <<'UNIT'
${readServerFile('app-log-export.service')}
UNIT
cat > /etc/logrotate.d/app <<'ROTATE'
${readServerFile('app.logrotate')}
ROTATE
systemctl daemon-reload
systemctl enable --now app-log-export.service
cat > ${configPath} <<'CWAGENT'
${agentConfig}
CWAGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${configPath}
dnf install -y nginx aws-cfn-bootstrap
id app >/dev/null 2>&1 || useradd --system --home-dir /opt/app --shell /sbin/nologin app
# Code is root-owned and read-only for the app user. Each revision is a directory under releases/;
# current is a symbolic link the CodeDeploy hooks switch (docs/deploy-revision.md).
install -d -o root -g root -m 0755 /opt/app /opt/app/releases
install -d -m 0755 /etc/app
# App config: names and ARNs only; the app reads its secret from Secrets Manager at run time.
cat > /etc/app/app.env <<'APPENV'
APP_PROCESS_COUNT=${o.processes}
APP_BASE_PORT=${o.basePort}
APP_HEALTH_PATH=${o.healthPath}
APP_NGINX_PORT=${o.instancePort}
APP_ENVIRONMENT=${o.environment}
APPENV
echo "AWS_REGION=\${REGION}" >> /etc/app/app.env
chmod 0644 /etc/app/app.env
if [ ! -e /opt/app/current ]; then
install -d -o root -g root -m 0755 /opt/app/releases/placeholder /opt/app/releases/placeholder/static
cat > /opt/app/releases/placeholder/start <<'APP'
${readServerFile('placeholder-app.py')}
APP
chmod 0755 /opt/app/releases/placeholder/start
ln -sfn releases/placeholder /opt/app/current
fi
cat > /etc/systemd/system/app@.service <<'UNIT'
${readServerFile('app@.service')}
UNIT
cat > /etc/nginx/nginx.conf <<'NGINX'
user nginx;
${nginxConfig}
NGINX
nginx -t
systemctl daemon-reload
for port in ${ports.join(' ')}; do systemctl enable --now "app@\${port}.service"; done
systemctl enable --now nginx
# CodeDeploy agent, from the regional bucket AWS documents for it.
dnf install -y ruby wget
curl -fsSL --retry 5 -o /tmp/codedeploy-install "https://aws-codedeploy-\${REGION}.s3.\${REGION}.amazonaws.com/latest/install"
chmod +x /tmp/codedeploy-install
/tmp/codedeploy-install auto
systemctl enable --now codedeploy-agent
# Healthy only when nginx answers the health path through the app processes.
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:${o.instancePort}${o.healthPath}"; then break; fi
  sleep 2
done
curl -fsS -o /dev/null "http://127.0.0.1:${o.instancePort}${o.healthPath}"`;
}

// Compute/FleetLogs.cs
class FleetLogs extends Construct {
  constructor(scope, id, role) {
    super(scope, id);
    this.namespace = 'WebFleet/' + scope.node.path.replace(/[^A-Za-z0-9.\-_/#:]/g, '_');
    this.key = encryptionKey(this, 'Key', `Encrypts CloudWatch Logs: the log groups of ${scope.node.path}`, true);
    const group = (name) => new logs.LogGroup(this, name, { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: this.key, removalPolicy: RemovalPolicy.RETAIN });
    this.nginxAccess = group('NginxAccess');
    this.nginxError = group('NginxError');
    this.app = group('App');
    this.deploy = group('Deploy');
    new logs.MetricFilter(this, 'AppErrorFilter', {
      logGroup: this.app, filterPattern: logs.FilterPattern.literal('?ERROR ?CRITICAL ?FATAL ?Traceback'),
      metricNamespace: this.namespace, metricName: 'AppErrors', metricValue: '1', defaultValue: 0,
    });
    const all = [this.nginxAccess, this.nginxError, this.app, this.deploy];
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'CloudWatchAgentLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: all.map((g) => g.logGroupArn) }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'CloudWatchAgentMetrics', actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': this.namespace } } }));
  }
}

// Compute/WebFleet.cs with the dev settings
class WebFleet extends Construct {
  constructor(scope, id, vpc, securityGroup) {
    super(scope, id);
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'), description: `Web servers of ${this.node.path}`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    const fleetLogs = new FleetLogs(this, 'Logs', role);
    const userData = ec2.UserData.forLinux();
    userData.addCommands(bootstrapScript({
      processes: 2, basePort: 8001, instancePort: 80, healthPath: '/health', environment: 'dev', namespace: fleetLogs.namespace,
      groups: { nginxAccess: fleetLogs.nginxAccess.logGroupName, nginxError: fleetLogs.nginxError.logGroupName, app: fleetLogs.app.logGroupName, deploy: fleetLogs.deploy.logGroupName },
    }));
    const instanceType = new ec2.InstanceType('t3.small');
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.X86_64 }),
      instanceType, securityGroup, role, userData, requireImdsv2: true, httpPutResponseHopLimit: 1,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED, detailedMonitoring: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(16, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true, deleteOnTermination: true }) }],
    });
    this.group = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, launchTemplate: this.launchTemplate,
      minCapacity: 1, maxCapacity: 2,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({ additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB], gracePeriod: Duration.seconds(300) }),
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.minutes(15) }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1, minInstancesInService: 0, pauseTime: Duration.minutes(15), waitOnResourceSignals: true,
        suspendProcesses: [autoscaling.ScalingProcess.HEALTH_CHECK, autoscaling.ScalingProcess.REPLACE_UNHEALTHY, autoscaling.ScalingProcess.AZ_REBALANCE, autoscaling.ScalingProcess.ALARM_NOTIFICATION, autoscaling.ScalingProcess.SCHEDULED_ACTIONS],
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
    });
    userData.addSignalOnExitCommand(this.group);
    this.group.scaleOnCpuUtilization('CpuTracking', { targetUtilizationPercent: 50 });
    for (const s of [
      { name: 'workday-start', cron: '0 7 * * MON-FRI', minCapacity: 1, maxCapacity: 2 },
      { name: 'workday-end', cron: '0 19 * * MON-FRI', minCapacity: 1, maxCapacity: 1, desiredCapacity: 1 },
    ]) {
      this.group.scaleOnSchedule(s.name, { schedule: autoscaling.Schedule.expression(s.cron), timeZone: 'UTC', minCapacity: s.minCapacity, maxCapacity: s.maxCapacity, desiredCapacity: s.desiredCapacity });
    }
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc, port: 80, protocol: elbv2.ApplicationProtocol.HTTP, targetType: elbv2.TargetType.INSTANCE,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { path: '/health', healthyHttpCodes: '200', interval: Duration.seconds(15), timeout: Duration.seconds(5), healthyThresholdCount: 2, unhealthyThresholdCount: 3 },
    });
    this.group.attachToApplicationTargetGroup(this.targetGroup);
  }
}

const stack = new cdk.Stack(app, 'Twin-Web');
const network = new ProductionNetwork(stack, 'Network');
const groups = new WebSecurityGroups(stack, 'SecurityGroups', network.vpc);
const lb = new WebLoadBalancer(stack, 'LoadBalancer', network.vpc, groups.loadBalancer);
const fleet = new WebFleet(stack, 'Fleet', network.vpc, groups.app);
lb.route(fleet.targetGroup);
fleet.group.scaleOnRequestCount('RequestTracking', { targetRequestsPerMinute: 1000 });
mark('tree');
app.synth();
mark('synth');
