// Entry point of `runi`: dispatches a verb. Each verb lives in its own file.
export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`runi: not yet implemented (${argv.join(' ')})\n`);
  return 2;
}
