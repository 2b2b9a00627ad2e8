import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thrownScenarioError } from '../scenario-error.js';
import { loadScenarioFile, readScenarioJson, readTraceCsv } from '../../src/scenario/load.js';
import { PRESETS } from '../../src/scenario/presets.js';
import { parseScenario } from '../../src/scenario/scenario.js';

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lbsim-load-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function traceScenario(csvFile: string): Record<string, unknown> {
  return {
    name: 'trace',
    stop: { timeMs: 1000 },
    servers: [{ count: 2 }],
    arrivals: { process: 'trace', file: csvFile },
    service: { dist: 'constant', valueMs: 1 },
    balancer: { name: 'round-robin' },
  };
}

const thrown = thrownScenarioError;

describe('readScenarioJson', () => {
  it('a preset name reads as a copy of the preset scenario', () => {
    const json = readScenarioJson('default');
    expect(json).toEqual(PRESETS.default.scenario);
    expect(json).not.toBe(PRESETS.default.scenario);
    (json as { name: string }).name = 'changed';
    expect(PRESETS.default.scenario.name).toBe('default');
  });

  it('every preset loads and validates', () => {
    for (const name of Object.keys(PRESETS)) expect(loadScenarioFile(name).name).toBe(name);
  });

  it('a JSON file is read and parsed', () => {
    const file = write('ok.json', JSON.stringify(PRESETS.default.scenario));
    expect(readScenarioJson(file)).toEqual(PRESETS.default.scenario);
    expect(loadScenarioFile(file).servers[0].count).toBe(10);
  });

  it('a missing file is a ScenarioError naming the file', () => {
    const file = join(dir, 'no-such-scenario.json');
    const e = thrown(() => readScenarioJson(file));
    expect(e.path).toBe(file);
    expect(e.message).toContain(file);
    expect(e.message).toContain('no such file or preset');
    expect(e.message).toContain('default');
  });

  it('an unknown name without a dot or slash is treated as a missing file', () => {
    const e = thrown(() => readScenarioJson('no-such-preset'));
    expect(e.message).toContain('no-such-preset');
  });

  it('invalid JSON is a ScenarioError naming the file', () => {
    const file = write('bad.json', '{"name": "x",');
    const e = thrown(() => readScenarioJson(file));
    expect(e.message).toContain(file);
    expect(e.message).toContain('invalid JSON');
  });
});

describe('trace CSV files', () => {
  it('a trace scenario reads its CSV (timeMs, costMs, key) relative to the scenario file', () => {
    write('trace.csv', 'timeMs,costMs,key\n0,1.5,3\n2,2,4\r\n\n5,0.5,7\n');
    const file = write('trace.json', JSON.stringify(traceScenario('trace.csv')));
    const json = readScenarioJson(file) as { arrivals: Record<string, unknown> };
    expect(json.arrivals).toEqual({ process: 'trace', timesMs: [0, 2, 5], costsMs: [1.5, 2, 0.5], keys: [3, 4, 7] });
    const s = loadScenarioFile(file);
    expect(s.arrivals).toEqual({ process: 'trace', timesMs: [0, 2, 5], costsMs: [1.5, 2, 0.5], keys: [3, 4, 7] });
  });

  it('the CSV columns may come in any order and costMs and key are optional', () => {
    const file = write('times-only.csv', 'key,timeMs\n1,10\n2,20\n');
    expect(readTraceCsv(file)).toEqual({ timesMs: [10, 20], keys: [1, 2] });
  });

  it('a CSV without a timeMs column is rejected, without quoting its header', () => {
    write('no-time.csv', 'time,costMs\n0,1\n');
    const file = write('no-time.json', JSON.stringify(traceScenario('no-time.csv')));
    const e = thrown(() => readScenarioJson(file));
    expect(e.path).toBe('arrivals.file');
    expect(e.message).toContain('timeMs column');
    expect(e.message).toContain('no-time.csv');
    expect(e.message).not.toContain('time,costMs');
  });

  it('a non-number cell is rejected naming its line and column, not its text', () => {
    write('bad-cell.csv', 'timeMs,costMs\n0,1\n1,abc\n');
    const file = write('bad-cell.json', JSON.stringify(traceScenario('bad-cell.csv')));
    const e = thrown(() => readScenarioJson(file));
    expect(e.path).toBe('arrivals.file line 3 column costMs');
    expect(e.message).toContain('a number >= 0 in plain decimal');
    expect(e.message).not.toContain('abc');
  });

  it('an empty cell is rejected too', () => {
    const file = write('empty-cell.csv', 'timeMs,key\n0,\n');
    const e = thrown(() => readTraceCsv(file));
    expect(e.message).toContain('line 2 column key');
  });

  it('a missing CSV file is rejected naming the file', () => {
    const file = write('missing-csv.json', JSON.stringify(traceScenario('nowhere.csv')));
    const e = thrown(() => readScenarioJson(file));
    expect(e.path).toBe('arrivals.file');
    expect(e.message).toContain('nowhere.csv');
  });

  it('trace times out of order are named by the line of the CSV file', () => {
    write('decreasing.csv', 'timeMs\n5\n3\n');
    const file = write('decreasing.json', JSON.stringify(traceScenario('decreasing.csv')));
    const e = thrown(() => loadScenarioFile(file));
    expect(e.path).toBe('arrivals.file line 3 column timeMs');
    expect(e.message).toContain('decreasing.csv');
    expect(e.message).toContain('arrivals in time order');
    expect(e.message).not.toContain('(5)');
  });

  it('negative costs and fractional keys are named by their line too', () => {
    expect(thrown(() => readTraceCsv(write('negative.csv', 'timeMs,costMs\n1,2\n2,-1\n'))).path).toBe('arrivals.file line 3 column costMs');
    expect(thrown(() => readTraceCsv(write('fraction.csv', 'timeMs,key\n1,2.5\n'))).path).toBe('arrivals.file line 2 column key');
  });
});

describe('empirical samples from a CSV column', () => {
  const scenario = (service: unknown, extra: Record<string, unknown> = {}) => ({
    name: 'empirical-file',
    stop: { requests: 100 },
    servers: [{ count: 2 }],
    arrivals: { process: 'poisson', ratePerSec: 10 },
    service,
    balancer: { name: 'random' },
    ...extra,
  });

  it('reads the named column, relative to the scenario file, also nested and in failures', () => {
    write('latencies.csv', 'host,ms\na,5\nb,10\n\nc,20\n');
    write('one-column.csv', 'ms\n100\n200\n');
    const file = write('empirical.json', JSON.stringify(scenario(
      { dist: 'bimodal', p: 0.5, a: { dist: 'empirical', file: 'latencies.csv', column: 'ms' }, b: { dist: 'constant', valueMs: 1 } },
      { failures: { timeBetween: { dist: 'empirical', file: 'one-column.csv' }, repair: { dist: 'constant', valueMs: 1 } } },
    )));
    const s = loadScenarioFile(file);
    expect(s.service).toEqual({ dist: 'bimodal', p: 0.5, a: { dist: 'empirical', samplesMs: [5, 10, 20] }, b: { dist: 'constant', valueMs: 1 } });
    expect(s.failures?.timeBetween).toEqual({ dist: 'empirical', samplesMs: [100, 200] });
  });

  it('names a missing column with how many there are (not their names), a bad cell by its line, and refuses samples and file together', () => {
    write('two.csv', 'host,ms\na,5\nb,-1\n');
    const e1 = thrown(() => loadScenarioFile(write('no-column.json', JSON.stringify(scenario({ dist: 'empirical', file: 'two.csv' })))));
    expect(e1.path).toBe('service.column');
    expect(e1.message).toContain('has 2 columns');
    expect(e1.message).not.toContain('host');
    const e2 = thrown(() => loadScenarioFile(write('bad-cell.json', JSON.stringify(scenario({ dist: 'empirical', file: 'two.csv', column: 'ms' })))));
    expect(e2.path).toBe('service.file line 3 column ms');
    const e3 = thrown(() => loadScenarioFile(write('both.json', JSON.stringify(scenario({ dist: 'empirical', file: 'two.csv', samplesMs: [1] })))));
    expect(e3.path).toBe('service.samplesMs');
    const e4 = thrown(() => loadScenarioFile(write('missing.json', JSON.stringify(scenario({ dist: 'empirical', file: 'nowhere.csv' })))));
    expect(e4.path).toBe('service.file');
  });

  it('parseScenario alone does not read files, and says so; a column needs a file', () => {
    const e1 = thrown(() => parseScenario(scenario({ dist: 'empirical', file: 'latencies.csv' })));
    expect(e1.path).toBe('service.file');
    expect(e1.message).toContain('loadScenarioFile()');
    const e2 = thrown(() => loadScenarioFile(write('inline.json', JSON.stringify(scenario({ dist: 'empirical', samplesMs: [1], column: 'ms' })))));
    expect(e2.path).toBe('service.column');
  });

  it('counts blank lines in CSV line numbers, and names an empty sample file', () => {
    expect(thrown(() => readTraceCsv(write('gaps.csv', 'timeMs\n1\n\n\n0\n'))).path).toBe('arrivals.file line 5 column timeMs');
    write('empty.csv', 'ms\n');
    const e = thrown(() => loadScenarioFile(write('empty.json', JSON.stringify(scenario({ dist: 'empirical', file: 'empty.csv' })))));
    expect(e.path).toBe('service.file');
    expect(e.message).toContain('at least one sample');
  });

  it('a "__proto__" key in a scenario file is an unknown field, not a prototype', () => {
    const text = JSON.stringify(scenario({ dist: 'constant', valueMs: 1 })).replace('{', '{"__proto__": {"seed": 7}, ');
    expect(thrown(() => loadScenarioFile(write('proto.json', text))).path).toBe('__proto__');
  });

  it('invalid JSON is located by line and column, also when Node gives no position', () => {
    const e = thrown(() => readScenarioJson(write('typo.json', '{\n  "seed": x,\n  "a": 1\n}\n')));
    expect(e.message).toContain('line 2 column 11');
  });
});

describe('hostile scenario and CSV files', () => {
  const base = (extra: Record<string, unknown> = {}) => ({
    name: 'hostile',
    stop: { requests: 50 },
    servers: [{ count: 2 }],
    arrivals: { process: 'poisson', ratePerSec: 10 },
    service: { dist: 'constant', valueMs: 1 },
    balancer: { name: 'random' },
    ...extra,
  });
  const scenarioFile = (name: string, json: unknown) => write(name, JSON.stringify(json));
  const trace = (csv: string, extra: Record<string, unknown> = {}) => base({ stop: undefined, arrivals: { process: 'trace', file: csv, ...extra } });

  it('a scenario nested 3,000 deep is refused with a line and column, not a stack overflow', () => {
    const file = write('deep.json', `{"name": "x",\n "description": ${'['.repeat(3000)}${']'.repeat(3000)}}`);
    const e = thrown(() => loadScenarioFile(file));
    expect(e.path).toBe(file);
    expect(e.message).toContain('nesting deeper than 64 levels at line 2 column');
  });

  it('reads no device, directory or file over 64 MiB, naming the field and the file', () => {
    const e1 = thrown(() => loadScenarioFile(scenarioFile('zero.json', base({ service: { dist: 'empirical', file: '/dev/zero' } }))));
    expect(e1.path).toBe('service.file');
    expect(e1.message).toContain('"/dev/zero", a device');
    expect(thrown(() => loadScenarioFile(scenarioFile('dir.json', base({ service: { dist: 'empirical', file: '.' } })))).message).toContain('a directory');
    const big = write('big.csv', 'ms\n1\n');
    truncateSync(big, 64 * 1024 * 1024 + 1); // sparse: nothing is written
    const e2 = thrown(() => loadScenarioFile(scenarioFile('big.json', base({ arrivals: { process: 'trace', file: 'big.csv' }, stop: undefined }))));
    expect(e2.path).toBe('arrivals.file');
    expect(e2.message).toContain('larger than 64 MiB');
    expect(thrown(() => readScenarioJson('/dev/zero')).message).toContain('/dev/zero: got a device');
    expect(thrown(() => readScenarioJson(dir)).message).toContain('got a directory');
  });

  it('opens files only where a validated distribution or trace names one', () => {
    // Under description (free text), a distribution-like object is data, not a file to read.
    const described = loadScenarioFile(scenarioFile('described.json', base({ description: { dist: 'empirical', file: 'nowhere.csv' } })));
    expect(described.service).toEqual({ dist: 'constant', valueMs: 1 });
    // At a field that takes no distribution, it is an unknown field, not a read.
    const e1 = thrown(() => loadScenarioFile(scenarioFile('misplaced.json', base({ client: { dist: 'empirical', file: 'nowhere.csv' } }))));
    expect(e1.path).toBe('client.dist');
    // Fields validated before the distribution are reported first: the file is not opened.
    const e2 = thrown(() => loadScenarioFile(scenarioFile('invalid-first.json', base({ servers: [{ count: 0 }], service: { dist: 'empirical', file: 'nowhere.csv' } }))));
    expect(e2.path).toBe('servers[0].count');
  });

  it('accepts a UTF-8 byte order mark before a scenario and before a CSV header', () => {
    write('bom.csv', '\ufefftimeMs\n1\n2\n');
    const file = write('bom.json', '\ufeff' + JSON.stringify(trace('bom.csv')));
    expect(loadScenarioFile(file).arrivals).toEqual({ process: 'trace', timesMs: [1, 2] });
  });

  it('refuses trace times beyond 1e12 ms, inline and in a CSV, saying why', () => {
    write('far.csv', 'timeMs\n1\n1000000000000\n9007199254740992\n');
    const e1 = thrown(() => loadScenarioFile(scenarioFile('far.json', trace('far.csv'))));
    expect(e1.path).toBe('arrivals.file line 4 column timeMs');
    expect(e1.message).toContain('at most 1000000000000 (about 31 years');
    const e2 = thrown(() => parseScenario(base({ stop: undefined, arrivals: { process: 'trace', timesMs: [0, 1e12, 1e13] } })));
    expect(e2.path).toBe('arrivals.timesMs[2]');
    expect(e2.message).toContain('latencies would read 0');
  });

  it('refuses a trace with both a file and inline times', () => {
    write('t.csv', 'timeMs\n1\n');
    const e = thrown(() => loadScenarioFile(scenarioFile('both.json', trace('t.csv', { timesMs: [5] }))));
    expect(e.path).toBe('arrivals.timesMs');
    expect(e.message).toContain('not both');
  });

  it('takes CSV numbers in plain decimal only, naming the line and column of anything else', () => {
    for (const cell of ['0x10', '0b1', '+2000', '1e3', '-0', '.5', '5.', 'Infinity', '1_000', '١٢']) {
      const e = thrown(() => readTraceCsv(write('cell.csv', `timeMs,costMs\n0,1\n1,${cell}\n`)), cell);
      expect(e.path, cell).toBe('arrivals.file line 3 column costMs');
      expect(e.message).toContain('plain decimal');
    }
    expect(readTraceCsv(write('spaced.csv', 'timeMs , costMs\n 12 ,\t0.25\r\n')).costsMs).toEqual([0.25]);
    // Plain decimal, yet beyond float64: named at its line, not as an Infinity in costsMs.
    expect(thrown(() => readTraceCsv(write('huge.csv', `timeMs,costMs\n1,1${'0'.repeat(400)}\n`))).path).toBe('arrivals.file line 2 column costMs');
  });

  it('refuses extra or missing cells, duplicate or empty header names and unknown trace columns, by line and column', () => {
    expect(thrown(() => readTraceCsv(write('extra.csv', 'timeMs,key\n1,2\n2,3,4\n'))).path).toBe('arrivals.file line 3 column 3');
    expect(thrown(() => readTraceCsv(write('short.csv', 'timeMs,key\n1\n'))).path).toBe('arrivals.file line 2 column 2');
    expect(thrown(() => readTraceCsv(write('dup.csv', 'timeMs,key,timeMs\n1,2,3\n'))).path).toBe('arrivals.file line 1 column 3');
    expect(thrown(() => readTraceCsv(write('unnamed.csv', '\ntimeMs,\n1,\n'))).path).toBe('arrivals.file line 2 column 2');
    expect(thrown(() => readTraceCsv(write('unknown.csv', 'timeMs,latencyMs\n1,2\n'))).path).toBe('arrivals.file line 1 column 2');
  });

  it('blames a header-only or empty trace file on the file, not on timesMs', () => {
    write('header-only.csv', 'timeMs,costMs\n\n');
    const e1 = thrown(() => loadScenarioFile(scenarioFile('header-only.json', trace('header-only.csv'))));
    expect(e1.path).toBe('arrivals.file');
    expect(e1.message).toContain('no data rows');
    expect(e1.message).toContain('header-only.csv');
    write('empty-trace.csv', '');
    expect(thrown(() => loadScenarioFile(scenarioFile('empty-trace.json', trace('empty-trace.csv')))).message).toContain('an empty file');
  });

  it('bounds the samples read from files in all: one file named at many distributions is refused, not copied each time', () => {
    write('million.csv', 'ms\n' + '1\n'.repeat(1_000_000));
    const e = { dist: 'empirical', file: 'million.csv' };
    // 16 leaves of a bimodal tree, each 1,000,000 samples: 16 million in all.
    let tree: Record<string, unknown> = e;
    for (let level = 0; level < 4; level++) tree = { dist: 'bimodal', p: 0.5, a: tree, b: tree };
    const error = thrown(() => loadScenarioFile(scenarioFile('many-files.json', base({ service: tree }))));
    expect(error.path).toBe('service.b.a.b.a.file');
    expect(error.message).toContain('at most 10000000 samples from files in all');
    // A few distributions naming the same file are fine.
    const ok = loadScenarioFile(scenarioFile('two-files.json', base({ service: { dist: 'bimodal', p: 0.5, a: e, b: e } })));
    expect(ok.service).toMatchObject({ dist: 'bimodal', a: { dist: 'empirical' }, b: { dist: 'empirical' } });
  }, 60_000);

  it('never quotes a file named as a trace, a sample file or a scenario', () => {
    const secret = 'root:x:0:0:SECRET:/root:/bin/bash\nSECRET=hunter2\nPATH=/usr/bin\n';
    write('passwd', secret);
    write('environ', 'ms\nSECRET=hunter2\n');
    write('numbers-then-secret', 'SECRET\n1\n2\nSECRET\n');
    const cases = [
      scenarioFile('s1.json', trace('passwd')),
      scenarioFile('s2.json', base({ service: { dist: 'empirical', file: 'passwd' } })),
      scenarioFile('s3.json', base({ service: { dist: 'empirical', file: 'environ' } })),
      scenarioFile('s4.json', base({ service: { dist: 'empirical', file: 'numbers-then-secret' } })),
      scenarioFile('s5.json', base({ service: { dist: 'empirical', file: 'passwd', column: 'SECRET' } })),
      join(dir, 'passwd'),
      write('s6.json', '{"name": "SECRET" SECRET}'),
    ];
    for (const file of cases) {
      const e = thrown(() => loadScenarioFile(file), file);
      expect(e.message.replace(/"SECRET"/, ''), file).not.toContain('SECRET');
      expect(e.message).not.toContain('hunter2');
      expect(e.message).not.toContain('/bin/bash');
    }
  });
});
