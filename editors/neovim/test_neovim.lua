-- Driven by test_neovim.py: `nvim --headless --clean -l test_neovim.lua CONFIG_DIR FILE`.
-- Opens FILE with the uvicorn_lsp config from CONFIG_DIR/lsp, applies the preferred quick fix
-- and writes what it saw to stdout as one JSON object.
local config_dir, file = _G.arg[1], _G.arg[2]
local t = dofile(config_dir .. '/preamble.lua')

t.run(function(result)
  local client = t.open(config_dir, file, {
    settings = { ['uvicorn-lsp'] = { severity = { UVI001 = 'warning' } } },
  })
  result.offset_encoding = client.offset_encoding
  result.root_dir = client.root_dir
  result.cmd = client.config.cmd

  t.step('diagnostics', vim.wait(t.TIMEOUT, function() return #vim.diagnostic.get(0) > 0 end, 50))
  result.diagnostics = t.diagnostics()

  local first = vim.diagnostic.get(0)[1]
  t.apply_preferred_fix(first)
  t.step('quick fix applied', vim.wait(t.TIMEOUT, function()
    return vim.api.nvim_buf_get_lines(0, first.lnum, first.lnum + 1, true)[1]:find('"main:app"', 1, true) ~= nil
  end, 50))
  vim.cmd.write()
  t.step('finding gone', vim.wait(t.TIMEOUT, function() return #vim.diagnostic.get(0) == 0 end, 50))
  result.lines = vim.api.nvim_buf_get_lines(0, 0, -1, true)
end)
