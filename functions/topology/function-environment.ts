/**
 * Environment every Caseway function gets in both modes. The CDK functions add
 * their AWS settings to it, the local platform its local ones (endpoint, tracing off).
 */
export const SHARED_FUNCTION_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: 'caseway',
  POWERTOOLS_METRICS_NAMESPACE: 'Caseway',
};
