// @ts-check

const { overlaySrc, resolveOverlay } = require('./code-overlay');

/**
 * Jest's resolver: the labs' resolution rule (code-overlay.js) first, jest's
 * own resolver for everything else (packages, test helpers).
 *
 * Which lab's code runs is per jest project (check:lab and verify:labs test
 * several code trees in one run), and jest hands a resolver nothing
 * project-specific except the export conditions of the test environment. So
 * scripts/labs/jest-environment.ts adds one condition, `sdp-code-root=<dir>`,
 * and it is read back here. No package declares such a condition, so it
 * changes nothing else. Plain `jest` gets it from SDP_CODE_ROOT (jest.config.js).
 */
const CONDITION = 'sdp-code-root=';

/** @param {string} request @param {{ basedir: string, conditions?: string[], defaultResolver: (request: string, options: object) => string }} options */
module.exports = function resolve(request, options) {
  const marker = options.conditions?.find((condition) => condition.startsWith(CONDITION));
  const labSrc = overlaySrc(marker?.slice(CONDITION.length));
  const found = resolveOverlay(request, `${options.basedir}/_`, labSrc);
  return found ?? options.defaultResolver(request, options);
};
module.exports.CODE_ROOT_CONDITION = CONDITION;
