/**
 * Student's t quantile to double precision: the t with P(T > t) = q for `df` degrees of freedom, by
 * Newton's method on the upper tail from t = 0 (bracketed, bisecting when a step leaves the
 * bracket). The tail is ½·I_x(df/2, ½), x = df / (df + t²), the regularised incomplete beta function
 * by its continued fraction (Numerical Recipes §6.4) in double-double, times a prefactor kept free
 * of cancellation (log1p for x^(df/2); ln Γ(a + ½) − ln Γ(a) − ½ ln a by its asymptotic series).
 * Checked against 40-digit values (mpmath) for df 0.5 … 10⁶ and q 10⁻¹⁵ … 0.49: within 2 ulp at
 * q = 0.025, within 30 ulp everywhere (the far tails of df < 2, where exp(−a·ln(1 + t²/df)) has a
 * large argument).
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const HUGE = 2 ** 200;

/** ln Γ(a + ½) − ln Γ(a) − ½ ln a, for a > 0. */
function lnGammaRatioRest(a: number): number {
  let shift = 0;
  while (a < 10) {
    // Γ(a + 1 + ½) / Γ(a + 1) = Γ(a + ½) / Γ(a) · (a + ½) / a
    shift += 0.5 * Math.log1p(1 / a) - Math.log1p(0.5 / a);
    a += 1;
  }
  const r = 1 / (a * a);
  // Σ (2^(1−k) − 2)·B_k / (k(k − 1)·a^(k−1)), k = 2, 4, …, 16; the next term is below 4e-18 at a = 10.
  const series = (((((((929569 / 15728640 * r - 5461 / 425984) * r + 691 / 180224) * r - 31 / 18432) * r
    + 17 / 14336) * r - 1 / 640) * r + 1 / 192) * r - 1 / 8) / a;
  return series + shift;
}

// Double-double arithmetic (a value is hi + lo, |lo| ≤ ½ ulp(hi)): the fraction is evaluated in it
// because near x = 1 with a large its value is ill-conditioned in x (a relative error of 1e-16 in x
// moves it by 1e-11 at df = 10⁶), and x = 1 − y is exact in double-double.
let lo = 0;

/** hi + lo = a + b exactly; returns hi, sets `lo`. */
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  lo = (a - (s - bb)) + (b - bb);
  return s;
}

/** hi + lo = a·b exactly (Dekker's product); returns hi, sets `lo`. */
function twoProduct(a: number, b: number): number {
  const p = a * b;
  const ca = 134217729 * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = 134217729 * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  lo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

/** (ah + al)·(bh + bl); returns hi, sets `lo`. */
function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p = twoProduct(ah, bh);
  const e = lo + (ah * bl + al * bh);
  const s = p + e;
  lo = e - (s - p);
  return s;
}

/** (ah + al) + (bh + bl); returns hi, sets `lo`. */
function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  const s = twoSum(ah, bh);
  const e = lo + al + bl;
  const r = s + e;
  lo = e - (r - s);
  return r;
}

/** (ah + al) / (bh + bl); returns hi, sets `lo`. */
function ddDiv(ah: number, al: number, bh: number, bl: number): number {
  const q1 = ah / bh;
  const ph = ddMul(q1, 0, bh, bl);
  const rh = ddAdd(ah, al, -ph, -lo);
  const q2 = (rh + lo) / bh;
  const s = q1 + q2;
  lo = q2 - (s - q1);
  return s;
}

/**
 * The continued fraction of I_x(a, b) without its prefactor (Numerical Recipes §6.4:
 * 1/(1 + d₁/(1 + d₂/(1 + …)))), x = xh + xl, by the forward recurrence of its convergents A/B in
 * double-double, rescaled each step.
 */
function betaFraction(a: number, b: number, xh: number, xl: number): number {
  // Convergents n − 2 and n − 1, starting from A/B = 0/1 and 1/1.
  let a2h = 0, a2l = 0, b2h = 1, b2l = 0;
  let a1h = 1, a1l = 0, b1h = 1, b1l = 0;
  let previous = 1;
  for (let k = 1; k <= 20_000; k++) {
    const m = k >> 1;
    // d_k = α·x: α = −(a + m)(a + b + m) / ((a + 2m)(a + 2m + 1)) for odd k, m(b − m) / ((a + 2m − 1)(a + 2m)) for even.
    const nh = k & 1 ? twoProduct(-(a + m), a + b + m) : twoProduct(m, b - m);
    const nl = lo;
    const dh = k & 1 ? twoProduct(a + 2 * m, a + 2 * m + 1) : twoProduct(a + 2 * m - 1, a + 2 * m);
    const alphaH = ddDiv(nh, nl, dh, lo);
    const dkh = ddMul(alphaH, lo, xh, xl);
    const dkl = lo;
    // A_n = A_{n−1} + d·A_{n−2}, B_n likewise.
    let th = ddMul(dkh, dkl, a2h, a2l);
    const anh = ddAdd(a1h, a1l, th, lo);
    const anl = lo;
    th = ddMul(dkh, dkl, b2h, b2l);
    const bnh = ddAdd(b1h, b1l, th, lo);
    const bnl = lo;
    // Rescaled by a power of 2 (exact) when they grow or shrink far.
    const scale = Math.abs(bnh) > HUGE ? 1 / HUGE : Math.abs(bnh) < 1 / HUGE ? HUGE : 1;
    a2h = a1h * scale; a2l = a1l * scale; b2h = b1h * scale; b2l = b1l * scale;
    a1h = anh * scale; a1l = anl * scale; b1h = bnh * scale; b1l = bnl * scale;
    // Checked after odd steps only: even steps (d_k of order m²/a²) may move it by less at first.
    if (k & 1) {
      const value = ddDiv(a1h, a1l, b1h, b1l);
      if (Math.abs(value - previous) <= 1e-17 * Math.abs(value) && k > 1) return value;
      previous = value;
    }
  }
  return previous;
}

/**
 * P(T > t) − q for t > 0, q ≤ ½. Where the tail is found as ½ minus the central part, ½ − q is taken
 * first (exact for q ≥ ¼), so small t keep their relative precision.
 */
function tailAbove(t: number, df: number, rest: number, q: number): number {
  const a = df / 2;
  const t2 = t * t;
  const y = t2 / (df + t2);
  const x = twoSum(1, -y); // x = 1 − y exactly, with `lo`
  const xl = lo;
  // x^a·(1 − x)^½ / (a·B(a, ½)) = exp(−a·ln(1 + t²/df) + rest)·t / √((df + t²)·a·π)
  const front = Math.exp(rest - a * Math.log1p(t2 / df)) * t / Math.sqrt((df + t2) * a * Math.PI);
  if (x < (a + 1) / (a + 2.5)) return 0.5 * front * betaFraction(a, 0.5, x, xl) - q;
  // I_x(a, ½) = 1 − I_y(½, a), whose fraction converges faster here (the tail is above 0.04).
  return (0.5 - q) - front * a * betaFraction(0.5, a, y, 0);
}

/** The density of T at t. */
function density(t: number, df: number, rest: number): number {
  return Math.exp(rest - (df / 2 + 0.5) * Math.log1p(t * t / df)) / SQRT_2PI;
}

/**
 * The t with P(T > t) = `q` for Student's t with `df` > 0 degrees of freedom (q = 0.025 gives
 * the 0.975 quantile, the half-width factor of a 95% interval). NaN outside 0 < q < 1 or df ≤ 0.
 */
export function tUpperQuantile(q: number, df: number): number {
  if (!(q > 0 && q < 1 && df > 0)) return NaN;
  if (q > 0.5) return -tUpperQuantile(1 - q, df);
  if (q === 0.5) return 0;
  const rest = lnGammaRatioRest(df / 2);
  // The tail is convex for t > 0, so Newton from the left stays left of the root and climbs to it;
  // the bracket catches steps that rounding pushes past it (then bisected).
  let below = 0;
  let above = Infinity;
  let t = 0;
  for (let i = 0; i < 500; i++) {
    const f = t === 0 ? 0.5 - q : tailAbove(t, df, rest, q);
    if (f === 0) return t;
    if (f > 0) below = t;
    else above = t;
    const step = f / density(t, df, rest);
    if (Math.abs(step) <= 4e-16 * t) return t + step;
    t += step;
    if (!(t > below && t < above)) t = above === Infinity ? 2 * below + 1 : below + (above - below) / 2;
    if (above - below <= 4e-16 * below) return t;
  }
  return t;
}
