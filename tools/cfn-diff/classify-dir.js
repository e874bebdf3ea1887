#!/usr/bin/env node
'use strict';
require('./lib/check-deps');
const { classifyDirs } = require('./lib/classify');
const { runCli, printJson, strictAndTwo } = require('./lib/cli');

const USAGE = `Usage: node tools/cfn-diff/classify-dir.js [--strict] OLD_DIR NEW_DIR

Runs classify.js on every stack template (*.template.json, including nested stage assemblies
assembly-*/) of two cdk.out-style folders and prints one JSON object keyed by stack:

  { "StackA": { "stack": "new|removed|changed|unchanged", "resources": [...],
                "iamChanges": bool, "securityGroupChanges": bool, "permissionsBroadened": bool,
                "serversReplaced": [...] },
    "assembly-Prod/ProdStackB": { ... } }

A stack only in OLD_DIR is "removed" (all its resources removed); only in NEW_DIR is "new".
OLD_DIR may be "-" or missing (every stack new); NEW_DIR must exist.
Exit codes: 0 success, 1 error.
`;

runCli(USAGE, argv => {
  const { strict, args } = strictAndTwo(argv, 'OLD_DIR NEW_DIR');
  const out = {};
  for (const s of classifyDirs(args[0], args[1], { strict })) out[s.name] = s.result;
  printJson(out);
  return 0;
});
