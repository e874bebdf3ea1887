// The original version of the sample function behind the API's stage: rounds up.
// API Gateway (Lambda proxy integration) calls it with the request event; the stage variables it
// was called with are in event.stageVariables (the canary may pass overridden values).
export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'this is the original function (Math.ceil) = ' + Math.ceil(999.99),
});
