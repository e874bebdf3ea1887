'use strict';
// Runs one validator in its own process: node worker.js <validator> <context.json> <result.json>
const fs = require('fs');
const path = require('path');

async function main() {
  const [name, ctxFile, outFile] = process.argv.slice(2);
  const started = Date.now();
  let result;
  try {
    const ctx = JSON.parse(fs.readFileSync(ctxFile, 'utf8'));
    const validator = require(path.join(__dirname, 'validators', `${name}.js`));
    const r = await validator.run(ctx);
    result = { ok: true, findings: r.findings, meta: r.meta || {}, ms: Date.now() - started };
  } catch (e) {
    result = { ok: false, error: e && e.stack ? e.stack : String(e), ms: Date.now() - started };
  }
  fs.writeFileSync(outFile, JSON.stringify(result));
}

main().then(() => process.exit(0), (e) => { process.stderr.write(String(e && e.stack)); process.exit(3); });
