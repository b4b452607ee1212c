/** Placeholder until the owning issue lands its subcommands here. */
import type { Command } from 'commander';

export function registerTheoryCommands(_program: Command): void {}
