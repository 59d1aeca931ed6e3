;;; uvicorn-lsp-eglot.el --- Use uvicorn-lsp with eglot  -*- lexical-binding: t; -*-

;; Eglot is built into Emacs 29; on Emacs 28 install it from GNU ELPA or Debian's elpa-eglot.

;;; Commentary:

;; Registers `uvicorn-lsp serve' as the eglot server of Python buffers.  Eglot runs one
;; server per buffer, so this replaces pylsp/pyright there; to run uvicorn-lsp beside other
;; Python servers use lsp-mode (lsp-uvicorn.el).
;;
;; Settings go through `eglot-workspace-configuration', section `uvicorn-lsp', for example in
;; .dir-locals.el:
;;   ((python-mode . ((eglot-workspace-configuration
;;                     . (:uvicorn-lsp (:ignore ["UVI002"] :severity (:UVI001 "warning")))))))

;;; Code:

(require 'eglot)

(defcustom uvicorn-lsp-eglot-command '("uvicorn-lsp" "serve")
  "Command that starts uvicorn-lsp, e.g. (\"/path/to/venv/bin/python\" \"-m\" \"uvicorn_lsp\" \"serve\")."
  :type '(repeat string)
  :group 'eglot)

(add-to-list 'eglot-server-programs
             `((python-mode python-ts-mode) . ,(lambda (&optional _interactive) uvicorn-lsp-eglot-command)))

(provide 'uvicorn-lsp-eglot)
;;; uvicorn-lsp-eglot.el ends here
