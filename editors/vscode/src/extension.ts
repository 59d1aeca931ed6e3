// Finds a Python interpreter and a uvicorn-lsp to run with it, and starts the server; every check
// and fix lives in the Python server.
//
// Which server runs (the order ruff-vscode uses for its executable):
//   1. `uvicorn-lsp.path`: that executable, as `<path> serve`;
//   2. `uvicorn-lsp.importStrategy` "useBundled" (default): `<interpreter> bundled/tool/server.py`,
//      the uvicorn-lsp packed in this extension;
//   3. "fromEnvironment": `<interpreter> -m uvicorn_lsp serve`, the one installed for the interpreter.
// `<interpreter>` is `uvicorn-lsp.interpreter`, else the Python extension's, else `python3` on PATH.
// The code is analysed against `uvicorn-lsp.python`, else that interpreter (unless it was only
// the PATH fallback: then the server looks for the workspace's .venv itself).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";

// The settings section: the server reads its keys (select, ignore, ...) and ignores the extension's own.
const SECTION = "uvicorn-lsp";
// requires-python in pyproject.toml; bundled/tool/server.py checks the same (tests/distribution compares).
const MINIMUM_PYTHON: readonly [number, number] = [3, 10];
// Settings that change which process runs: a change restarts the server.
const LAUNCH_SETTINGS = ["interpreter", "importStrategy", "path"];

// The part of the Python extension's API (ms-python.python) used here.
interface PythonExtensionApi {
  environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(environment: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

interface Interpreter {
  command: string;
  from: string;
}

interface Launch {
  command: string;
  args: string[];
  description: string;
}

// What an interpreter says about itself before a server is started with it.
interface Probe {
  version: [number, number, number];
  hasServer: boolean;
}

// Prints a Probe; runs on any Python 3 so that an old one gets a clear message, not a traceback.
const PROBE = [
  "import json, sys",
  `supported = sys.version_info[:2] >= (${MINIMUM_PYTHON.join(", ")})`,
  'has_server = supported and __import__("importlib.util").util.find_spec("uvicorn_lsp") is not None',
  'print(json.dumps({"version": list(sys.version_info[:3]), "hasServer": has_server}))',
].join("\n");

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let bundledServer: string;
// Starts and stops run one after the other, so quick restarts never leave two servers running.
let lifecycle: Promise<void> = Promise.resolve();

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("uvicorn-lsp", { log: true });
  bundledServer = context.asAbsolutePath("bundled/tool/server.py");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("uvicorn-lsp.restart", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (LAUNCH_SETTINGS.some((name) => event.affectsConfiguration(`${SECTION}.${name}`))) {
        void restart();
      }
    }),
  );
  const python = await pythonExtensionApi();
  if (python) {
    context.subscriptions.push(python.environments.onDidChangeActiveEnvironmentPath(() => void restart()));
  }
  await enqueue(start);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}

function restart(): Promise<void> {
  return enqueue(async () => {
    await stop();
    await start();
  });
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.dispose();
  }
}

async function start(): Promise<void> {
  const settings = vscode.workspace.getConfiguration(SECTION, workspaceFolder()?.uri);
  const interpreter = await findInterpreter(settings);
  output.info(`Python interpreter: ${interpreter.command} (from ${interpreter.from})`);
  const launch = await chooseServer(settings, interpreter);
  if (!launch) {
    return;
  }
  output.info(`Server: ${[launch.command, ...launch.args].join(" ")} (${launch.description})`);
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    transport: TransportKind.stdio,
    options: { cwd: workspaceFolder()?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
      // Jupyter notebooks' Python cells, synchronised as notebooks (LSP 3.17 notebook sync).
      { notebook: "jupyter-notebook", language: "python" },
      // Command lines outside Python (Dockerfile, compose, Procfile...): by name, whatever their language.
      // One level of braces only: VS Code's glob ends the group at the first `}`, so a nested
      // `{yml,yaml}` made the pattern match nothing (not even a Dockerfile).
      {
        scheme: "file",
        pattern:
          "**/{Dockerfile,Dockerfile.*,*.Dockerfile,Containerfile,compose*.yml,compose*.yaml,docker-compose*.yml,docker-compose*.yaml,Procfile,Procfile.*,Makefile,GNUmakefile,*.mk,*.sh,*.bash,*.service,*.conf,pyproject.toml,railway.json,railway.toml,render.yaml}",
      },
      { scheme: "file", pattern: "**/.github/workflows/*.{yml,yaml}" },
      { scheme: "file", pattern: "**/.vscode/launch.json" },
    ],
    outputChannel: output,
    initializationOptions: initializationOptions(interpreter),
    // Sends workspace/didChangeConfiguration when the section changes; the server then asks for
    // it again with workspace/configuration, which the client answers from the same section.
    synchronize: { configurationSection: SECTION },
  };
  client = new LanguageClient(SECTION, "uvicorn-lsp", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    output.error(`The server did not start: ${error}`);
    void vscode.window.showErrorMessage(`uvicorn-lsp: the server did not start with ${launch.command}. See the output channel.`);
  }
}

// The section as the server reads it; an empty `python` becomes the chosen interpreter, so the
// bundled server (or an executable from `path`) analyses the user's environment, not its own.
function initializationOptions(interpreter: Interpreter): Record<string, unknown> {
  const section = vscode.workspace.getConfiguration(undefined, workspaceFolder()?.uri).get<Record<string, unknown>>(SECTION);
  const options = { ...section };
  if (!options.python && interpreter.from !== "PATH") {
    options.python = interpreter.command;
  }
  return options;
}

async function chooseServer(settings: vscode.WorkspaceConfiguration, interpreter: Interpreter): Promise<Launch | undefined> {
  const path = settings.get<string>("path", "").trim();
  if (path) {
    if (!existsSync(path)) {
      return fail(`uvicorn-lsp: the executable "${path}" from the setting ${SECTION}.path does not exist.`, `${SECTION}.path`);
    }
    return { command: path, args: ["serve"], description: `setting ${SECTION}.path` };
  }
  const probe = await probeInterpreter(interpreter.command);
  if (!probe) {
    return undefined;
  }
  const [major, minor, micro] = probe.version;
  if (major < MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor < MINIMUM_PYTHON[1])) {
    return fail(
      `uvicorn-lsp needs Python ${MINIMUM_PYTHON.join(".")} or newer, but ${interpreter.command} (from ${interpreter.from}) ` +
        `is Python ${major}.${minor}.${micro}. Select a newer interpreter in the Python extension or set ${SECTION}.interpreter.`,
      `${SECTION}.interpreter`,
    );
  }
  if (settings.get<string>("importStrategy", "useBundled") === "fromEnvironment") {
    if (!probe.hasServer) {
      notInstalled(interpreter.command);
      return undefined;
    }
    return { command: interpreter.command, args: ["-m", "uvicorn_lsp", "serve"], description: "importStrategy fromEnvironment" };
  }
  if (!existsSync(bundledServer)) {
    return fail(
      `uvicorn-lsp: this extension was packaged without its bundled server (${bundledServer}); ` +
        `set ${SECTION}.importStrategy to "fromEnvironment" or reinstall it.`,
      `${SECTION}.importStrategy`,
    );
  }
  return { command: interpreter.command, args: [bundledServer], description: "importStrategy useBundled" };
}

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

async function findInterpreter(settings: vscode.WorkspaceConfiguration): Promise<Interpreter> {
  const configured = settings.get<string>("interpreter", "").trim();
  if (configured) {
    return { command: configured, from: `setting ${SECTION}.interpreter` };
  }
  const selected = await pythonExtensionInterpreter();
  if (selected) {
    return { command: selected, from: "the Python extension" };
  }
  return { command: "python3", from: "PATH" };
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch (error) {
    output.warn(`The Python extension did not activate: ${error}`);
    return undefined;
  }
}

async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const api = await pythonExtensionApi();
  if (!api) {
    return undefined;
  }
  try {
    const active = api.environments.getActiveEnvironmentPath(workspaceFolder()?.uri);
    const environment = await api.environments.resolveEnvironment(active);
    return environment?.executable.uri?.fsPath;
  } catch (error) {
    output.warn(`Could not read the interpreter selected in the Python extension: ${error}`);
    return undefined;
  }
}

// Runs PROBE with the interpreter (from the workspace folder, as the server will run); on failure
// tells the user why and returns undefined.
async function probeInterpreter(python: string): Promise<Probe | undefined> {
  const result = await new Promise<{ probe?: Probe; notFound?: boolean; detail?: string }>((resolve) =>
    execFile(python, ["-c", PROBE], { timeout: 60_000, cwd: workspaceFolder()?.uri.fsPath }, (error, stdout, stderr) => {
      if (error) {
        resolve({ notFound: error.code === "ENOENT", detail: stderr || error.message });
        return;
      }
      try {
        resolve({ probe: JSON.parse(stdout) as Probe });
      } catch {
        resolve({ detail: `unexpected output: ${stdout}\n${stderr}` });
      }
    }),
  );
  if (result.probe) {
    return result.probe;
  }
  const message = result.notFound
    ? `uvicorn-lsp: the Python interpreter "${python}" was not found. Set "${SECTION}.interpreter" or select an interpreter in the Python extension.`
    : `uvicorn-lsp: the Python interpreter "${python}" could not be run. See the output channel.`;
  output.error(`${message}\n${result.detail}`);
  return fail(message, `${SECTION}.interpreter`);
}

// Not awaited: the notification stays until dismissed, activation does not wait for it.
function fail(message: string, setting: string): undefined {
  output.error(message);
  const settings = "Open settings";
  void vscode.window.showErrorMessage(message, settings).then((choice) => {
    if (choice === settings) {
      return vscode.commands.executeCommand("workbench.action.openSettings", setting);
    }
  });
  return undefined;
}

function notInstalled(python: string): void {
  const quoted = /\s/.test(python) ? `"${python}"` : python;
  const install = `${quoted} -m pip install uvicorn-lsp`;
  const message =
    `uvicorn-lsp is not installed for ${python} (${SECTION}.importStrategy is "fromEnvironment"). ` +
    `Install it with: ${install}`;
  output.error(message);
  const copy = "Copy install command";
  const bundled = "Use the bundled server";
  void vscode.window.showErrorMessage(message, copy, bundled).then((choice) => {
    if (choice === copy) {
      return vscode.env.clipboard.writeText(install);
    }
    if (choice === bundled) {
      return useBundled();
    }
  });
}

// Sets importStrategy back to "useBundled" where "fromEnvironment" was set (the restart follows).
function useBundled(): Thenable<void> {
  const settings = vscode.workspace.getConfiguration(SECTION, workspaceFolder()?.uri);
  const inspected = settings.inspect<string>("importStrategy");
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  return settings.update("importStrategy", "useBundled", target);
}
