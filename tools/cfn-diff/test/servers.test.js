'use strict';
// Server replacements (lib/servers.js): which fleet's servers a template change replaces, why, how
// many and how. Templates are built here in the shape the reference app synthesizes (Prod-Web with a
// Blue and a Green WebFleet: launch template + Auto Scaling group, image per region in a mapping).
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { classifyTemplates } = require('../lib/classify');
const { renderReport } = require('../lib/markdown');
const { clone, tmpDir, writeJson, runNode } = require('./helpers');

const dir = tmpDir('cfn-servers-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const SSM_PARAM = 'SsmParameterValueawsserviceamiamazonlinuxlatestal2023amikernel61arm64Parameter';
const ID = {
  Blue: { lt: 'FleetsBlueLaunchTemplate42F8D1FD', asg: 'FleetsBlueGroupASG5AA37C4C', map: 'FleetsBlueImageByRegion1A2B3C4D' },
  Green: { lt: 'FleetsGreenLaunchTemplateC6566939', asg: 'FleetsGreenGroupASGE4F06486', map: 'FleetsGreenImageByRegion5E6F7A8B' },
};

/**
 * A Prod-Web-like stack. images: color -> { region: ami } (a mapping + Fn::FindInMap) or undefined
 * (the public SSM parameter). withMetadata false leaves out aws:cdk:path (paths come from the manifest).
 */
function webStack({ images = {}, minSize = { Blue: '2', Green: '1' }, withMetadata = true } = {}) {
  const t = {
    Mappings: {
      LoadBalancerElbLogAccountsC4F6EDB2: { 'eu-west-1': { account: '111111111111' }, 'us-east-1': { account: '222222222222' } },
    },
    Parameters: {
      [SSM_PARAM]: { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64' },
    },
    Resources: {
      Logs: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'team', Value: 'web' }] }, DeletionPolicy: 'Retain' },
    },
  };
  const meta = p => (withMetadata ? { Metadata: { 'aws:cdk:path': `Prod-Web/${p}` } } : {});
  for (const color of ['Blue', 'Green']) {
    const id = ID[color];
    const lower = color.toLowerCase();
    let imageId = { Ref: SSM_PARAM };
    if (images[color]) {
      t.Mappings[id.map] = Object.fromEntries(Object.entries(images[color]).map(([region, ami]) => [region, { ami }]));
      imageId = { 'Fn::FindInMap': [id.map, { Ref: 'AWS::Region' }, 'ami'] };
    }
    t.Resources[id.lt] = {
      Type: 'AWS::EC2::LaunchTemplate',
      Properties: {
        LaunchTemplateData: {
          ImageId: imageId,
          InstanceType: 'm7g.large',
          MetadataOptions: { HttpPutResponseHopLimit: 1, HttpTokens: 'required' },
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'deployment-color', Value: lower }] }],
          UserData: { 'Fn::Base64': `#!/bin/bash\necho ${lower}\n` },
        },
      },
      ...meta(`Fleets/${color}/LaunchTemplate/Resource`),
    };
    t.Resources[id.asg] = {
      Type: 'AWS::AutoScaling::AutoScalingGroup',
      Properties: {
        LaunchTemplate: { LaunchTemplateId: { Ref: id.lt }, Version: { 'Fn::GetAtt': [id.lt, 'LatestVersionNumber'] } },
        MaxSize: '8',
        MinSize: minSize[color],
        Tags: [{ Key: 'deployment-color', PropagateAtLaunch: true, Value: lower }],
        VPCZoneIdentifier: ['subnet-1', 'subnet-2'],
      },
      UpdatePolicy: {
        AutoScalingRollingUpdate: { MaxBatchSize: 1, MinInstancesInService: color === 'Blue' ? 1 : 0, WaitOnResourceSignals: true, PauseTime: 'PT15M' },
        AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: true },
      },
      ...meta(`Fleets/${color}/Group/ASG`),
    };
  }
  return t;
}

const RECORDED = { Blue: { 'eu-west-1': 'ami-0b1b1b1b1b1b1b1b1' }, Green: { 'eu-west-1': 'ami-0a0a0a0a0a0a0a0a0' } };
const classify = (oldT, newT, opts) => classifyTemplates(oldT, newT, opts);
const report = (oldT, newT, opts = {}) => {
  const { result, diff, paths } = classify(oldT, newT, opts);
  return renderReport([{ name: 'Prod-Web', displayName: 'Prod-Web', result, diff, paths }]);
};
const fleets = res => res.serversReplaced.map(r => r.fleet);

test('a new image record for the idle color (a mapping value only): its fleet, not the other one', () => {
  const before = webStack({ images: RECORDED });
  const after_ = webStack({ images: { ...RECORDED, Green: { 'eu-west-1': 'ami-0c0c0c0c0c0c0c0c0' } } });
  const { result } = classify(before, after_);
  // The engine itself sees no resource change at all: only the mapping.
  assert.deepEqual(result.resources, []);
  assert.equal(result.stack, 'changed');
  assert.deepEqual(result.serversReplaced, [{
    fleet: 'Prod-Web/Fleets/Green',
    color: 'green',
    parts: ['image'],
    changes: [{ part: 'image', property: 'ImageId', via: 'mapping', name: ID.Green.map, keys: ['eu-west-1'] }],
    minSize: 1,
    desiredCapacity: null,
    maxSize: 8,
    updatePolicy: { kind: 'rolling-update', maxBatchSize: 1, minInstancesInService: 0, waitOnResourceSignals: true },
    replacesRunningServers: true,
    autoScalingGroup: { logicalId: ID.Green.asg, path: 'Prod-Web/Fleets/Green/Group/ASG' },
    launchTemplate: { logicalId: ID.Green.lt, path: 'Prod-Web/Fleets/Green/LaunchTemplate/Resource' },
  }]);

  const r = report(before, after_);
  assert.equal(r.exitCode, 0, 'replacing servers is not destructive');
  assert.match(r.markdown, /No destructive changes/);
  assert.match(r.markdown, /^### Servers replaced$/m);
  assert.match(r.markdown, new RegExp('^- \\*\\*replaces the servers of `Prod-Web/Fleets/Green` \\(green\\)\\*\\* — image \\(mapping `'
    + ID.Green.map + '`: eu-west-1\\); 1 server at its minimum; rolling update: 1 at a time, at least 0 in service, each waits for its healthy signal\\.$', 'm'));
  assert.doesNotMatch(r.markdown, /Fleets\/Blue/);
  assert.deepEqual(r.serversReplaced.map(x => [x.stack, x.fleet]), [['Prod-Web', 'Prod-Web/Fleets/Green']]);
});

test('first record for a color (SSM parameter -> mapping): the launch template changes, part image', () => {
  const before = webStack();
  const after_ = webStack({ images: { Blue: RECORDED.Blue } });
  const { result } = classify(before, after_);
  assert.deepEqual(fleets(result), ['Prod-Web/Fleets/Blue']);
  assert.deepEqual(result.serversReplaced[0].changes, [{ part: 'image', property: 'ImageId', via: 'template' }]);
  assert.equal(result.serversReplaced[0].minSize, 2);
  assert.match(report(before, after_).markdown, /replaces the servers of `Prod-Web\/Fleets\/Blue` \(blue\)\*\* — image; 2 servers at its minimum; rolling update: 1 at a time, at least 1 in service/);
});

test('a change of a region the template does not read, or of another mapping: no server line', () => {
  const base = webStack({ images: RECORDED });
  const t = clone(base);
  t.Resources[ID.Green.lt].Properties.LaunchTemplateData.ImageId = { 'Fn::FindInMap': [ID.Green.map, 'eu-west-1', 'ami'] };
  const pinnedBefore = clone(t);
  t.Mappings[ID.Green.map]['us-east-1'] = { ami: 'ami-0d0d0d0d0d0d0d0d0' };
  assert.deepEqual(classify(pinnedBefore, t).result.serversReplaced, [], 'only eu-west-1 is read');

  const elb = clone(base);
  elb.Mappings.LoadBalancerElbLogAccountsC4F6EDB2['eu-west-1'].account = '000000000000';
  const { result } = classify(base, elb);
  assert.equal(result.stack, 'changed');
  assert.deepEqual(result.serversReplaced, []);
  assert.doesNotMatch(report(base, elb).markdown, /Servers replaced|replaces the servers/);
});

test('nothing fleet-related changes (a tag, the group size, a new stack): no server line', () => {
  const base = webStack({ images: RECORDED });
  const t = clone(base);
  t.Resources.Logs.Properties.Tags[0].Value = 'platform';
  t.Resources[ID.Blue.asg].Properties.MinSize = '4';
  const { result } = classify(base, t);
  assert.ok(result.resources.length >= 2);
  assert.deepEqual(result.serversReplaced, []);
  assert.doesNotMatch(report(base, t).markdown, /Servers replaced|replaces the servers/);
  // A new stack, or a new fleet in a stack, creates servers: nothing is replaced.
  assert.deepEqual(classify(null, base).result.serversReplaced, []);
  const noGreen = clone(base);
  delete noGreen.Resources[ID.Green.lt];
  delete noGreen.Resources[ID.Green.asg];
  assert.deepEqual(classify(noGreen, base).result.serversReplaced, []);
  // Identical templates
  assert.deepEqual(classify(base, clone(base)).result.serversReplaced, []);
});

test('which part changed: image, user data, instance type, other (named)', () => {
  const base = webStack({ images: RECORDED });
  const t = clone(base);
  const data = t.Resources[ID.Blue.lt].Properties.LaunchTemplateData;
  data.UserData = { 'Fn::Base64': '#!/bin/bash\necho blue v2\n' };
  data.InstanceType = 'm7g.xlarge';
  data.MetadataOptions.HttpPutResponseHopLimit = 2;
  t.Mappings[ID.Blue.map]['eu-west-1'].ami = 'ami-0e0e0e0e0e0e0e0e0';
  const [blue, ...rest] = classify(base, t).result.serversReplaced;
  assert.deepEqual(rest, []);
  assert.deepEqual(blue.parts, ['image', 'user data', 'instance type', 'other']);
  assert.deepEqual(blue.changes.map(c => [c.part, c.property, c.via]),
    [['image', 'ImageId', 'mapping'], ['user data', 'UserData', 'template'], ['instance type', 'InstanceType', 'template'], ['other', 'MetadataOptions', 'template']]);
  assert.match(report(base, t).markdown,
    new RegExp('replaces the servers of `Prod-Web/Fleets/Blue` \\(blue\\)\\*\\* — image \\(mapping `' + ID.Blue.map + '`: eu-west-1\\), user data, instance type, other \\(`MetadataOptions`\\); 2 servers at its minimum;'));

  const onlyUserData = clone(base);
  onlyUserData.Resources[ID.Green.lt].Properties.LaunchTemplateData.UserData = { 'Fn::Base64': '#!/bin/bash\necho green v2\n' };
  const [green] = classify(base, onlyUserData).result.serversReplaced;
  assert.equal(green.fleet, 'Prod-Web/Fleets/Green');
  assert.deepEqual(green.parts, ['user data']);
});

test('a changed image parameter (the public SSM parameter name) is an image change', () => {
  const base = webStack();
  const t = clone(base);
  t.Parameters[SSM_PARAM].Default = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.12-arm64';
  const res = classify(base, t).result.serversReplaced;
  assert.deepEqual(fleets({ serversReplaced: res }), ['Prod-Web/Fleets/Blue', 'Prod-Web/Fleets/Green']);
  assert.deepEqual(res[0].changes, [{ part: 'image', property: 'ImageId', via: 'parameter', name: SSM_PARAM }]);
  assert.match(report(base, t).markdown, new RegExp(`image \\(parameter \`${SSM_PARAM}\`\\)`));
});

test('update policy: rolling update, instance refresh, replacing update, none', () => {
  const base = webStack({ images: RECORDED });
  const withPolicy = policy => {
    const t = clone(base);
    t.Mappings[ID.Green.map]['eu-west-1'].ami = 'ami-0f0f0f0f0f0f0f0f0';
    if (policy === undefined) delete t.Resources[ID.Green.asg].UpdatePolicy;
    else t.Resources[ID.Green.asg].UpdatePolicy = policy;
    const { result } = classify(base, t);
    assert.equal(result.serversReplaced.length, 1);
    return { entry: result.serversReplaced[0], markdown: report(base, t).markdown };
  };

  const refresh = withPolicy({ AutoScalingInstanceRefresh: { Strategy: 'Rolling', Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200, InstanceWarmup: 300 } } });
  assert.deepEqual(refresh.entry.updatePolicy, { kind: 'instance-refresh', strategy: 'Rolling', minHealthyPercentage: 100, maxHealthyPercentage: 200 });
  assert.equal(refresh.entry.replacesRunningServers, true);
  assert.match(refresh.markdown, /replaces the servers of `Prod-Web\/Fleets\/Green` \(green\)\*\* — image \(mapping `[^`]+`: eu-west-1\); 1 server at its minimum; instance refresh \(Rolling\): at least 100% healthy, at most 200%\./);

  const refreshDefaults = withPolicy({ AutoScalingInstanceRefresh: { Strategy: 'Rolling' } });
  assert.match(refreshDefaults.markdown, /instance refresh \(Rolling\): at least the default 90% healthy\./);

  // WillReplace wins over a rolling update (CloudFormation's precedence).
  const replacing = withPolicy({ AutoScalingReplacingUpdate: { WillReplace: true }, AutoScalingRollingUpdate: { MaxBatchSize: 1 } });
  assert.equal(replacing.entry.updatePolicy.kind, 'replacing-update');
  assert.match(replacing.markdown, /replacing update: a new Auto Scaling group, then the old one is deleted\./);

  const rollingDefaults = withPolicy({ AutoScalingRollingUpdate: {} });
  assert.deepEqual(rollingDefaults.entry.updatePolicy, { kind: 'rolling-update', maxBatchSize: 1, minInstancesInService: 0, waitOnResourceSignals: false });

  const none = withPolicy(undefined);
  assert.deepEqual(none.entry.updatePolicy, { kind: 'none' });
  assert.equal(none.entry.replacesRunningServers, false);
  assert.doesNotMatch(none.markdown, /replaces the servers/);
  assert.match(none.markdown, /- changes the launch template of `Prod-Web\/Fleets\/Green` \(green\) — image \(mapping [^;]+; no rolling update or instance refresh policy, so running servers are not replaced \(1 server at its minimum\); only servers launched later get it\./);
});

test('capacity: MinSize and DesiredCapacity from the new template', () => {
  const base = webStack({ images: RECORDED });
  const t = clone(base);
  t.Mappings[ID.Blue.map]['eu-west-1'].ami = 'ami-0123456789abcdef0';
  t.Resources[ID.Blue.asg].Properties.MinSize = '3';
  t.Resources[ID.Blue.asg].Properties.DesiredCapacity = 4;
  const [blue] = classify(base, t).result.serversReplaced;
  assert.equal(blue.minSize, 3);
  assert.equal(blue.desiredCapacity, 4);
  assert.match(report(base, t).markdown, /3 servers at its minimum, desired 4; rolling update/);

  t.Resources[ID.Blue.asg].Properties.MinSize = { Ref: 'MinSizeParameter' };
  delete t.Resources[ID.Blue.asg].Properties.DesiredCapacity;
  assert.match(report(base, t).markdown, /an unknown number of servers \(MinSize is not a literal\) at its minimum; /);
});

test('paths from the assembly manifest when the template has no aws:cdk:path; color from the path', () => {
  const before = webStack({ images: RECORDED, withMetadata: false });
  const after_ = clone(before);
  after_.Mappings[ID.Blue.map]['eu-west-1'].ami = 'ami-0123456789abcdef1';
  for (const r of Object.values(after_.Resources)) {
    if (r.Properties.Tags) r.Properties.Tags = r.Properties.Tags.filter(x => x.Key !== 'deployment-color');
    if (r.Properties.LaunchTemplateData) delete r.Properties.LaunchTemplateData.TagSpecifications;
  }
  before.Resources = clone(after_.Resources);
  const manifestPaths = {
    [ID.Blue.lt]: '/Prod-Web/Fleets/Blue/LaunchTemplate/Resource',
    [ID.Blue.asg]: '/Prod-Web/Fleets/Blue/Group/ASG',
  };
  const [blue] = classify(before, after_, { extraPaths: [manifestPaths] }).result.serversReplaced;
  assert.equal(blue.fleet, 'Prod-Web/Fleets/Blue');
  assert.equal(blue.color, 'blue');
  // No path at all: the group's logical ID, no color.
  const [bare] = classify(before, after_).result.serversReplaced;
  assert.equal(bare.fleet, ID.Blue.asg);
  assert.equal(bare.color, null);
});

test('a group in another stack than its name says, and a plain CDK AutoScalingGroup path', () => {
  const before = webStack({ images: RECORDED });
  const after_ = clone(before);
  after_.Resources[ID.Green.lt].Properties.LaunchTemplateData.InstanceType = 'm7g.2xlarge';
  const { result, diff, paths } = classify(before, after_);
  const md = renderReport([{ name: 'assembly-Prod/ProdWeb', displayName: 'Prod/Web', result, diff, paths }]).markdown;
  assert.match(md, /replaces the servers of `Prod-Web\/Fleets\/Green` \(green\)\*\* \(stack `assembly-Prod\/ProdWeb`\) — instance type;/);

  const { fleetName } = require('../lib/servers');
  assert.equal(fleetName('Web/Asg/ASG', 'Web/Asg/LaunchTemplate/Resource', 'AsgX'), 'Web/Asg');
  assert.equal(fleetName('Web/Asg/ASG', null, 'AsgX'), 'Web/Asg');
  assert.equal(fleetName('Web/Asg/ASG', 'Web/Lt/Resource', 'AsgX'), 'Web/Asg', 'only the stack in common');
});

test('classify.js and classify-dir.js print serversReplaced', () => {
  const before = webStack({ images: RECORDED });
  const after_ = webStack({ images: { ...RECORDED, Green: { 'eu-west-1': 'ami-0c0c0c0c0c0c0c0c0' } } });
  const a = writeJson(path.join(dir, 'old', 'Prod-Web.template.json'), before);
  const b = writeJson(path.join(dir, 'new', 'Prod-Web.template.json'), after_);
  const one = runNode('classify.js', [a, b]);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual(one.json.serversReplaced.map(r => [r.fleet, r.color, r.parts, r.minSize]), [['Prod-Web/Fleets/Green', 'green', ['image'], 1]]);
  const all = runNode('classify-dir.js', [path.dirname(a), path.dirname(b)]);
  assert.equal(all.status, 0, all.stderr);
  assert.deepEqual(all.json['Prod-Web'].serversReplaced, one.json.serversReplaced);
});

test('a release-mode fleet (sizes in Fn::If on a serving parameter): the sizes at the declared state, not unknown', () => {
  const releaseMode = t => {
    t.Parameters.FleetsServing = { Type: 'String', AllowedValues: ['blue', 'green', 'both'], Default: 'green' };
    t.Conditions = { FleetsGreenServesAB12: { 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'green'] }, { 'Fn::Equals': [{ Ref: 'FleetsServing' }, 'both'] }] } };
    Object.assign(t.Resources[ID.Green.asg].Properties, { MinSize: { 'Fn::If': ['FleetsGreenServesAB12', '2', '0'] },
      MaxSize: { 'Fn::If': ['FleetsGreenServesAB12', '8', '1'] }, DesiredCapacity: { 'Fn::If': ['FleetsGreenServesAB12', { Ref: 'AWS::NoValue' }, '0'] } });
    return t;
  };
  const before = releaseMode(webStack({ images: RECORDED }));
  const after_ = releaseMode(webStack({ images: { ...RECORDED, Green: { 'eu-west-1': 'ami-0c0c0c0c0c0c0c0c0' } } }));
  const [green] = classify(before, after_).result.serversReplaced;
  assert.deepEqual([green.fleet, green.minSize, green.desiredCapacity, green.maxSize], ['Prod-Web/Fleets/Green', 2, null, 8]);
  assert.match(report(before, after_).markdown, /`Prod-Web\/Fleets\/Green` \(green\)\*\* — image \(mapping `[^`]+`: eu-west-1\); 2 servers at its minimum;/);
});
