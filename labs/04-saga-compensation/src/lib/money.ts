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
  const scaled = amount * 100;
  const cents = Math.round(scaled);
  // Binary floating point cannot store 1299.99 exactly; anything within a
  // millionth of a cent is that decimal, anything further away had a third decimal.
  if (Math.abs(scaled - cents) > 1e-6) return undefined;
  return cents as Cents;
}

/** Cents back to the API's decimal amount: 30 -> 0.3. */
export function fromCents(cents: Cents): number {
  return cents / 100;
}

export function sumCents(amounts: readonly Cents[]): Cents {
  return amounts.reduce((total, amount) => total + amount, 0) as Cents;
}
