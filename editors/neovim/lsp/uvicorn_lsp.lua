---@brief
---
--- https://github.com/uvicorn-lsp/uvicorn-lsp
---
--- Finds the mistakes people make when they start an ASGI app with uvicorn (for example an
--- app object passed to `uvicorn.run` with `reload=True`) and fixes them with code actions.
---
--- Install the server in the environment of your project or with pipx:
--- ```sh
--- pip install uvicorn-lsp
--- ```
---
--- Settings are read through `workspace/configuration`, section `uvicorn-lsp`
--- (keys: `select`, `extendSelect`, `ignore`, `severity`, `python`):
--- ```lua
--- vim.lsp.config('uvicorn_lsp', {
---   settings = {
---     ['uvicorn-lsp'] = { ignore = { 'UVI002' }, severity = { UVI001 = 'warning' } },
---   },
--- })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'uvicorn-lsp', 'serve' },
  -- Python, and the files that start servers with a command line (Dockerfile, compose, Procfile,
  -- Makefile, scripts, workflows, launch.json, systemd, supervisord, pyproject.toml); the server
  -- picks the source by file name and says nothing about other files of these types.
  filetypes = {
    'python',
    'dockerfile',
    'yaml',
    'yaml.docker-compose',
    'make',
    'sh',
    'bash',
    'json',
    'jsonc',
    'toml',
    'systemd',
    'dosini',
    'procfile',
  },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git' },
}
