// Preloaded into a daemon by a bench (NODE_OPTIONS=--require): its event-loop delay, written to
// $EVENT_LOOP_PROBE as JSON (milliseconds beyond the sampling interval) and reset on each SIGUSR2.
// Not part of the product.
const fs = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const file = process.env.EVENT_LOOP_PROBE;
if (file) {
  const RESOLUTION_MS = 5;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  process.on('SIGUSR2', () => {
    // The histogram holds the intervals between samples: what exceeds the resolution is the delay.
    const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
    fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify({ p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) }));
    histogram.reset();
  });
}
