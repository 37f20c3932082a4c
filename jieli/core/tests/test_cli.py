import pytest

from jieli.cli import main


def test_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "import" in out and "bench" in out and "index rebuild" in out


def test_no_arguments_is_a_usage_error(capsys):
    assert main([]) == 2


def test_unknown_command_is_refused_clearly(capsys):
    assert main(["frobnicate"]) == 2
    assert "unknown command" in capsys.readouterr().err


def test_bad_arguments_of_a_platform_command_exit_non_zero():
    with pytest.raises(SystemExit) as exc:
        main(["index", "explode"])
    assert exc.value.code != 0


@pytest.mark.django_db
def test_index_rebuild_runs(capsys):
    main(["index", "rebuild"])
    assert "achievement" in capsys.readouterr().out
