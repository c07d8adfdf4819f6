// Commands are split into arguments as Ofelia splits them (gobs/args).
import { expect, it } from 'vitest';
import { splitCommand } from '../src/jobs/commandLine.js';

it.each([
  ['touch /tmp/example', ['touch', '/tmp/example']],
  ['  spaced   out  ', ['spaced', 'out']],
  ["sh -c 'date | tee -a /tmp/test/date'", ['sh', '-c', 'date | tee -a /tmp/test/date']],
  ['echo "a b" `c d`', ['echo', 'a b', 'c d']],
  ['echo a\\ b \\"q\\"', ['echo', 'a b', '"q"']],
  ["'a'b", ['a', 'b']],
  ['echo a > /backup/db.sql', ['echo', 'a', '> /backup/db.sql']],
  ['jq {.a, (.b)} x', ['jq', '{.a, (.b)}', 'x']],
  ['echo [a "b]" c]', ['echo', '[a "b]" c]']],
  ['', []],
])('%j', (line, argv) => {
  expect(splitCommand(line)).toEqual(argv);
});
