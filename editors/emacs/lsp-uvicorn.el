;;; lsp-uvicorn.el --- lsp-mode client for uvicorn-lsp  -*- lexical-binding: t; -*-

;;; Commentary:

;; Registers uvicorn-lsp as an add-on lsp-mode client for Python buffers: it runs beside
;; the user's other Python servers (pylsp, pyright, ruff...).  Settings are the `lsp-uvicorn-'
;; options below; the server reads them through workspace/configuration, section `uvicorn-lsp'.

;;; Code:

(require 'lsp-mode)

(defgroup lsp-uvicorn nil
  "uvicorn-lsp: the mistakes people make when they start an ASGI app with uvicorn."
  :group 'lsp-mode
  :prefix "lsp-uvicorn-"
  :link '(url-link "https://github.com/uvicorn-lsp/uvicorn-lsp"))

(defcustom lsp-uvicorn-command '("uvicorn-lsp" "serve")
  "Command that starts uvicorn-lsp, e.g. (\"/path/to/venv/bin/python\" \"-m\" \"uvicorn_lsp\" \"serve\")."
  :type '(repeat string))

(defcustom lsp-uvicorn-select nil
  "Rule codes or prefixes to enable, replacing the default set; nil for the defaults."
  :type '(repeat string))

(defcustom lsp-uvicorn-extend-select nil
  "Rule codes or prefixes to enable in addition to the selected ones."
  :type '(repeat string))

(defcustom lsp-uvicorn-ignore nil
  "Rule codes or prefixes to disable."
  :type '(repeat string))

(defcustom lsp-uvicorn-severity nil
  "Severity per rule code, e.g. ((\"UVI001\" . \"warning\"))."
  :type '(alist :key-type string
                :value-type (choice (const "error") (const "warning") (const "information") (const "hint"))))

(defcustom lsp-uvicorn-python nil
  "Interpreter of the environment to analyse against; nil lets the server decide."
  :type '(choice (const nil) string))

;; lsp-mode sends lists as JSON arrays only when they are vectors, and objects as hash tables.
(defun lsp-uvicorn--select () (and lsp-uvicorn-select (vconcat lsp-uvicorn-select)))
(defun lsp-uvicorn--extend-select () (and lsp-uvicorn-extend-select (vconcat lsp-uvicorn-extend-select)))
(defun lsp-uvicorn--ignore () (and lsp-uvicorn-ignore (vconcat lsp-uvicorn-ignore)))
(defun lsp-uvicorn--severity () (and lsp-uvicorn-severity (ht<-alist lsp-uvicorn-severity)))

(lsp-register-custom-settings
 '(("uvicorn-lsp.select" lsp-uvicorn--select)
   ("uvicorn-lsp.extendSelect" lsp-uvicorn--extend-select)
   ("uvicorn-lsp.ignore" lsp-uvicorn--ignore)
   ("uvicorn-lsp.severity" lsp-uvicorn--severity)
   ("uvicorn-lsp.python" lsp-uvicorn-python)))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection (lambda () lsp-uvicorn-command))
  ;; Python, and the files that start servers with a command line (the server picks them by name).
  :activation-fn (lsp-activate-on "python" "dockerfile" "yaml" "shellscript" "makefile" "json" "jsonc" "toml" "ini")
  :server-id 'uvicorn-lsp
  :add-on? t
  :priority -2
  :initialization-options (lambda () (ht-get (lsp-configuration-section "uvicorn-lsp") "uvicorn-lsp"))
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration (lsp-configuration-section "uvicorn-lsp"))))))

(provide 'lsp-uvicorn)
;;; lsp-uvicorn.el ends here
