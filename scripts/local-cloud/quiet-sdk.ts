/**
 * Import first. On Node 20 the AWS SDK prints a NodeVersionSupportWarning the
 * first time a client is built; a learner's terminal should show the system,
 * not that. (Lambda runs nodejs22.x, where the notice does not apply.)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export {};
