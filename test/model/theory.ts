// Closed forms of queueing theory (the project's reference notes), in units of the mean service time (μ = 1).

/** Erlang B blocking for c servers offered a Erlangs. */
export function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability of waiting in M/M/c. */
export function erlangC(c: number, a: number): number {
  const b = erlangB(c, a), rho = a / c;
  return b / (1 - rho + rho * b);
}

/** Mean response time of M/M/c with arrival rate λ (μ = 1). */
export function mmcResponse(c: number, lambda: number): number {
  return erlangC(c, lambda) / (c - lambda) + 1;
}

/** M/M/1/K blocking probability (K in system). */
export function mm1kBlocking(rho: number, k: number): number {
  return ((1 - rho) * rho ** k) / (1 - rho ** (k + 1));
}

/** E_n/M/1 (round robin over n exponential servers at per-server load ρ): mean response. */
export function roundRobinResponse(n: number, rho: number): number {
  let sigma = 0.5;
  for (let i = 0; i < 10_000; i++) sigma = ((n * rho) / (n * rho + 1 - sigma)) ** n;
  return 1 / (1 - sigma);
}

/** Supermarket model fixed point: mean time in system sampling d queues at load λ. */
export function supermarketResponse(d: number, lambda: number): number {
  let sum = 0;
  for (let i = 1; i < 200; i++) sum += lambda ** ((d ** i - d) / (d - 1));
  return sum;
}
