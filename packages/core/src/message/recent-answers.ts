/**
 * `compute` with its answers remembered for up to `max` distinct inputs: for checks whose inputs
 * repeat on nearly every message (the sender, the recipients' domains). Bounded in count and in
 * size: cleared when full, and an input longer than `maxInputLength` is answered but never
 * remembered, so neither a stream of distinct inputs nor a few huge refused ones (a multi-megabyte
 * domain from a sign-up form) can hold memory.
 */
export function recentAnswers<Value>(
  max: number,
  compute: (input: string) => Value,
  maxInputLength = 320,
): (input: string) => Value {
  const answers = new Map<string, Value>();
  return (input) => {
    if (input.length > maxInputLength) return compute(input);
    let answer = answers.get(input);
    if (answer === undefined) {
      answer = compute(input);
      if (answers.size >= max) answers.clear();
      answers.set(input, answer);
    }
    return answer;
  };
}
