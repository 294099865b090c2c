/**
 * The base of every pulumi-pam error, and the brand machinery behind `X.isInstance(e)`.
 *
 * Every class carries its own `Symbol.for` brand, so that `X.isInstance(e)` works across copies of this
 * module where `instanceof` fails; no check needs `e.name`.
 */

const BRAND = Symbol.for("pulumi-pam.error");

/** The brand of the error class named `className`: `Symbol.for` makes the same one in every copy of this module. */
export function errorBrand(className: string): symbol {
  return Symbol.for(`pulumi-pam.error:${className}`);
}

/**
 * The brand of one error class: its own `static brand`, or (for a subclass that declares none) one made
 * from the class name.
 */
function brandOf(ctor: object): symbol {
  if (Object.prototype.hasOwnProperty.call(ctor, "brand")) return (ctor as { brand: symbol }).brand;
  return errorBrand((ctor as { name: string }).name);
}

/** Base of every error thrown by pulumi-pam. */
export abstract class PamError extends Error {
  /** Marks every pulumi-pam error; each subclass declares its own (`pulumi-pam.error:<Class>`). */
  static readonly brand: symbol = BRAND;
  /** Stable, machine-readable code, e.g. `HTTP_NOT_FOUND`, `TLS_VERIFY_FAILED`, `SPS_LOCK_HELD`. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // One brand per class from the thrown one up to PamError, so `X.isInstance` holds for X and its subclasses.
    for (let c: object | null = new.target; c !== null && c !== Error; c = Object.getPrototypeOf(c) as object | null) {
      Object.defineProperty(this, brandOf(c), { value: true, enumerable: false });
      if (c === PamError) break;
    }
  }

  /**
   * True when `e` is an instance of this class (or a subclass), also one created by another copy of this
   * module (a serialized Pulumi stub and the installed package each load their own copy, and `instanceof`
   * fails between them). `PamError.isInstance(e)`: any pulumi-pam error; `ConnectionError.isInstance(e)`: that kind.
   */
  static isInstance<T extends PamError>(this: abstract new (...args: never[]) => T, e: unknown): e is T {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[brandOf(this)] === true;
  }
}
