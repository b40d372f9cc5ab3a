/** The public surface: what an organisation imports to embed Caseway in its own CDK app. */
export {
  Caseway,
  type CasewayProps,
  type CasewayConsoleProps,
  type CasewayConsole,
  type CasewayApiFirewallProps,
  type CasewayBackupProps,
} from './caseway.js';
export { CasewayStack, type CasewayStackProps } from './caseway-stack.js';
export { CasewayEdgeStack, type CasewayEdgeStackProps } from './caseway-edge-stack.js';
export { ApiWebAcl, ApiEdge, type ApiWebAclProps, type ApiEdgeProps, type ApiRateLimits } from './constructs/api-firewall.js';
export { CaseBackup, type CaseBackupProps, type BackupRetention } from './constructs/backup.js';
export { CaseStore, type CaseStoreProps } from './constructs/case-store.js';
export { Identity, type IdentityProps, type ExternalOidc, type SignInDomainProps } from './constructs/identity.js';
export { ConsoleHosting, type ConsoleHostingProps, type ConsoleDomain } from './constructs/console-hosting.js';
export { ConsoleDeployment, type ConsoleDeploymentProps } from './constructs/console-deployment.js';
export { ConsoleCors, type ConsoleCorsProps } from './constructs/console-cors.js';
export { CaseApi, type CaseApiProps, type ThrottleProps } from './constructs/case-api.js';
export { DomainEvents, type DomainEventsProps } from './constructs/domain-events.js';
export { Observability, type ObservabilityProps } from './constructs/observability.js';
