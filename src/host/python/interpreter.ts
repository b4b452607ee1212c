/**
 * Which Python runs a script: snnLab.pythonPath when set, else the interpreter the Python extension (ms-python.python)
 * has selected for the file's workspace, else `python3` on the PATH.
 */
import * as vscode from 'vscode';

/** The part of the Python extension's API used here (environments.getActiveEnvironmentPath / resolveEnvironment). */
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
  resolveEnvironment(
    environment: { id: string; path: string } | string,
  ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
}

function environmentsApi(exports: unknown): PythonEnvironmentsApi | undefined {
  if (typeof exports !== 'object' || exports === null || !('environments' in exports)) return undefined;
  const environments = (exports as { environments: unknown }).environments;
  if (typeof environments !== 'object' || environments === null) return undefined;
  const api = environments as Partial<PythonEnvironmentsApi>;
  return typeof api.getActiveEnvironmentPath === 'function' && typeof api.resolveEnvironment === 'function'
    ? (api as PythonEnvironmentsApi)
    : undefined;
}

/** The interpreter ms-python.python selected for `resource`, or undefined (not installed, nothing selected, error). */
async function selectedInterpreter(resource: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = environmentsApi(extension.isActive ? extension.exports : await extension.activate());
    if (!api) return undefined;
    const resolved = await api.resolveEnvironment(api.getActiveEnvironmentPath(resource));
    return resolved?.executable.uri?.fsPath;
  } catch {
    return undefined;
  }
}

export async function pythonInterpreter(resource: vscode.Uri, configured: string): Promise<string> {
  if (configured !== '') return configured;
  return (await selectedInterpreter(resource)) ?? 'python3';
}
