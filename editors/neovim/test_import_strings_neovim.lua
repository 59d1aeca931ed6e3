-- Driven by test_import_strings_neovim.py:
-- `nvim --headless --clean -l test_import_strings_neovim.lua CONFIG_DIR FILE LINE COLUMN`.
-- In FILE, asks for completion at LINE/COLUMN (0-based, bytes) inside an import string, applies
-- the first item's text edit, then jumps with vim.lsp.buf.definition() from the completed string.
-- Writes what it saw to stdout as one JSON object.
local config_dir, file = _G.arg[1], _G.arg[2]
local line, column = tonumber(_G.arg[3]), tonumber(_G.arg[4])
local t = dofile(config_dir .. '/preamble.lua')

t.run(function(result)
  local client = t.open(config_dir, file)
  result.offset_encoding = client.offset_encoding
  result.trigger_characters = client.server_capabilities.completionProvider.triggerCharacters

  vim.api.nvim_win_set_cursor(0, { line + 1, column })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local responses = vim.lsp.buf_request_sync(0, 'textDocument/completion', params, t.TIMEOUT)
  t.step('completion answered', responses ~= nil and responses[client.id] ~= nil)
  local answer = responses[client.id].result
  local items = answer.items or answer
  result.completion = {}
  for _, item in ipairs(items) do
    table.insert(result.completion, { label = item.label, detail = item.detail })
  end
  t.step('completion items', #items > 0)
  local buffer = vim.api.nvim_get_current_buf()
  vim.lsp.util.apply_text_edits({ items[1].textEdit }, buffer, client.offset_encoding)
  result.completed_line = vim.api.nvim_buf_get_lines(0, line, line + 1, true)[1]

  -- The change reaches the server before the definition request (same ordered channel).
  vim.api.nvim_win_set_cursor(0, { line + 1, column })
  vim.lsp.buf.definition()
  t.step('jumped to the definition', vim.wait(t.TIMEOUT, function()
    return vim.api.nvim_buf_get_name(0) ~= file
  end, 50))
  result.definition_file = vim.api.nvim_buf_get_name(0)
  result.definition_cursor = vim.api.nvim_win_get_cursor(0)
  result.definition_line = vim.api.nvim_get_current_line()
end)
