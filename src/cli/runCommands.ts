/** Placeholder until the owning issue lands its subcommands here. */
import type { Command } from 'commander';

export function registerRunCommands(_program: Command): void {}
