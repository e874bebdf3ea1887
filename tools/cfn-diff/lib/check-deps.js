'use strict';
// Loaded first by every CLI: a clear message instead of a stack trace when `npm ci` was not run.
try {
  require.resolve('@aws-cdk/cloudformation-diff');
} catch {
  const dir = require('path').resolve(__dirname, '..');
  process.stderr.write(`${require('path').basename(process.argv[1] || 'cfn-diff')}: dependencies are not installed; run: (cd ${dir} && npm ci --omit=dev)\n`);
  process.exit(1);
}
