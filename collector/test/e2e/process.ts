// Runs the built CLI (`beacon-collector start`) as a child process, the way users and `npm start` run it.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

export interface CollectorProcess {
  child: ChildProcess;
  ports: { grpc: number; http: number; api: number };
  /** Every stdout line the collector logged (pino JSON). */
  logs: string[];
  exited: Promise<number | null>;
}

export function spawnCollector(env: Record<string, string>, timeoutMs = 60_000): Promise<CollectorProcess> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: {
      ...process.env,
      BEACON_HOST: '127.0.0.1',
      BEACON_OTLP_GRPC_PORT: '0',
      BEACON_OTLP_HTTP_PORT: '0',
      BEACON_API_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector not ready after ${timeoutMs} ms:\n${logs.join('\n')}\n${stderr}`));
    }, timeoutMs);
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        logs.push(line);
        const entry = JSON.parse(line) as { msg?: string; ports?: CollectorProcess['ports'] };
        if (entry.ports && entry.msg?.startsWith('Beacon collector ready')) {
          clearTimeout(timer);
          resolve({ child, ports: entry.ports, logs, exited });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited with ${code} before ready:\n${logs.join('\n')}\n${stderr}`));
    });
  });
}
