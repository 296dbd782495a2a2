import * as argon2 from 'argon2';

/**
 * The ceiling for logins: raw argon2id verifications per second with the service's parameters and the same
 * concurrency, in a plain Node process with nothing else in it. Prints JSON {perSecond, cpuMsPerVerify} (CPU of
 * every thread of the process, argon2's included).
 * Usage: node argon2-baseline.js <concurrency> <seconds> <memoryKiB> <timeCost> <parallelism>
 */
async function main(): Promise<void> {
  const [concurrency, seconds, memoryCost, timeCost, parallelism] = process.argv
    .slice(2)
    .map(Number);
  const hash = await argon2.hash('benchmark administrator passphrase', {
    type: argon2.argon2id,
    memoryCost,
    timeCost,
    parallelism,
  });
  let done = 0;
  const cpuBefore = process.cpuUsage();
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await argon2.verify(hash, 'benchmark administrator passphrase');
        done++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      perSecond: done / ((Date.now() - started) / 1000),
      cpuMsPerVerify: (cpu.user + cpu.system) / 1000 / done,
    }),
  );
}

void main();
