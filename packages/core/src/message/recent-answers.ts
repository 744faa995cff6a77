/**
 * `compute` with its answers remembered for up to `max` distinct inputs: for checks whose inputs
 * repeat on nearly every message (the sender, the recipients' domains). Bounded: cleared when full,
 * so a stream of distinct inputs costs one Map write each and never grows memory.
 */
export function recentAnswers<Value>(
  max: number,
  compute: (input: string) => Value,
): (input: string) => Value {
  const answers = new Map<string, Value>();
  return (input) => {
    let answer = answers.get(input);
    if (answer === undefined) {
      answer = compute(input);
      if (answers.size >= max) answers.clear();
      answers.set(input, answer);
    }
    return answer;
  };
}
