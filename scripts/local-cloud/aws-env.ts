/**
 * Environment every local process needs: dummy credentials (DynamoDB Local
 * and the local Step Functions accept any), a region, and the SDK's Node 20
 * deprecation notice switched off so it does not drown a learner's output.
 * Handlers find the local services through the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> variables: no local-only code in handlers.
 */
export function localAwsEnvironment(endpoints: { dynamodb: string; sfn?: string }, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // No X-Ray daemon locally: keep the Powertools Tracer off even where
    // AWS_EXECUTION_ENV happens to be set (e.g. some CI runners).
    POWERTOOLS_TRACE_ENABLED: 'false',
    // With the Tracer off, the X-Ray SDK it loads still starts "automatic
    // mode" unless told otherwise: an async hook called on every promise
    // and socket of the process, which costs the local cloud throughput and
    // traces nothing. Manual mode skips that hook; Lambda never sees this.
    AWS_XRAY_MANUAL_MODE: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    ...(endpoints.sfn ? { AWS_ENDPOINT_URL_SFN: endpoints.sfn } : {}),
    // The local Step Functions endpoint also answers EventBridge's PutEvents
    // (local-eventbridge.ts): the reconciler's OrderNeedsAttention lands
    // beside the saga's own events. Without it the SDK would call AWS.
    ...(endpoints.sfn ? { AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.sfn } : {}),
  };
}

export function applyEnvironment(variables: Record<string, string>): void {
  Object.assign(process.env, variables);
}
