import '../local-cloud/quiet-sdk';

/**
 * Runs in every test worker before any test module loads: quiet logs (set
 * SDP_DEBUG=1 to see handler logs) and dummy credentials, so no test can ever
 * reach a real AWS account.
 */
process.env.POWERTOOLS_LOG_LEVEL = process.env.SDP_DEBUG ? 'DEBUG' : 'SILENT';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
process.env.AWS_REGION = 'us-east-1';
process.env.POWERTOOLS_TRACE_ENABLED = 'false'; // no X-Ray daemon in tests (see aws-env.ts)
process.env.AWS_XRAY_MANUAL_MODE = 'true'; // no async hook on every promise from the X-Ray SDK (see aws-env.ts)
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
