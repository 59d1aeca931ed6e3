-- Driven by test_neovim.py: `nvim --headless --clean -l test_neovim.lua CONFIG_DIR FILE`.
-- Opens FILE with the uvicorn_lsp config from CONFIG_DIR/lsp, applies the preferred quick fix
-- and writes what it saw to stdout as one JSON object.
local config_dir, file = _G.arg[1], _G.arg[2]
local TIMEOUT = 60000
local result = { steps = {} }

local function step(name, ok)
  table.insert(result.steps, name)
  if not ok then
    error('timed out: ' .. name, 0)
  end
end

local function diagnostics()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(seen, {
      lnum = d.lnum, col = d.col, end_col = d.end_col, code = d.code, source = d.source,
      severity = vim.diagnostic.severity[d.severity], message = d.message,
    })
  end
  return seen
end

local function run()
  vim.opt.runtimepath:prepend(config_dir)
  vim.lsp.config('uvicorn_lsp', {
    settings = { ['uvicorn-lsp'] = { severity = { UVI001 = 'warning' } } },
  })
  vim.lsp.enable('uvicorn_lsp')
  vim.cmd.edit(file)

  step('client attached', vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = 0, name = 'uvicorn_lsp' }) > 0
  end))
  local client = vim.lsp.get_clients({ bufnr = 0, name = 'uvicorn_lsp' })[1]
  result.offset_encoding = client.offset_encoding
  result.root_dir = client.root_dir
  result.cmd = client.config.cmd

  step('diagnostics', vim.wait(TIMEOUT, function() return #vim.diagnostic.get(0) > 0 end, 50))
  result.diagnostics = diagnostics()

  local first = vim.diagnostic.get(0)[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  vim.lsp.buf.code_action({
    context = { only = { 'quickfix' } },
    filter = function(action) return action.isPreferred end,
    apply = true,
  })
  step('quick fix applied', vim.wait(TIMEOUT, function()
    return vim.api.nvim_buf_get_lines(0, first.lnum, first.lnum + 1, true)[1]:find('"main:app"', 1, true) ~= nil
  end, 50))
  vim.cmd.write()
  step('finding gone', vim.wait(TIMEOUT, function() return #vim.diagnostic.get(0) == 0 end, 50))
  result.lines = vim.api.nvim_buf_get_lines(0, 0, -1, true)
end

local ok, err = xpcall(run, debug.traceback)
result.error = (not ok) and err or nil
io.stdout:write(vim.json.encode(result), '\n')
vim.cmd('qall!')
