// The new version of the sample function, released as the stage's canary: rounds down.
// Same contract as ../original/index.mjs; only the body differs, so a response shows at a glance
// which version (stage or canary) answered.
export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'this is the canary function (Math.floor) = ' + Math.floor(999.99),
});
