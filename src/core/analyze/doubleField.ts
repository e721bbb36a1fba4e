/**
 * Initial values for the number fields of the streaming detectors that later hold
 * fractions (issue 20).
 *
 * V8 gives an object's field the representation of the first value stored in it. A
 * field that starts as the small integer 0 and later holds 0.5 must change
 * representation: the class's hidden class is replaced, and every optimised function
 * that has seen the old one is deoptimised ("wrong map") and compiled again. In the
 * live analysis this happened field by field, as each fraction first arrived, and kept
 * TurboFan busy in the tick.floorWithScrape row. These are 0 and 1 stored as doubles
 * (heap numbers, as a Float64Array's element reads) so the hidden class never changes.
 * They are the numbers 0 (positive zero) and 1: no result changes.
 */
export const DOUBLE_ZERO: number = new Float64Array([0])[0]!;
export const DOUBLE_ONE: number = new Float64Array([1])[0]!;
