-- Driven by test_dockerfile_neovim.py: `nvim --headless --clean -l test_dockerfile_neovim.lua CONFIG_DIR DOCKERFILE`.
-- Opens the Dockerfile with the shipped config, applies the preferred quick fix of its UVI014 finding,
-- writes the file and waits until the findings are gone.
local config_dir, file = _G.arg[1], _G.arg[2]
local t = dofile(config_dir .. '/preamble.lua')

t.run(function(result)
  local client = t.open(config_dir, file)
  result.filetype = vim.bo.filetype
  result.root_dir = client.root_dir

  t.step('diagnostics', vim.wait(t.TIMEOUT, function() return #vim.diagnostic.get(0) > 0 end, 50))
  result.diagnostics = t.diagnostics()
  local reload
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.code == 'UVI014' then
      reload = d
    end
  end
  t.step('UVI014 found', reload ~= nil)

  t.apply_preferred_fix(reload)
  t.step('quick fix applied', vim.wait(t.TIMEOUT, function()
    return not vim.api.nvim_buf_get_lines(0, reload.lnum, reload.lnum + 1, true)[1]:find('--reload', 1, true)
  end, 50))
  vim.cmd.write()
  t.step('findings gone', vim.wait(t.TIMEOUT, function() return #vim.diagnostic.get(0) == 0 end, 50))
  result.lines = vim.api.nvim_buf_get_lines(0, 0, -1, true)
end)
