from uvicorn_lsp.engine import still_files


def test_the_disk_is_asked_each_time_unless_the_files_are_held_still(tmp_path):
    assert not still_files.is_file(tmp_path, "pyproject.toml")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / ".git").mkdir()
    assert still_files.is_file(tmp_path, "pyproject.toml") and still_files.exists(tmp_path, ".git")


def test_answers_are_kept_while_held_still_and_forgotten_after(tmp_path):
    with still_files.held_still():
        assert not still_files.is_file(tmp_path, "__init__.py")
        assert not still_files.exists(tmp_path, ".git")
        (tmp_path / "__init__.py").write_text("")
        (tmp_path / ".git").mkdir()
        # Asked once per run: a file appearing during a CLI run is not looked for again.
        assert not still_files.is_file(tmp_path, "__init__.py")
        assert not still_files.exists(tmp_path, ".git")
    assert still_files.is_file(tmp_path, "__init__.py") and still_files.exists(tmp_path, ".git")


def test_a_block_inside_a_held_process_keeps_its_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(still_files, "_is_file", None)
    monkeypatch.setattr(still_files, "_exists", None)
    still_files.hold_still()  # a worker, for its life
    assert not still_files.is_file(tmp_path, "a.py")
    with still_files.held_still():
        pass
    (tmp_path / "a.py").write_text("")
    assert not still_files.is_file(tmp_path, "a.py")
