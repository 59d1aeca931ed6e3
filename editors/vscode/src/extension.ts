// Finds a Python interpreter and starts `<python> -m uvicorn_lsp serve` on it; every check and
// fix lives in the Python server.
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";

// The settings section: the server reads its keys (select, ignore, ...) and ignores the extension's own.
const SECTION = "uvicorn-lsp";

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

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
// Starts and stops run one after the other, so quick restarts never leave two servers running.
let lifecycle: Promise<void> = Promise.resolve();

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("uvicorn-lsp", { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("uvicorn-lsp.restart", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.interpreter`)) {
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
  const interpreter = await findInterpreter();
  output.info(`Python interpreter: ${interpreter.command} (from ${interpreter.from})`);
  if (!(await serverIsInstalled(interpreter.command))) {
    return;
  }
  const serverOptions: ServerOptions = {
    command: interpreter.command,
    args: ["-m", "uvicorn_lsp", "serve"],
    transport: TransportKind.stdio,
    options: { cwd: workspaceFolder()?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
      // Command lines outside Python (Dockerfile, compose, Procfile...): by name, whatever their language.
      {
        scheme: "file",
        pattern:
          "**/{Dockerfile,Dockerfile.*,*.Dockerfile,Containerfile,compose*.{yml,yaml},docker-compose*.{yml,yaml},Procfile,Procfile.*,Makefile,GNUmakefile,*.mk,*.sh,*.bash,*.service,*.conf,pyproject.toml}",
      },
      { scheme: "file", pattern: "**/.github/workflows/*.{yml,yaml}" },
      { scheme: "file", pattern: "**/.vscode/launch.json" },
    ],
    outputChannel: output,
    initializationOptions: vscode.workspace.getConfiguration(undefined, workspaceFolder()?.uri).get(SECTION),
    // Sends workspace/didChangeConfiguration when the section changes; the server then asks for
    // it again with workspace/configuration, which the client answers from the same section.
    synchronize: { configurationSection: SECTION },
  };
  client = new LanguageClient(SECTION, "uvicorn-lsp", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    output.error(`The server did not start: ${error}`);
    void vscode.window.showErrorMessage(`uvicorn-lsp: the server did not start with ${interpreter.command}. See the output channel.`);
  }
}

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

async function findInterpreter(): Promise<Interpreter> {
  const configured = vscode.workspace.getConfiguration(SECTION, workspaceFolder()?.uri).get<string>("interpreter", "").trim();
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

// True when `python -c "import uvicorn_lsp"` works; otherwise tells the user how to fix it.
async function serverIsInstalled(python: string): Promise<boolean> {
  const failure = await new Promise<{ notFound: boolean; detail: string } | undefined>((resolve) =>
    execFile(python, ["-c", "import uvicorn_lsp"], { timeout: 60_000 }, (error, _stdout, stderr) =>
      resolve(error ? { notFound: error.code === "ENOENT", detail: stderr || error.message } : undefined),
    ),
  );
  if (!failure) {
    return true;
  }
  const quoted = /\s/.test(python) ? `"${python}"` : python;
  const install = `${quoted} -m pip install uvicorn-lsp`;
  const message = failure.notFound
    ? `uvicorn-lsp: the Python interpreter "${python}" was not found. Set "${SECTION}.interpreter" or select an interpreter in the Python extension.`
    : `uvicorn-lsp is not installed for ${python}. Install it with: ${install}`;
  output.error(`${message}\n${failure.detail}`);
  const copy = "Copy install command";
  const settings = "Open settings";
  // Not awaited: the notification stays until dismissed, activation does not wait for it.
  void vscode.window
    .showErrorMessage(message, ...(failure.notFound ? [settings] : [copy, settings]))
    .then((choice) => {
      if (choice === copy) {
        return vscode.env.clipboard.writeText(install);
      }
      if (choice === settings) {
        return vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.interpreter`);
      }
    });
  return false;
}
