// The OptionsError a call throws, for the options tests.
import { expect } from 'vitest';
import { OptionsError } from '../../src/core/options-error.js';

/** The error `fn` throws, checked to be an OptionsError; fails when `fn` throws nothing. */
export function optionsError(fn: () => unknown): OptionsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error('expected an OptionsError, nothing was thrown');
}
