"""The font cache: the user's cache folder ($XDG_CACHE_HOME/healthprint, ~/.cache/healthprint) unless
--cache or HEALTHPRINT_CACHE say otherwise; never the repository or the working folder."""

from pathlib import Path

from healthprint import cli

POSTER = ("--format", "poster", "--size", "a3", "--order", "en+zh-Hans")


def _subsets(folder: Path) -> int:
    return len(list(folder.glob("*.otf")))


def test_font_cache_is_in_the_users_cache_folder(run_cli, tmp_path, monkeypatch):
    monkeypatch.delenv("HEALTHPRINT_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert run_cli("--out", str(tmp_path / "out"), *POSTER)[0] == 0
    assert _subsets(tmp_path / "xdg" / "healthprint") == 2  # the two weights' subsets


def test_cache_option_is_used(run_cli, tmp_path):
    assert run_cli("--out", str(tmp_path / "out"), *POSTER, "--cache", str(tmp_path / "mine"))[0] == 0
    assert _subsets(tmp_path / "mine") == 2


def test_font_cache_folder_choices(tmp_path, monkeypatch):
    """--cache, else HEALTHPRINT_CACHE, else $XDG_CACHE_HOME/healthprint (if absolute), else ~/.cache/healthprint."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HEALTHPRINT_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cli.font_cache_dir(None) == tmp_path / "home" / ".cache" / "healthprint"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not absolute: ignored, as the XDG rule says
    assert cli.font_cache_dir(None) == tmp_path / "home" / ".cache" / "healthprint"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cli.font_cache_dir(None) == tmp_path / "xdg" / "healthprint"
    monkeypatch.setenv("HEALTHPRINT_CACHE", str(tmp_path / "env"))
    assert cli.font_cache_dir(None) == tmp_path / "env"
    assert cli.font_cache_dir(tmp_path / "option") == tmp_path / "option"
