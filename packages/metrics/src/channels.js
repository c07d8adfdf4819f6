// The diagnostics_channel events this package publishes. Publishers check
// `hasSubscribers` first, so nobody listening costs one boolean read per event;
// neither event is on the hot path of an update (an overflow is published once
// per metric, a scrape once per scrape).
import { channel } from 'node:diagnostics_channel';
/** Channel name of each event, `perf:metrics:<event>`. */
export const channelNames = {
    overflow: 'perf:metrics:overflow',
    scrape: 'perf:metrics:scrape',
};
export const overflowChannel = channel(channelNames.overflow);
export const scrapeChannel = channel(channelNames.scrape);
//# sourceMappingURL=channels.js.map