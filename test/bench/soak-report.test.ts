import { describe, expect, it } from 'vitest';
import { bytes, DEFAULT_TOLERANCE, memoryVerdict, PER_CACHED_WORKFLOW, rssFloor, tableGrowth, TABLE_GROWTH, unexplainedGrowth } from '../../bench/soak-report.js';

const MB = 2 ** 20;

describe('soak report', () => {
  it('reports each changed table per 1000 requests, largest growth first, with why it grows', () => {
    const start = { analytics_events: { rows: 10, bytes: 8192 }, sites: { rows: 3, bytes: 16_384 }, payments: { rows: 0, bytes: 8192 } };
    const end = { analytics_events: { rows: 2010, bytes: 1_008_192 }, sites: { rows: 3, bytes: 16_384 }, payments: { rows: 4, bytes: 16_384 }, bookings: { rows: 0, bytes: 0 } };
    expect(tableGrowth(start, end, 4000)).toEqual([
      { table: 'analytics_events', rows: 2000, bytes: 1_000_000, rowsPer1000: 500, bytesPer1000: 250_000, why: TABLE_GROWTH.analytics_events },
      { table: 'payments', rows: 4, bytes: 8192, rowsPer1000: 1, bytesPer1000: 2048, why: TABLE_GROWTH.payments },
    ]);
  });

  it('counts a table that appeared during the run from zero, and names growth nothing explains', () => {
    const growth = tableGrowth({}, { mystery_cache: { rows: 50, bytes: 40_960 }, payments: { rows: 2, bytes: 8192 } }, 1000);
    expect(growth.map((g) => [g.table, g.rows, g.why])).toEqual([['mystery_cache', 50, 'UNEXPLAINED'], ['payments', 2, TABLE_GROWTH.payments]]);
    expect(unexplainedGrowth(growth)).toEqual(['mystery_cache']);
    expect(tableGrowth({}, { payments: { rows: 2, bytes: 8192 } }, 0)[0]).toMatchObject({ rowsPer1000: 0, bytesPer1000: 0 });
  });

  it('holds memory past the plateau to a share of it plus an allowance', () => {
    const plateau = { rss: 400 * MB, heapUsed: 100 * MB };
    const heapLimit = 100 * MB * DEFAULT_TOLERANCE.heapShare + DEFAULT_TOLERANCE.heapBytes;
    expect(memoryVerdict(plateau, [{ rss: 400 * MB, heapUsed: 100 * MB + heapLimit }])).toMatchObject({ heapGrowth: heapLimit, heapLimit, ok: true });
    expect(memoryVerdict(plateau, [{ rss: 400 * MB, heapUsed: 100 * MB + heapLimit + 1 }]).ok).toBe(false);
    const rssLimit = 400 * MB * DEFAULT_TOLERANCE.rssShare + DEFAULT_TOLERANCE.rssBytes;
    expect(memoryVerdict(plateau, [{ rss: 400 * MB + rssLimit + 1, heapUsed: 90 * MB }])).toMatchObject({ rssLimit, ok: false });
    expect(memoryVerdict(plateau, [])).toMatchObject({ heapGrowth: 0, rssGrowth: 0, ok: true });
  });

  it('judges the heap at the end and the RSS at its floor over the last third, so a tooth passes and a rising floor does not', () => {
    const plateau = { rss: 400 * MB, heapUsed: 100 * MB };
    const rss = (...mbs: number[]) => mbs.map((m) => ({ rss: m * MB, heapUsed: 100 * MB }));
    expect(rssFloor(rss(450, 500, 470, 560))).toBe(470 * MB);
    expect(rssFloor(rss(450))).toBe(450 * MB);
    // A saw-tooth whose last reading lands on a tooth: judged by the floor it came back to.
    const sawTooth = memoryVerdict(plateau, rss(480, 540, 470, 500, 480, 530, 470, 560));
    expect(sawTooth).toMatchObject({ rssGrowth: 70 * MB, ok: true });
    // Steady growth raises the floor with the teeth: past the limit.
    const leak = memoryVerdict(plateau, rss(420, 440, 460, 480, 500, 520, 540, 560, 580));
    expect(leak).toMatchObject({ rssGrowth: 140 * MB, ok: false });
    // A heap that grows is judged at the end, whatever the RSS does.
    expect(memoryVerdict(plateau, [{ rss: 400 * MB, heapUsed: 100 * MB }, { rss: 400 * MB, heapUsed: 140 * MB }]).ok).toBe(false);
  });

  it('widens the worker limits by what the workflows cached since the plateau may cost, never narrows them', () => {
    const plateau = { rss: 400 * MB, heapUsed: 100 * MB };
    const grown = [{ rss: 400 * MB + 200 * MB, heapUsed: 100 * MB + 30 * MB }];
    expect(memoryVerdict(plateau, grown).ok).toBe(false);
    expect(memoryVerdict(plateau, grown, { cachedWorkflows: 600 })).toMatchObject({
      heapLimit: 100 * MB * DEFAULT_TOLERANCE.heapShare + DEFAULT_TOLERANCE.heapBytes + 600 * PER_CACHED_WORKFLOW.heapUsed,
      rssLimit: 400 * MB * DEFAULT_TOLERANCE.rssShare + DEFAULT_TOLERANCE.rssBytes + 600 * PER_CACHED_WORKFLOW.rss, ok: true,
    });
    expect(memoryVerdict(plateau, grown, { cachedWorkflows: -50, youngGeneration: -MB })).toEqual(memoryVerdict(plateau, grown));
  });

  it('widens the RSS limit by how far the young generations grew past the plateau, and only the RSS limit', () => {
    const plateau = { rss: 400 * MB, heapUsed: 100 * MB };
    const grown = [{ rss: 400 * MB + 200 * MB, heapUsed: 100 * MB }];
    expect(memoryVerdict(plateau, grown).ok).toBe(false);
    const base = memoryVerdict(plateau, grown);
    expect(memoryVerdict(plateau, grown, { youngGeneration: 96 * MB })).toEqual({ ...base, rssLimit: base.rssLimit + 96 * MB, ok: true });
    expect(memoryVerdict(plateau, [{ rss: 400 * MB + 250 * MB, heapUsed: 100 * MB }], { youngGeneration: 96 * MB }).ok).toBe(false);
  });

  it('writes sizes for people', () => {
    expect([bytes(512), bytes(2048), bytes(-4096), bytes(3.5 * MB)]).toEqual(['512 B', '2.0 kB', '-4.0 kB', '3.5 MB']);
  });
});
