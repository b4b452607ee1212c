/**
 * Workspace trust gate: in Restricted Mode no trainer starts (an experiment file chooses data paths and the run
 * spawns a Node process), no process is stopped or signalled and no run deleted on the word of the workspace's
 * files; viewing runs, dashboards, diagnostics and exporting keep working.
 */
import * as vscode from 'vscode';
import { UserError } from './errors';

/** Throws a UserError explaining why runs need trust, with a button to manage it, when the workspace is untrusted. */
export function requireTrust(action: string): void {
  if (vscode.workspace.isTrusted) return;
  throw new UserError(
    `SNN Lab cannot ${action} in Restricted Mode: a run starts a Node process that reads the data paths named in ` +
      'the experiment file. Trust this workspace to run experiments; past runs and dashboards stay viewable.',
    [{ title: 'Manage Workspace Trust', command: 'workbench.trust.manage' }],
    'warning',
  );
}
