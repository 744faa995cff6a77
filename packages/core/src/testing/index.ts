/** Test kit for mailover users: a scriptable provider, mock webhooks, a virtual clock, adapter checks. Import from `@mailover/core/testing`. */
export {
  type MockCall,
  type MockProvider,
  type MockProviderOptions,
  type MockStep,
  mockProvider,
} from './mock-provider.js';
export { type MockWebhookEvent, mockWebhookRequest, mockWebhooks } from './mock-webhooks.js';
export { VirtualClock } from './virtual-clock.js';
export {
  CONFORMANCE_MESSAGE,
  type ConformanceEvent,
  type ConformanceFault,
  type ConformanceWebhook,
  DEFAULT_FAULT_EXPECTATIONS,
  type FaultExpectation,
  type ProviderTestTarget,
  type ReceivedMessage,
  testProvider,
} from './conformance/test-provider.js';
export { type StoreContractRunner, testStore } from './store-contract.js';
export { jobReaches, type QueueInstanceFactory, testQueue } from './queue-contract.js';
export { configurationErrorOf, normalizedMessage, sendContext } from './adapter-checks.js';
