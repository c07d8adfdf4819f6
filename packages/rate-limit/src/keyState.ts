/**
 * The state of one key, one shape for every algorithm (so the store's Map holds
 * one hidden class). Each algorithm documents what `a`, `b` and `c` mean for it.
 */
export class KeyState {
  a: number;
  b: number;
  c: number;

  constructor(a: number, b: number, c: number) {
    this.a = a;
    this.b = b;
    this.c = c;
  }
}
