/**
 * A small local Serverless plugin for what the framework cannot say in the
 * CloudFormation template itself:
 *
 * 1. API stage settings. The framework applies `provider.tracing.apiGateway`
 *    through SDK calls after the deploy, and has no stage throttling at all.
 *    Here both go on the stage the deployment creates (`StageDescription`),
 *    so the template shows - and cfn-lint and the tests check - what AWS runs.
 *    Settings: `custom.apiStage` in serverless.yml.
 * 2. The framework's default role. serverless-iam-roles-per-function gives
 *    every function its own role but leaves `IamRoleLambdaExecution` behind,
 *    used by nothing. An unused role is still a grant someone can misuse, so
 *    it is removed - only when nothing refers to it any more.
 *
 * Runs on `before:package:finalize`, after the plugins listed before it.
 */
class OperationsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.finalize() };
  }

  finalize() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    applyStageSettings(resources, this.serverless.service.custom?.apiStage ?? {});
    removeUnusedDefaultRole(resources);
  }
}

function applyStageSettings(resources, settings) {
  const rate = Number(settings.throttlingRateLimit);
  const burst = Number(settings.throttlingBurstLimit);
  if (!(rate > 0) || !Number.isInteger(burst) || burst < 1) {
    throw new Error(
      `custom.apiStage needs a positive throttlingRateLimit and integer throttlingBurstLimit (got ${settings.throttlingRateLimit}, ${settings.throttlingBurstLimit})`,
    );
  }
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Deployment') continue;
    resource.Properties.StageDescription = {
      ...resource.Properties.StageDescription,
      TracingEnabled: settings.tracingEnabled !== false,
      MetricsEnabled: true,
      ThrottlingRateLimit: rate,
      ThrottlingBurstLimit: burst,
    };
  }
}

const DEFAULT_ROLE = 'IamRoleLambdaExecution';

function refersTo(value, logicalId) {
  if (Array.isArray(value)) return value.some((item) => refersTo(item, logicalId));
  if (value && typeof value === 'object') {
    if (value.Ref === logicalId) return true;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[0] === logicalId) return true;
    return Object.values(value).some((item) => refersTo(item, logicalId));
  }
  return false;
}

function removeUnusedDefaultRole(resources) {
  if (!resources[DEFAULT_ROLE]) return;
  const users = Object.entries(resources).filter(
    ([id, resource]) => id !== DEFAULT_ROLE && (refersTo(resource.Properties, DEFAULT_ROLE) || [resource.DependsOn].flat().includes(DEFAULT_ROLE)),
  );
  if (users.length === 0) delete resources[DEFAULT_ROLE];
}

module.exports = OperationsPlugin;
