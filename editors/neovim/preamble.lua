-- Shared by the Neovim test scripts, each run as `nvim --headless --clean -l SCRIPT CONFIG_DIR FILE ...`
-- and loaded there with `dofile(CONFIG_DIR .. '/preamble.lua')`: opens FILE with the shipped config
-- (CONFIG_DIR/lsp/uvicorn_lsp.lua) and writes what the script saw to stdout as one JSON object,
-- with `error` and the steps done when it failed.
local M = { TIMEOUT = 60000, result = { steps = {} } }

-- Records the step NAME; stops the script when OK is false (a wait that timed out).
function M.step(name, ok)
  table.insert(M.result.steps, name)
  if not ok then
    error('timed out: ' .. name, 0)
  end
end

-- Opens FILE with the uvicorn_lsp config from CONFIG_DIR/lsp, CONFIG (optional) merged over it,
-- and returns its client once attached to the buffer and initialized.
function M.open(config_dir, file, config)
  vim.opt.runtimepath:prepend(config_dir)
  if config then
    vim.lsp.config('uvicorn_lsp', config)
  end
  vim.lsp.enable('uvicorn_lsp')
  vim.cmd.edit(file)
  M.step('client attached', vim.wait(M.TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = 0, name = 'uvicorn_lsp' }) > 0
  end))
  local client = vim.lsp.get_clients({ bufnr = 0, name = 'uvicorn_lsp' })[1]
  M.step('initialized', vim.wait(M.TIMEOUT, function() return client.initialized end, 50))
  return client
end

-- The current buffer's diagnostics, as plain tables.
function M.diagnostics()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(seen, {
      lnum = d.lnum, col = d.col, end_col = d.end_col, code = d.code, source = d.source,
      severity = vim.diagnostic.severity[d.severity], message = d.message,
    })
  end
  return seen
end

-- Applies the preferred quick fix at the start of DIAGNOSTIC, as a user does with the cursor on it.
function M.apply_preferred_fix(diagnostic)
  vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
  vim.lsp.buf.code_action({
    context = { only = { 'quickfix' } },
    filter = function(action) return action.isPreferred end,
    apply = true,
  })
end

-- Runs BODY(result), then prints the result (with the error if BODY failed) and quits.
function M.run(body)
  local ok, err = xpcall(body, debug.traceback, M.result)
  M.result.error = (not ok) and err or nil
  io.stdout:write(vim.json.encode(M.result), '\n')
  vim.cmd('qall!')
end

return M
