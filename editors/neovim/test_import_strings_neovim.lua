-- Driven by test_import_strings_neovim.py:
-- `nvim --headless --clean -l test_import_strings_neovim.lua CONFIG_DIR FILE LINE COLUMN`.
-- In FILE, asks for completion at LINE/COLUMN (0-based, bytes) inside an import string, applies
-- the first item's text edit, then jumps with vim.lsp.buf.definition() from the completed string.
-- Writes what it saw to stdout as one JSON object.
local config_dir, file = _G.arg[1], _G.arg[2]
local line, column = tonumber(_G.arg[3]), tonumber(_G.arg[4])
local TIMEOUT = 60000
local result = { steps = {} }

local function step(name, ok)
  table.insert(result.steps, name)
  if not ok then
    error('timed out: ' .. name, 0)
  end
end

local function run()
  vim.opt.runtimepath:prepend(config_dir)
  vim.lsp.enable('uvicorn_lsp')
  vim.cmd.edit(file)
  step('client attached', vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = 0, name = 'uvicorn_lsp' }) > 0
  end))
  local client = vim.lsp.get_clients({ bufnr = 0, name = 'uvicorn_lsp' })[1]
  step('initialized', vim.wait(TIMEOUT, function() return client.initialized end, 50))
  result.offset_encoding = client.offset_encoding
  result.trigger_characters = client.server_capabilities.completionProvider.triggerCharacters

  vim.api.nvim_win_set_cursor(0, { line + 1, column })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local responses = vim.lsp.buf_request_sync(0, 'textDocument/completion', params, TIMEOUT)
  step('completion answered', responses ~= nil and responses[client.id] ~= nil)
  local answer = responses[client.id].result
  local items = answer.items or answer
  result.completion = {}
  for _, item in ipairs(items) do
    table.insert(result.completion, { label = item.label, detail = item.detail })
  end
  step('completion items', #items > 0)
  local buffer = vim.api.nvim_get_current_buf()
  vim.lsp.util.apply_text_edits({ items[1].textEdit }, buffer, client.offset_encoding)
  result.completed_line = vim.api.nvim_buf_get_lines(0, line, line + 1, true)[1]

  -- The change reaches the server before the definition request (same ordered channel).
  vim.api.nvim_win_set_cursor(0, { line + 1, column })
  vim.lsp.buf.definition()
  step('jumped to the definition', vim.wait(TIMEOUT, function()
    return vim.api.nvim_buf_get_name(0) ~= file
  end, 50))
  result.definition_file = vim.api.nvim_buf_get_name(0)
  result.definition_cursor = vim.api.nvim_win_get_cursor(0)
  result.definition_line = vim.api.nvim_get_current_line()
end

local ok, err = xpcall(run, debug.traceback)
result.error = (not ok) and err or nil
io.stdout:write(vim.json.encode(result), '\n')
vim.cmd('qall!')
