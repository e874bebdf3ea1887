'use strict';
// Loaded first by every CLI: a clear message instead of a stack trace when tools/install was not run.
try {
  require.resolve('@aws-cdk/cloudformation-diff');
} catch {
  const install = require('path').resolve(__dirname, '..', '..', 'install');
  process.stderr.write(`${require('path').basename(process.argv[1] || 'cfn-diff')}: dependencies are not installed; run: bash ${install} cfn-diff\n`);
  process.exit(1);
}
