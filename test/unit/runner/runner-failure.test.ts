/** Whatever a step throws becomes a failure at its stage, in the error's own words. */
import { describe, expect, it } from 'vitest';
import { PgToolFailure } from '../../../src/runner/pg-process.ts';
import { atStage, errorText, RunnerFailure } from '../../../src/runner/runner-failure.ts';

const rejection = async (promise: Promise<unknown>): Promise<RunnerFailure> =>
  await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as RunnerFailure,
  );

describe('atStage', () => {
  it('puts a failed connection at connect, other pg failures at the step’s stage', async () => {
    expect(await rejection(atStage('dump', () => Promise.reject(new PgToolFailure('cannot connect to the database: x', true))))).toMatchObject({
      stage: 'connect',
      message: 'cannot connect to the database: x',
    });
    expect(await rejection(atStage('restore', () => Promise.reject(new PgToolFailure('pg_restore: y', false)), 'into db: '))).toMatchObject({
      stage: 'restore',
      message: 'into db: pg_restore: y',
    });
  });

  it('keeps a failure that already has its stage', async () => {
    expect(await rejection(atStage('upload', () => Promise.reject(new RunnerFailure('checksum', 'mismatch'))))).toMatchObject({ stage: 'checksum' });
  });
});

describe('errorText', () => {
  it('names an S3 error by its code, a network error once', () => {
    expect(errorText(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }))).toBe(
      'NoSuchBucket: The specified bucket does not exist',
    );
    expect(errorText(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(errorText(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' })], ''))).toBe(
      'AggregateError: connect ECONNREFUSED ::1:1',
    );
    expect(errorText('plain')).toBe('plain');
  });
});
