;;; test_emacs.el --- Driven by test_emacs.py  -*- lexical-binding: t; -*-

;; emacs --batch -l test_emacs.el CLIENT EMACS_DIR FILE     (CLIENT: eglot or lsp-mode)
;; Opens FILE with CLIENT set up by the file of EMACS_DIR, waits for flymake to show the
;; diagnostic, applies the preferred quick fix, saves, waits for the finding to go, and prints
;; what it saw as one JSON object on the last line of stdout.

(require 'json)
(require 'seq)

(defconst test-timeout 60)
(defvar test-result nil)
(defvar test-steps nil)

(defun test-wait (name predicate)
  "Wait until PREDICATE is non-nil, processing server output; fail as NAME on timeout."
  (let ((deadline (+ (float-time) test-timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate)
      (error "Timed out: %s" name))
    (push name test-steps)))

(defun test-diagnostic-alist (diagnostic)
  (let ((beg (flymake-diagnostic-beg diagnostic))
        (end (flymake-diagnostic-end diagnostic)))
    `((line . ,(line-number-at-pos beg))
      (column . ,(save-excursion (goto-char beg) (current-column)))
      (end-column . ,(save-excursion (goto-char end) (current-column)))
      (type . ,(symbol-name (flymake-diagnostic-type diagnostic)))
      (text . ,(flymake-diagnostic-text diagnostic)))))

(defun test-action-alist (title preferred)
  `((title . ,title) (preferred . ,(if (eq preferred t) t :json-false))))

;;; eglot (editors/emacs/uvicorn-lsp-eglot.el)

(defun test-eglot-start (emacs-dir)
  (load (expand-file-name "uvicorn-lsp-eglot.el" emacs-dir) nil t)
  ;; `eglot-ensure' waits for a command loop that --batch never runs: start eglot directly.
  (apply #'eglot (eglot--guess-contact))
  (test-wait "connected" #'eglot-managed-p)
  (flymake-start)
  (process-command (jsonrpc--process (eglot-current-server))))

(defun test-eglot-fix (beg end)
  (push `(actions . ,(vconcat (mapcar (lambda (action)
                                        (test-action-alist (plist-get action :title) (plist-get action :isPreferred)))
                                      (eglot-code-actions beg end "quickfix"))))
        test-result)
  ;; What `C-u M-x eglot-code-actions RET quickfix RET RET' does from the keyboard: eglot
  ;; offers the preferred fix as the default, and the RET on stdin accepts it.
  (let ((last-nonmenu-event ?\r))
    (eglot-code-actions beg end "quickfix" t)))

;;; lsp-mode (editors/emacs/lsp-uvicorn.el)

(defun test-lsp-mode-start (emacs-dir)
  (setq lsp-auto-guess-root t
        lsp-enable-snippet nil
        lsp-diagnostics-provider :flymake)
  ;; What lsp-mode's autoloads would load in an interactive Emacs.
  (mapc #'require '(lsp-mode lsp-completion lsp-diagnostics lsp-headerline lsp-modeline))
  (load (expand-file-name "lsp-uvicorn.el" emacs-dir) nil t)
  (setq lsp-uvicorn-severity '(("UVI001" . "warning")))
  (lsp)
  (test-wait "connected" (lambda () (seq-find (lambda (workspace) (eq (lsp--workspace-status workspace) 'initialized))
                                              (lsp-workspaces))))
  (process-command (lsp--workspace-proc (car (lsp-workspaces)))))

(defun test-lsp-mode-fix (beg _end)
  (goto-char beg)
  (let ((actions (lsp-code-actions-at-point "quickfix")))
    (push `(actions . ,(vconcat (mapcar (lambda (action)
                                          (test-action-alist (gethash "title" action) (gethash "isPreferred" action)))
                                        actions)))
          test-result)
    (lsp-execute-code-action (seq-find (lambda (action) (eq (gethash "isPreferred" action) t)) actions))))

;;; The scenario

(defun test-run (client emacs-dir file)
  (find-file file)
  (push `(command . ,(vconcat (funcall (intern (format "test-%s-start" client)) emacs-dir))) test-result)
  (test-wait "flymake diagnostic" #'flymake-diagnostics)
  (push `(diagnostics . ,(vconcat (mapcar #'test-diagnostic-alist (flymake-diagnostics)))) test-result)
  (let ((diagnostic (car (flymake-diagnostics))))
    (funcall (intern (format "test-%s-fix" client))
             (flymake-diagnostic-beg diagnostic) (flymake-diagnostic-end diagnostic)))
  (test-wait "quick fix applied"
             (lambda () (save-excursion (goto-char (point-min)) (search-forward "\"main:app\"" nil t))))
  (save-buffer)
  (test-wait "finding gone" (lambda () (null (flymake-diagnostics))))
  (push `(text . ,(buffer-substring-no-properties (point-min) (point-max))) test-result))

(let ((arguments command-line-args-left))
  (setq command-line-args-left nil)
  (condition-case err
      (apply #'test-run arguments)
    (error (push `(error . ,(error-message-string err)) test-result)))
  (push `(steps . ,(vconcat (reverse test-steps))) test-result)
  ;; On a line of its own: eglot's prompt went to stdout too.
  (princ (concat "\n" (json-encode test-result) "\n"))
  (kill-emacs 0))
;;; test_emacs.el ends here
