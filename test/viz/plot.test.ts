import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LEVELS } from '../../spec/levels.ts';
import { binCounts, histogram, hourTicks, levelPlot, niceTicks } from '../../viz/plot.ts';
import { SEED } from '../seed.ts';

/** The numbers of an SVG path made of M, H, V and L commands, as [command, values] pairs. */
function pathCommands(d: string): [string, number[]][] {
  return [...d.matchAll(/([MHVLv])([^MHVLv]*)/g)].map((m) => [m[1]!, m[2]!.split(/[ ,]/).filter(Boolean).map(Number)]);
}

describe(`viz/plot (fast-check seed ${SEED})`, () => {
  it('picks_round_ticks_that_cover_the_range_in_steps_of_1_2_or_5', () => {
    assert.deepEqual(niceTicks(0, 72, 8), [0, 10, 20, 30, 40, 50, 60, 70, 80]);
    assert.deepEqual(niceTicks(0, 3240, 5), [0, 1000, 2000, 3000, 4000]);
    assert.deepEqual(hourTicks(72), [0, 12, 24, 36, 48, 60, 72]);
    assert.deepEqual(hourTicks(1), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(niceTicks(0, 1, 4), [0, 0.5, 1]);
    assert.deepEqual(niceTicks(5, 5), [5]);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.integer({ min: 2, max: 10 }), (min, span, count) => {
        const ticks = niceTicks(min, min + span, count);
        const step = ticks[1]! - ticks[0]!;
        const mantissa = step / 10 ** Math.floor(Math.log10(step));
        assert.ok([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6), `step ${step}`);
        assert.ok(ticks[0]! <= min + step * 1e-6 && ticks[0]! > min - step, `first tick ${ticks[0]} for ${min}`);
        assert.ok(ticks[ticks.length - 1]! >= min + span - step * 1e-6 && ticks[ticks.length - 1]! < min + span + step, `last tick for ${min + span}`);
        assert.ok(ticks.length <= 2 * count + 3, `${ticks.length} ticks for ${count}`);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('puts_every_value_in_exactly_one_bin_closed_on_the_right', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5000), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 300 }), (values, bins, binWidth) => {
        const top = bins * binWidth;
        const { counts, width } = binCounts(values, top, bins);
        assert.equal(width, binWidth);
        assert.equal(counts.reduce((a, b) => a + b, 0), values.length);
        counts.forEach((count, i) => {
          // Bin i is (i·w, (i+1)·w]; the first also takes 0, the last everything above the top.
          const inBin = values.filter((v) => (i === 0 ? v >= 0 : v > i * width) && (i === bins - 1 || v <= (i + 1) * width));
          assert.equal(count, inBin.length, `bin ${i}`);
        });
      }),
      { seed: SEED, numRuns: 200 },
    );
    // A value exactly on a bin edge (a deadline, say) belongs to the bin that ends there.
    assert.deepEqual(binCounts([0, 10, 20], 40, 4).counts, [2, 1, 0, 0]);
  });

  it('draws_the_level_over_time_as_a_step_line_with_named_levels_axes_and_a_lane_per_trigger', () => {
    const svg = levelPlot({
      hours: 72,
      title: 'Isolation level over time',
      levels: [
        { t: 0, level: 'standard' },
        { t: 10, level: 'offline' },
        { t: 30, level: 'severed' },
      ],
      lanes: [
        { trigger: 'heartbeat-loss', marks: [{ t: 10, kind: 'raised' }, { t: 10.0001, kind: 'raised' }, { t: 50, kind: 'quiet' }, { t: 60, kind: 'late' }] },
        { trigger: 'mce', marks: [] },
      ],
    });
    assert.match(svg, /^<svg [^>]*class="plot level-plot"[^>]*role="img" aria-label="Isolation level over time"/);
    for (const [i, level] of LEVELS.entries()) assert.match(svg, new RegExp(`>${i} ${level}</text>`));
    assert.match(svg, /class="axis x-axis"/);
    assert.match(svg, /class="axis y-axis"/);
    assert.match(svg, />virtual time \(hours\)</);
    assert.match(svg, />72<\/text>/);
    // The line: starts at standard, steps up at 10 h to offline, down at 30 h to severed, runs to the end.
    const d = /class="level-line" d="([^"]+)"/.exec(svg)![1]!;
    const cmds = pathCommands(d);
    assert.deepEqual(cmds.map((c) => c[0]), ['M', 'H', 'V', 'H', 'V', 'H']);
    const [x0, yStandard] = cmds[0]![1] as [number, number];
    const yOffline = cmds[2]![1][0]!;
    const ySevered = cmds[4]![1][0]!;
    assert.ok(yOffline < ySevered && ySevered < yStandard, 'higher levels are drawn higher');
    const x10 = cmds[1]![1][0]!;
    const x30 = cmds[3]![1][0]!;
    const xEnd = cmds[5]![1][0]!;
    assert.ok(Math.abs((x10 - x0) / (xEnd - x0) - 10 / 72) < 0.01 && Math.abs((x30 - x0) / (xEnd - x0) - 30 / 72) < 0.01, 'times are to scale');
    // Lanes: the true count in the label; two markers less than a pixel apart are drawn once.
    assert.match(svg, /data-trigger="heartbeat-loss" data-count="4"><text[^>]*>heartbeat-loss \(4\)</);
    const marks = (kind: string) => pathCommands(new RegExp(`data-trigger="heartbeat-loss"[^]*?<path class="mark ${kind}" d="([^"]+)"`).exec(svg)![1]!).filter((c) => c[0] === 'M');
    assert.equal(marks('raised').length, 1, 'two marks less than a pixel apart are drawn once');
    assert.equal(marks('quiet').length, 1);
    assert.equal(marks('late').length, 1);
    assert.match(svg, /class="mark late" d="[^"]+" stroke="#b42318"/);
    assert.match(svg, /data-trigger="mce" data-count="0"><text[^>]*>mce \(0\)<\/text><\/g>/);
  });

  it('draws_a_histogram_whose_bars_count_the_values_and_whose_range_always_shows_the_deadline', () => {
    const values = [100, 120, 130, 900, 905];
    const svg = histogram({ values, deadline: 3000, title: 'heartbeat-loss → offline', xTitle: 'time to isolation (ms)', bins: 10 });
    const bars = [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>([^<]+)<\/title>/g)];
    const counted = bars.map((b) => Number(/: (\d+)$/.exec(b[5]!)![1]));
    assert.equal(counted.reduce((a, b) => a + b, 0), values.length);
    assert.match(svg, /class="deadline" x1="([\d.]+)"/);
    const deadlineX = Number(/class="deadline" x1="([\d.]+)"/.exec(svg)![1]);
    assert.ok(bars.every((b) => Number(b[1]) + Number(b[3]) < deadlineX), 'all bars sit left of the deadline');
    assert.match(svg, />deadline 3,000</);
    assert.match(svg, />time to isolation \(ms\)</);
    assert.match(svg, />runs</);
    // Taller bar for the bin holding three values than for the one holding two.
    const heights = bars.map((b) => Number(b[4]));
    assert.ok(Math.max(...heights) === heights[0] && heights[0]! > heights[1]!);
    const empty = histogram({ values: [], deadline: 500, title: 'mce', xTitle: 'ms' });
    assert.match(empty, />no occurrence in this run</);
    assert.doesNotMatch(empty, /class="bar"/);
  });
});
