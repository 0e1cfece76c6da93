// Issue 13, part 7: business metrics as CloudWatch EMF lines (Powertools metrics), names and
// dimensions from shared/observability/metrics.ts only.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { businessMetrics, countBusinessEvent, countRedrives, metricsNamespace } from '../../shared/observability/metrics.ts';

afterEach(() => vi.restoreAllMocks());

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [field: string]: unknown;
}

/** The EMF documents written to stdout while `act` runs. */
function emitted(act: () => void): Emf[] {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  act();
  vi.restoreAllMocks();
  return written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);
}

describe('business metrics', () => {
  it('writes one EMF document per event: the namespace, the metric as a count, its one dimension and the value', () => {
    const [document, ...more] = emitted(() => countBusinessEvent('PaymentsRecorded', 'PRICE_SUBSIDY', 500));
    expect(more).toEqual([]);
    const [directive] = document!._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(metricsNamespace);
    expect(directive!.Metrics).toEqual([{ Name: 'PaymentsRecorded', Unit: 'Count' }]);
    expect(directive!.Dimensions[0]).toContain('program');
    // The service dimension is the logger's service (not Powertools' service_undefined when unset).
    expect(document).toMatchObject({ PaymentsRecorded: 500, program: 'PRICE_SUBSIDY', service: process.env.POWERTOOLS_SERVICE_NAME ?? 'tuodi' });
  });

  it('writes nothing for zero events (a redelivered chunk, a sweep that found nothing)', () => {
    expect(emitted(() => countBusinessEvent('NoticesDecided', 'GUARANTEED', 0))).toEqual([]);
  });

  it("counts a sweep's re-drives by kind of work and gives its result back", () => {
    const result = { imports: 1, chunks: 3, bankFiles: 0 };
    let returned: unknown;
    const documents = emitted(() => (returned = countRedrives(result)));
    expect(returned).toBe(result);
    expect(documents.map((d) => [d.work, d.SweepRedrives])).toEqual([
      ['imports', 1],
      ['chunks', 3],
    ]);
  });

  it('declares each metric with one dimension', () => {
    expect(Object.keys(businessMetrics).sort()).toEqual(['ImportLinesRejected', 'NoticesDecided', 'PaymentsRecorded', 'SweepRedrives']);
  });
});
