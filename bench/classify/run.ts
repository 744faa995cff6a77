/**
 * classifySmtpReply speed, warm: every reply of the corpus (data/smtp-replies) classified in a loop,
 * after a warm-up; the figure is µs of CPU per reply (user + system time of this process, so
 * other jobs on a shared machine do not inflate it), median over rounds. Also times hostile
 * replies: long whitespace runs and repeated codes, the shapes that made the old parser quadratic
 * (docs/smtp-classifier.md).
 *
 *   npx tsx --conditions=mailover-source bench/classify/run.ts
 */
import { classifySmtpReply } from '@mailover/core';
import { cpuMicros, median, round, writeResults } from '../overhead/results.js';
import { loadCorpus } from './corpus.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = QUICK ? 10 : 40;
const WARM_UP_ROUNDS = QUICK ? 5 : 20;

const replies = loadCorpus().rows.map((row) => row.reply);
const hostile = [
  `450 4.2.0 ${' '.repeat(8_000)}x`,
  `550 5.1.1 user unknown${' \t'.repeat(4_000)}`,
  `421 ${'a '.repeat(4_000)}`,
  `${'5.7.1 '.repeat(1_300)}`,
];

/** µs per reply for one pass over `inputs`, `repeat` times. */
function pass(inputs: readonly string[], repeat: number): number {
  let sink = 0;
  const started = cpuMicros();
  for (let round = 0; round < repeat; round++) {
    for (const input of inputs) sink += classifySmtpReply(input).basic;
  }
  const micros = (cpuMicros() - started) / (inputs.length * repeat);
  if (sink === -1) console.log(sink); // keeps the loop from being optimised away
  return micros;
}

for (let round = 0; round < WARM_UP_ROUNDS; round++) pass(replies, 1);
const perRound: number[] = [];
// Five passes a round: one pass (~5 ms) is near the CPU clock's resolution.
for (let round = 0; round < ROUNDS; round++) perRound.push(pass(replies, 5));
pass(hostile, 5);
const hostileRounds: number[] = [];
for (let round = 0; round < ROUNDS; round++) hostileRounds.push(pass(hostile, 1));

const sorted = [...perRound].sort((a, b) => a - b);
const figures = {
  replies: replies.length,
  rounds: ROUNDS,
  microsPerReplyMedian: round(median(perRound), 2),
  microsPerReplyFastestRound: round(sorted[0]!, 2),
  microsPerReplySlowestRound: round(sorted[sorted.length - 1]!, 2),
  meanReplyLength: Math.round(replies.reduce((sum, reply) => sum + reply.length, 0) / replies.length),
  hostileInputs: hostile.length,
  hostileInputLength: Math.max(...hostile.map((input) => input.length)),
  microsPerHostileReplyMedian: round(median(hostileRounds), 1),
};
const path = writeResults('classify', figures);
console.log(
  `classifySmtpReply, warm: ${figures.microsPerReplyMedian} µs of CPU per reply (median of ${ROUNDS} rounds over ${replies.length} real replies, mean ${figures.meanReplyLength} characters); ` +
    `${figures.microsPerHostileReplyMedian} µs per hostile ${figures.hostileInputLength}-character reply. Written to ${path}`,
);
