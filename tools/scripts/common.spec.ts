import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs common.sh's load_env_file on `contents` and prints what the named variables became. */
function loaded(contents: string, names: string[], env: Record<string, string> = {}): Record<string, string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'alertlark-env-')), 'dev.env');
  writeFileSync(file, contents);
  const script = `source "${path.join(__dirname, 'common.sh')}" && load_env_file "$1" && node -e 'console.log(JSON.stringify(Object.fromEntries(process.argv.slice(1).map((name) => [name, process.env[name]]))))' ${names.join(' ')}`;
  const { PATH, HOME } = process.env;
  return JSON.parse(execFileSync('bash', ['-c', script, 'load', file], { env: { PATH: PATH ?? '', HOME: HOME ?? '', ...env }, encoding: 'utf8' }).trim().split('\n').pop()!);
}

describe('load_env_file (start.sh reads .stack/dev.env with it)', () => {
  it("keeps a base64 key's padding and every `=` after the first", () => {
    const key = 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8=';
    expect(loaded(`ALERTLARK_SECRET_KEY=${key}\nOTHER=a=b==\n`, ['ALERTLARK_SECRET_KEY', 'OTHER'])).toEqual({ ALERTLARK_SECRET_KEY: key, OTHER: 'a=b==' });
  });

  it('leaves a variable the environment already sets, and reads a last line without a newline', () => {
    expect(loaded('ALERTLARK_ADMIN_TOKEN=from-file\nLAST=x', ['ALERTLARK_ADMIN_TOKEN', 'LAST'], { ALERTLARK_ADMIN_TOKEN: 'from-env' })).toEqual({ ALERTLARK_ADMIN_TOKEN: 'from-env', LAST: 'x' });
  });
});
