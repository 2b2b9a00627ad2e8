/**
 * The balancers' public face. The built-in policies are registered by the registry itself
 * (see builtins.ts): importing this file has no side effect.
 */
export { registerBalancer, getBalancer, balancerNames, listBalancers } from './registry.js';
export type { BalancerInfo } from './registry.js';
export type { Balancer, BalancerContext, BalancerFactory, OpenServers } from './balancer.js';
export { BUILTIN_BALANCERS } from './builtins.js';
export { readOptions, type OptionRule, type OptionSpec } from './options.js';
