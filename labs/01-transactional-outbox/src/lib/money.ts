import { NotImplementedError } from './not-implemented'; // lab starter only
/**
 * Money is carried in integer cents. Floating-point dollars drift
 * (0.1 + 0.2 = 0.30000000000000004); integers do not.
 */

/** Integer number of cents. The brand stops a plain number being passed by mistake. */
export type Cents = number & { readonly __brand: 'Cents' };

/**
 * Converts a decimal amount with at most two decimals to cents.
 * Returns `undefined` when the amount has more precision than a cent.
 *
 * @example toCents(1299.99) === 129999
 */
export function toCents(amount: number): Cents | undefined {
  // TODO lab 1, step 1: convert a decimal amount to whole cents.
  //   - Multiply by 100 and round to the nearest whole number of cents.
  //   - 1299.99 * 100 is 129998.99999999999 in binary floating point, so
  //     compare the scaled and the rounded value with a tolerance (a
  //     millionth of a cent). Further apart means the amount had a third
  //     decimal: return undefined, and validation answers 400.
  //   - Return the cents `as Cents` (a branded number, see the type above).
  throw new NotImplementedError('lab 1, step 1 — convert a decimal amount to whole cents');
  // END TODO lab 1, step 1
}

/** Cents back to the API's decimal amount: 30 -> 0.3. */
export function fromCents(cents: Cents): number {
  return cents / 100;
}

export function sumCents(amounts: readonly Cents[]): Cents {
  return amounts.reduce((total, amount) => total + amount, 0) as Cents;
}
