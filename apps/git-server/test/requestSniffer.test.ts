// Labelling upload-pack requests for the metrics from their pkt-lines, fed in
// chunks cut anywhere (as they arrive from the network).
import { describe, expect, it } from 'vitest';
import { RequestSniffer, type UploadKind } from '../src/git/requestSniffer.js';

const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
const sha = 'a'.repeat(40);

const REQUESTS: [string, string, UploadKind][] = [
  ['a v2 ls-refs', `${pkt('command=ls-refs\n')}${pkt('agent=git/2.39\n')}0001${pkt('peel\n')}0000`, 'ls-refs'],
  ['a v2 clone', `${pkt('command=fetch\n')}0001${pkt(`want ${sha}\n`)}${pkt('done\n')}0000`, 'clone'],
  [
    'a v2 fetch',
    `${pkt('command=fetch\n')}0001${pkt(`want ${sha}\n`)}${pkt(`have ${sha}\n`)}${pkt('done\n')}0000`,
    'fetch',
  ],
  ['a v0 clone', `${pkt(`want ${sha} multi_ack side-band-64k\n`)}0000${pkt('done\n')}`, 'clone'],
  ['a v0 fetch', `${pkt(`want ${sha}\n`)}0000${pkt(`have ${sha}\n`)}${pkt('done\n')}`, 'fetch'],
  ['a v2 object-info', `${pkt('command=object-info\n')}0000`, 'other'],
  ['nothing wanted', '0000', 'other'],
];

describe('RequestSniffer', () => {
  it.each(REQUESTS)('%s', (_name, body, kind) => {
    const whole = new RequestSniffer();
    whole.write(Buffer.from(body));
    expect(whole.kind).toBe(kind);
    // The same bytes one at a time, and cut at every position into two chunks.
    const bytewise = new RequestSniffer();
    for (const byte of Buffer.from(body)) bytewise.write(Buffer.from([byte]));
    expect(bytewise.kind).toBe(kind);
    for (let cut = 1; cut < body.length; cut++) {
      const s = new RequestSniffer();
      s.write(Buffer.from(body.slice(0, cut)));
      s.write(Buffer.from(body.slice(cut)));
      expect(s.kind).toBe(kind);
    }
  });

  it('stops reading at a length that is not hex, without throwing (git refuses such a request itself)', () => {
    const s = new RequestSniffer();
    s.write(Buffer.from(`zzzz${pkt(`want ${sha}\n`)}`));
    expect(s.kind).toBe('other');
  });
});
