export {
  type Agreement,
  binomialAgreement,
  deliveryAtRetry,
  expectedDelayIfDelivered,
  loopProbability,
  runTrials,
  type TrialOptions,
  type TrialResult,
} from './closed-form.js';
export { GREYLISTER_CLASSES, GREYLISTER_WEIGHTS, type GreylisterClassName } from './greylister-classes.js';
export {
  type AutoWhitelist,
  type GreylistAttempt,
  type GreylistDecision,
  Greylister,
  type GreylisterSpec,
  type GreylistKeying,
  type GreylistReason,
  network24,
  type ReplyContext,
} from './greylister.js';
export { type IpPool, type IpPoolOptions, type IpSelection, ipPool } from './ip-pool.js';
export {
  type MtaClock,
  type MtaEvent,
  type MtaMessage,
  type Receivers,
  type RecipientOutcome,
  SimulatedMta,
  type SimulatedMtaOptions,
} from './mta.js';
export {
  createPopulation,
  type DomainBehaviour,
  type PopulationOptions,
  ReceiverPopulation,
  type ReceiverReply,
  type RecipientDomain,
} from './population.js';
export { hashString, type Random, seededRandom } from './random.js';
export {
  doublingSchedule,
  gapSchedule,
  type PostfixScheduleOptions,
  postfixSchedule,
  type RetrySchedule,
  SCHEDULES,
} from './schedules.js';
