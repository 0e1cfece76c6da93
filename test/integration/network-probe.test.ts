// Nothing of a running local stack answers with data beyond loopback. The test makes its own
// network namespace joined to this one by a veth pair with link-local addresses it assigns itself
// (never the machine's own non-loopback address), and from inside probes every port the stack's
// processes listen on: the loopback-bound ones refuse the connection; DynamoDB Local, which cannot
// be told where to listen, answers a caller without this install's key id with an empty database.
//
// It needs root (ip netns). Not root: the test is reported as skipped and a one-line warning says
// why; root without the `ip` command or namespace rights fails rather than skipping.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { designatedHospitals } from '../../local/provision.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('network-namespace probe: not run, it needs root for ip netns (run the suite as root, as CI does)');

const suffix = randomBytes(3).toString('hex');
const namespace = `tuodi-probe-${suffix}`;
const [hostEnd, probeEnd] = [`tdp${suffix}a`, `tdp${suffix}b`];
// 169.254.0.0/16 is link-local; 169.254.169.x is left alone (cloud metadata lives there).
const subnet = 100 + (randomBytes(1)[0]! % 60);
const hostAddress = `169.254.${subnet}.1`;
const probeAddress = `169.254.${subnet}.2`;

let stack: LocalStack | undefined;
let dataDir: string;
let namespaceMade = false;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Every process id under this one (the DynamoDB Local JVM and its watchdog). */
function descendants(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [...children, ...children.flatMap(descendants)];
}

/** `ss -ltnp` lines of this process and its descendants. */
function listeningLines(): string[] {
  const pids = new Set([process.pid, ...descendants(process.pid)]);
  return execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => [...line.matchAll(/pid=(\d+),/g)].some((m) => pids.has(Number(m[1]))));
}

function probe(port: number, extra: string[] = []): { connected: boolean; body: string } {
  const result = spawnSync(
    'ip',
    ['netns', 'exec', namespace, 'curl', '-s', '-m', '5', '-o', '-', '-w', '\n%{http_code}', ...extra, `http://${hostAddress}:${port}/`],
    { encoding: 'utf8' },
  );
  // curl exit 7: could not connect (refused: nothing listens on that address).
  return { connected: result.status !== 7 && result.status !== 28, body: result.stdout ?? '' };
}

const dynamodb = (target: string, body: object, accessKeyId: string) => [
  '-X',
  'POST',
  '-H',
  `X-Amz-Target: DynamoDB_20120810.${target}`,
  '-H',
  'Content-Type: application/x-amz-json-1.0',
  '-H',
  `Authorization: AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261129/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
  '--data',
  JSON.stringify(body),
];

describe.runIf(isRoot)('the local stack seen from another network namespace', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tuodi-probe-'));
    stack = await startLocalStack({ dataDir });
    ip('netns', 'add', namespace);
    namespaceMade = true;
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', probeEnd);
    ip('link', 'set', probeEnd, 'netns', namespace);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${probeAddress}/30`, 'dev', probeEnd);
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', probeEnd, 'up');
  });
  afterAll(async () => {
    // Deleting the namespace deletes the veth pair with it.
    if (namespaceMade) spawnSync('ip', ['netns', 'del', namespace]);
    spawnSync('ip', ['link', 'del', hostEnd]);
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets no data from any port', () => {
    const lines = listeningLines();
    console.log(`ss -ltnp of the stack:\n${lines.join('\n')}`);
    const ports = [...new Set(lines.map((line) => Number(/:(\d+)\s/.exec(line)?.[1])))].filter(Boolean);
    // The HTTP API, SQS, S3 and DynamoDB Local at least.
    expect(ports.length).toBeGreaterThanOrEqual(4);

    const hospitalIds = designatedHospitals().map((h) => h.hospitalId);
    const leaks = (body: string) => body.includes('tuodi-') || hospitalIds.some((id) => body.includes(id));
    let reachedFromNamespace = false;
    for (const port of ports) {
      const line = lines.find((l) => l.includes(`:${port} `))!;
      const loopbackOnly = /\s127\.0\.0\.1:\d+\s/.test(line);
      const plain = probe(port);
      if (loopbackOnly) {
        expect({ port, connected: plain.connected }).toEqual({ port, connected: false });
        continue;
      }
      // Listening beyond loopback: only DynamoDB Local may, and it must show a stranger nothing.
      expect(line).toContain('java');
      // The namespace does reach this side: the refusals above would prove nothing otherwise.
      expect({ port, connected: plain.connected }).toEqual({ port, connected: true });
      reachedFromNamespace = true;
      const answers = [
        plain,
        probe(port, dynamodb('ListTables', {}, 'local')),
        probe(port, dynamodb('ListTables', {}, `AKIAPROBE${suffix.toUpperCase()}`)),
        probe(port, dynamodb('Scan', { TableName: 'tuodi-hospitals' }, 'local')),
        probe(port, dynamodb('Scan', { TableName: 'tuodi-hospitals' }, `AKIAPROBE${suffix.toUpperCase()}`)),
      ];
      for (const answer of answers) expect({ port, leaks: leaks(answer.body), body: answer.body.slice(0, 300) }).toMatchObject({ port, leaks: false });
      // The ListTables answers are empty lists: the tables live under another key id.
      expect(answers[1]!.body).toContain('"TableNames":[]');
      expect(answers[2]!.body).toContain('"TableNames":[]');
    }

    expect(reachedFromNamespace).toBe(true);
    // On loopback, with this install's key, the same tables are there: the probe's key is what differs.
    const own = spawnSync('curl', ['-s', ...dynamodb('ListTables', {}, stack!.env.AWS_ACCESS_KEY_ID!), stack!.env.AWS_ENDPOINT_URL_DYNAMODB!], {
      encoding: 'utf8',
    });
    expect(own.stdout).toContain('tuodi-hospitals');
  });
});
