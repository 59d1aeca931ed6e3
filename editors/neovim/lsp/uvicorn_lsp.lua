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
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', '.git' },
}
