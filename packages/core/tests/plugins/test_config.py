"""Finding and reading the configuration."""

from __future__ import annotations

import pytest

from mig.config import Config
from mig.errors import ConfigError


def test_mig_toml_in_the_current_folder(tmp_path):
    (tmp_path / "mig.toml").write_text('[mig]\nscript_location = "migrations"\nurl = "sqlite:///x.db"\n')
    config = Config.load(cwd=tmp_path, environ={})
    assert config.config_file == tmp_path / "mig.toml"
    assert config.script_location == tmp_path / "migrations"
    assert config.version_locations == [tmp_path / "migrations" / "versions"]
    # relative SQLite paths are relative to the file (CLI-CONTRACT), not to the current folder
    assert config.url == f"sqlite:///{(tmp_path / 'x.db').as_posix()}"
    assert config.version_table == "mig_version"


def test_tool_mig_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.mig]\nscript_location = "db"\nversion_table = "alembic_version"\n')
    config = Config.load(cwd=tmp_path, environ={})
    assert config.script_location == tmp_path / "db"
    assert config.version_table == "alembic_version"


def test_explicit_path_is_relative_to_its_folder(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "other.toml").write_text('[mig]\nscript_location = "m"\ntransaction_per_migration = true\n')
    config = Config.load("conf/other.toml", cwd=tmp_path, environ={})
    assert config.script_location == tmp_path / "conf" / "m"
    assert config.transaction_per_migration is True


def test_mig_url_overrides(tmp_path):
    (tmp_path / "mig.toml").write_text('[mig]\nscript_location = "m"\nurl = "sqlite:///a.db"\n')
    config = Config.load(cwd=tmp_path, environ={"MIG_URL": "sqlite:///b.db"})
    assert config.url == "sqlite:///b.db"
    assert config.get_main_option("sqlalchemy.url") == "sqlite:///b.db"


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        Config.load("nope.toml", cwd=tmp_path, environ={})


def test_invalid_toml_is_a_clear_error(tmp_path):
    (tmp_path / "mig.toml").write_text("[mig\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Config.load(cwd=tmp_path, environ={})


def test_bad_bool(tmp_path):
    (tmp_path / "mig.toml").write_text('[mig]\nscript_location = "m"\ntransaction_per_migration = "maybe"\n')
    with pytest.raises(ConfigError, match="transaction_per_migration must be true or false"):
        Config.load(cwd=tmp_path, environ={})


def test_no_config_means_script_location_error(tmp_path):
    config = Config.load(cwd=tmp_path, environ={})
    with pytest.raises(ConfigError, match="script_location"):
        _ = config.script_location


def test_x_arguments(tmp_path):
    config = Config.load(cwd=tmp_path, environ={}, x_arguments=["a=1", "b=two"])
    assert config.get_x_arguments() == ["a=1", "b=two"]
    assert config.get_x_arguments(as_dictionary=True) == {"a": "1", "b": "two"}


def test_target_metadata_import(tmp_path):
    (tmp_path / "mig.toml").write_text('[mig]\nscript_location = "m"\ntarget_metadata = "mymodels_cfgtest:meta"\n')
    (tmp_path / "mymodels_cfgtest.py").write_text("meta = object()\n")
    config = Config.load(cwd=tmp_path, environ={})
    meta = config.load_target_metadata()
    import sys

    assert meta is sys.modules["mymodels_cfgtest"].meta
    assert sys.path[0] == str(tmp_path)
    sys.path.remove(str(tmp_path))


def test_target_metadata_bad_reference(tmp_path):
    (tmp_path / "mig.toml").write_text('[mig]\nscript_location = "m"\ntarget_metadata = "nomodule_here_xyz:meta"\n')
    config = Config.load(cwd=tmp_path, environ={})
    with pytest.raises(ConfigError, match="cannot import 'nomodule_here_xyz'"):
        config.load_target_metadata()
