import { checkCharacter } from '../shared/domain/id-number.ts';

/** Distinct valid resident ID numbers for benchmark person n (up to 1,000 per birth date). */
export function benchIdNumber(n: number): string {
  const day = new Date(Date.UTC(1940, 0, 1) + Math.floor(n / 1000) * 86_400_000);
  const birth = day.toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `321081${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

/**
 * Raw BatchWriteItem calls in flight when measuring the baseline: as many as the local stack's
 * pipeline can have (4 pollers per queue, each writing 8 batches at a time), so the comparison
 * does not flatter the pipeline.
 */
export const rawConcurrency = 4 * 8;
