#!/usr/bin/env node
'use strict';
require('./lib/check-deps');
const { readTemplate, classifyTemplates } = require('./lib/classify');
const { runCli, printJson, strictAndTwo } = require('./lib/cli');

const USAGE = `Usage: node tools/cfn-diff/classify.js [--strict] OLD_TEMPLATE.json NEW_TEMPLATE.json

Classifies every resource change between two CloudFormation templates with the cdk diff engine
(@aws-cdk/cloudformation-diff) and prints JSON on stdout:

  { "stack": "new|removed|changed|unchanged",
    "resources": [ { "logicalId", "type",
                     "change": "added|removed|updated|replaced|may-replace",
                     "impact": "WILL_CREATE|WILL_DESTROY|WILL_ORPHAN|WILL_UPDATE|WILL_REPLACE|MAY_REPLACE|NO_CHANGE",
                     "replacedBecause": [...], "changedProperties": [...], "otherChanges": [...],
                     "destructive": bool, "path": "aws:cdk:path or null" } ],
    "iamChanges": bool, "securityGroupChanges": bool, "permissionsBroadened": bool,
    "serversReplaced": [ { "fleet", "color", "parts": ["image|user data|instance type|other"], "changes",
                           "minSize", "desiredCapacity", "maxSize",
                           "updatePolicy": { "kind": "rolling-update|instance-refresh|replacing-update|none" },
                           "replacesRunningServers", "autoScalingGroup", "launchTemplate" } ] }

OLD_TEMPLATE may be "-", a missing file, an empty file or a template without resources: the stack
is new. NEW_TEMPLATE may be "-", an empty file or a template without resources (stack removed),
but must exist otherwise. --strict keeps AWS::CDK::Metadata changes (hidden like cdk diff does).
Exit codes: 0 success, 1 error.
`;

runCli(USAGE, argv => {
  const { strict, args } = strictAndTwo(argv, 'OLD_TEMPLATE NEW_TEMPLATE');
  const oldT = readTemplate(args[0], { allowMissing: true, label: 'OLD_TEMPLATE' });
  const newT = readTemplate(args[1], { allowMissing: false, label: 'NEW_TEMPLATE' });
  printJson(classifyTemplates(oldT, newT, { strict }).result);
  return 0;
});
