// Process metrics under prom-client's names, so dashboards built on
// `collectDefaultMetrics()` keep working, plus event-loop utilization.
import { readdirSync, readFileSync } from 'node:fs';
import {
  constants,
  type IntervalHistogram,
  monitorEventLoopDelay,
  PerformanceObserver,
  performance,
} from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { Counter } from './counter.js';
import { Gauge } from './gauge.js';
import { Histogram } from './histogram.js';
import { type DefaultMetricsOptions, resolveDefaultMetricsOptions } from './options.js';
import { defaultRegistry, type Registry } from './registry.js';

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Registers the default process metrics. Returns a function that stops the monitors they use. */
export function collectDefaultMetrics(options: DefaultMetricsOptions = {}): () => void {
  const resolved = resolveDefaultMetricsOptions(options, defaultRegistry);
  const { registry, prefix: p } = resolved;
  const at = { registry };

  const cpuUser = new Counter({
    name: `${p}process_cpu_user_seconds_total`,
    help: 'Total user CPU time spent in seconds.',
    ...at,
  });
  const cpuSystem = new Counter({
    name: `${p}process_cpu_system_seconds_total`,
    help: 'Total system CPU time spent in seconds.',
    ...at,
  });
  const cpuTotal = new Counter({
    name: `${p}process_cpu_seconds_total`,
    help: 'Total user and system CPU time spent in seconds.',
    ...at,
  });
  let lastCpu = { user: 0, system: 0 }; // the first scrape reports the total since start
  const cpu = new Gauge({
    name: `${p}process_start_time_seconds`,
    help: 'Start time of the process since unix epoch in seconds.',
    aggregate: 'omit',
    ...at,
    collect: () => {
      const now = process.cpuUsage();
      const user = (now.user - lastCpu.user) / 1e6;
      const system = (now.system - lastCpu.system) / 1e6;
      lastCpu = now;
      cpuUser.inc(user);
      cpuSystem.inc(system);
      cpuTotal.inc(user + system);
    },
  });
  cpu.set(Math.round(performance.timeOrigin / 1000));

  new Gauge({
    name: `${p}process_resident_memory_bytes`,
    help: 'Resident memory size in bytes.',
    ...at,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  if (process.platform === 'linux') linuxProcessMetrics(p, registry);

  const heap = (name: string, help: string, read: (m: NodeJS.MemoryUsage) => number) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      ...at,
      collect() {
        this.set(read(process.memoryUsage()));
      },
    });
  heap('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', (m) => m.heapTotal);
  heap('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', (m) => m.heapUsed);
  heap('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', (m) => m.external);

  const spaces = (what: string, read: (s: ReturnType<typeof getHeapSpaceStatistics>[number]) => number) =>
    new Gauge({
      name: `${p}nodejs_heap_space_size_${what}_bytes`,
      help: `Process heap space size ${what} from Node.js in bytes.`,
      labelNames: ['space'],
      ...at,
      collect() {
        for (const s of getHeapSpaceStatistics()) this.set({ space: s.space_name.replace(/_space$/, '') }, read(s));
      },
    });
  spaces('total', (s) => s.space_size);
  spaces('used', (s) => s.space_used_size);
  spaces('available', (s) => s.space_available_size);

  activeResourceMetrics(p, registry);

  const [major, minor, patch] = process.versions.node.split('.');
  new Gauge({
    name: `${p}nodejs_version_info`,
    help: 'Node.js version info.',
    labelNames: ['version', 'major', 'minor', 'patch'],
    aggregate: 'first',
    ...at,
  }).set({ version: process.version, major: major!, minor: minor!, patch: patch! }, 1);

  const stopLoop = eventLoopMetrics(p, registry, resolved.eventLoopMonitoringPrecision);

  const gc = new Histogram({
    name: `${p}nodejs_gc_duration_seconds`,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: resolved.gcDurationBuckets,
    ...at,
  });
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail;
      const kind = GC_KINDS[detail?.kind ?? -1] ?? 'unknown';
      gc.observe({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  return () => {
    observer.disconnect();
    stopLoop();
  };
}

function eventLoopMetrics(p: string, registry: Registry, resolution: number): () => void {
  const at = { registry };
  const delay: IntervalHistogram = monitorEventLoopDelay({ resolution });
  delay.enable();
  const gauges: [string, string, (h: IntervalHistogram) => number][] = [
    ['min', 'The minimum recorded event loop delay.', (h) => h.min],
    ['max', 'The maximum recorded event loop delay.', (h) => h.max],
    ['mean', 'The mean of the recorded event loop delays.', (h) => h.mean],
    ['stddev', 'The standard deviation of the recorded event loop delays.', (h) => h.stddev],
    ['p50', 'The 50th percentile of the recorded event loop delays.', (h) => h.percentile(50)],
    ['p90', 'The 90th percentile of the recorded event loop delays.', (h) => h.percentile(90)],
    ['p99', 'The 99th percentile of the recorded event loop delays.', (h) => h.percentile(99)],
  ];
  for (const [suffix, help, read] of gauges) {
    new Gauge({
      name: `${p}nodejs_eventloop_lag_${suffix}_seconds`,
      help,
      ...at,
      collect() {
        const ns = read(delay);
        if (Number.isFinite(ns)) this.set(ns / 1e9); // NaN until the monitor has a sample
      },
    });
  }
  new Gauge({
    name: `${p}nodejs_eventloop_lag_seconds`,
    help: 'Lag of event loop in seconds.',
    ...at,
    collect() {
      const start = process.hrtime.bigint();
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          this.set(Number(process.hrtime.bigint() - start) / 1e9);
          resolve();
        }),
      );
    },
  });
  let lastElu = performance.eventLoopUtilization();
  new Gauge({
    name: `${p}nodejs_eventloop_utilization_ratio`,
    help: 'Share of time the event loop was busy since the previous scrape (0 to 1).',
    aggregate: 'average',
    ...at,
    collect() {
      const now = performance.eventLoopUtilization();
      const { utilization } = performance.eventLoopUtilization(now, lastElu);
      if (Number.isFinite(utilization)) this.set(utilization);
      lastElu = now;
    },
  });
  return () => delay.disable();
}

// Node's own counts of what keeps the loop alive. prom-client reads the same
// (undocumented but long-stable) process._getActiveHandles/_getActiveRequests.
interface ActiveInternals {
  _getActiveHandles?: () => object[];
  _getActiveRequests?: () => object[];
}

function byType(items: readonly (object | string)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const type = typeof item === 'string' ? item : (item.constructor?.name ?? 'unknown');
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function activeResourceMetrics(p: string, registry: Registry): void {
  const at = { registry };
  const internals = process as unknown as ActiveInternals;
  const pair = (what: string, help: string, read: () => readonly (object | string)[]) => {
    const total = new Gauge({
      name: `${p}nodejs_active_${what}_total`,
      help: `Total number of active ${help}.`,
      ...at,
    });
    new Gauge({
      name: `${p}nodejs_active_${what}`,
      help: `Number of active ${help} by type.`,
      labelNames: ['type'],
      ...at,
      collect() {
        const counts = byType(read());
        this.reset();
        for (const [type, n] of counts) this.set({ type }, n);
        total.set([...counts.values()].reduce((a, b) => a + b, 0));
      },
    });
  };
  pair('handles', 'handles', () => internals._getActiveHandles?.() ?? []);
  pair('requests', 'requests', () => internals._getActiveRequests?.() ?? []);
  pair('resources', 'resources keeping the event loop alive', () => process.getActiveResourcesInfo());
}

/** Figures only Linux's /proc gives: virtual memory, data segment, file descriptors. */
function linuxProcessMetrics(p: string, registry: Registry): void {
  const at = { registry };
  const status = (field: string): number | undefined => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const gauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      ...at,
      collect() {
        const v = read();
        if (v !== undefined) this.set(v);
      },
    });
  gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.', () => status('VmSize'));
  gauge('process_heap_bytes', 'Process heap size in bytes.', () => status('VmData'));
  gauge('process_open_fds', 'Number of open file descriptors.', () => readdirSync('/proc/self/fd').length - 1);
  gauge('process_max_fds', 'Maximum number of open file descriptors.', () => {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : undefined;
  });
}
