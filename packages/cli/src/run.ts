/** The `mailover` executable: runs the CLI on this process's arguments. */
import { main } from './index.js';

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
