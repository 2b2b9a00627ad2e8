#!/usr/bin/env node
// The lbsim command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
// A closed pipe (`lbsim list | head`) ends output quietly; any other write error (a full disk,
// ENOSPC) is one line on stderr and exit 1.
import { setFlagsFromString } from 'node:v8';
import { statSync } from 'node:fs';

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  try {
    process.stderr.write(`lbsim: cannot write output: ${e.code ? `${e.code} ` : ''}(${String(e.message).replace(/^[A-Z]+: /, '').replace(/, write$/, '')})\n`);
  } finally {
    process.exit(1);
  }
});
// V8 inlines callees into an optimized function only up to a cumulative bytecode budget (920
// bytes by default in Node 20); the simulator's event loop and its short path exceed it, so
// their hot callees stay calls. The command raises it for its own process (flags are read when
// code is optimized, so before dist/ is loaded is early enough): jsq16 takes ~12% fewer
// instructions per request (README, "The core"). A budget given to node (`node
// --max-inlined-bytecode-size-cumulative=N`, NODE_OPTIONS) is kept. The library imported
// elsewhere runs with its host's flags.
const BUDGET = '--max-inlined-bytecode-size-cumulative';
if (![...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith(BUDGET))) setFlagsFromString(`${BUDGET}=3000`);
// A scenario of 10,000 servers or more runs again with huge pages (src/cli/huge-pages.ts), unless
// its file is not a regular one (a pipe, /dev/stdin: read here, it runs here).
const regularOrPreset = (source) => {
  try {
    return statSync(source, { throwIfNoEntry: false })?.isFile() ?? true; // no such file: a preset's name
  } catch {
    return false;
  }
};
Promise.all([import('../dist/cli/main.js'), import('../dist/cli/huge-pages.js')]).then(
  ([cli, pages]) => {
    const largePool = (servers, source) =>
      pages.wantsHugePages(servers, pages.hostFacts, !regularOrPreset(source))
        ? pages.relaunchWithHugePages(process.env.GLIBC_TUNABLES)
        : null;
    return cli.main(process.argv.slice(2), undefined, { largePool }).then((code) => { process.exitCode = code; });
  },
  (error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('lbsim: dist/ is missing; run `npm install` (or `npm run build`) in the package first.');
      process.exitCode = 1;
    } else throw error;
  },
);
