export { DEFAULT_CREDENTIALS, type Sandbox, type SandboxOptions, startSandbox } from './server.js';
export type { StandingFault } from './faults.js';
export type {
  AcceptedMessage,
  Fault,
  FaultKind,
  SandboxAddress,
  SandboxAttachment,
  SandboxCredentials,
  SandboxProviderKind,
} from './types.js';
