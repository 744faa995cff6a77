/** Test kit for mailover users: a scriptable provider and a virtual clock. Import from `@mailover/core/testing`. */
export {
  type MockCall,
  type MockProvider,
  type MockProviderOptions,
  type MockStep,
  mockProvider,
} from './mock-provider.js';
export { VirtualClock } from './virtual-clock.js';
