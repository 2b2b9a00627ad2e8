#!/usr/bin/env node
// The lbsim command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
// A closed pipe (`lbsim list | head`) ends output quietly; any other write error (a full disk,
// ENOSPC) is one line on stderr and exit 1.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  try {
    process.stderr.write(`lbsim: cannot write output: ${e.code ? `${e.code} ` : ''}(${String(e.message).replace(/^[A-Z]+: /, '').replace(/, write$/, '')})\n`);
  } finally {
    process.exit(1);
  }
});
import('../dist/cli/main.js').then(
  (cli) => cli.main(process.argv.slice(2)).then((code) => { process.exitCode = code; }),
  (error) => {
    if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('lbsim: dist/ is missing; run `npm install` (or `npm run build`) in the package first.');
      process.exitCode = 1;
    } else throw error;
  },
);
