'use strict';
// The reference app's web servers (Prod-Web, as pinned by its snapshot in tests/Infra.App.Tests/Snapshots),
// evaluated by the IAM engine: Session Manager works, and a server reads no SSM parameter outside its own
// environment's prefix /prod/web/ — not the private key InstanceAccess stores, not another environment's.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { isAllowed, loadTemplate, roleIds } = require('../lib');

const SNAPSHOT = path.resolve(__dirname, '..', '..', '..', 'tests', 'Infra.App.Tests', 'Snapshots', 'Prod-Web.json');
const template = loadTemplate(SNAPSHOT);
const servers = roleIds(template).filter(id => /^Fleets(Blue|Green)InstanceRole/.test(id));
const parameter = name => `arn:aws:ssm:eu-west-1:111111111111:parameter${name}`;

test('both colors have an instance role', () => assert.equal(servers.length, 2, roleIds(template).join(', ')));

for (const role of servers) {
  const allowed = (action, resource) => isAllowed({ template, roleLogicalId: role, action, resource });

  test(`${role}: reads parameters under its environment's prefix`, async () => {
    assert.equal(await allowed('ssm:GetParameter', parameter('/prod/web/feature-flags')), true);
    assert.equal(await allowed('ssm:GetParametersByPath', parameter('/prod/web')), true);
  });

  test(`${role}: reads no other parameter (the key pair's private key, another environment, a look-alike prefix)`, async () => {
    for (const name of ['/ec2/keypair/key-0123456789abcdef0', '/dev/web/feature-flags', '/prod/webhooks/token', '/prod/api/key', '/cdk-bootstrap/hnb659fds/version']) {
      assert.equal(await allowed('ssm:GetParameter', parameter(name)), false, name);
      assert.equal(await allowed('ssm:GetParameters', parameter(name)), false, name);
    }
  });

  test(`${role}: the SSM agent may register the server (Session Manager)`, async () => {
    // (The ssmmessages:* channel actions take no resource, which the engine only answers as a wildcard
    // request; WebFleetTests.InstanceRole_UsesSessionManagerAndNothingBroader pins that statement.)
    assert.equal(await allowed('ssm:UpdateInstanceInformation', 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0'), true);
  });

  test(`${role}: no other Systems Manager power (documents, commands to other instances)`, async () => {
    assert.equal(await allowed('ssm:SendCommand', 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0123456789abcdef0'), false);
    assert.equal(await allowed('ssm:GetDocument', 'arn:aws:ssm:eu-west-1:111111111111:document/AWS-RunShellScript'), false);
  });
}
