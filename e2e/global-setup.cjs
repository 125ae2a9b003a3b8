// Brings up the real local stack (idempotent) and exports its addresses; builds if dist is missing.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  const out = execFileSync('bash', [path.join(root, 'tools/stack/stack.sh'), 'up'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of out.split('\n')) {
    const match = /^(KAFKA_BROKERS|MONGO_URL)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1]] = match[2];
  }
  if (!existsSync(path.join(root, 'dist/apps/console/src/main.js'))) {
    execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  }
};
