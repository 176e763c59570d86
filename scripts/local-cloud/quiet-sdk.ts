/**
 * Import first. On Node 20 the AWS SDK prints a NodeVersionSupportWarning the
 * first time a client is built; a learner's terminal should show the system,
 * not that. (Lambda runs nodejs22.x, where the notice does not apply.) An
 * explicit setting of the variable is respected. Every entry point (npm
 * start, doctor, check:lab, verify:labs, jest) imports this one module.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
