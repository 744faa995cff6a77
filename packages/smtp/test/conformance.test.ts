import { testProvider } from '@mailover/core/testing';
import { relayTarget } from './relay-target.js';

await testProvider(relayTarget);
