"""The wheel installs one namespace, temporal_review, and nothing generic; the public surface."""

from __future__ import annotations

import inspect
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import temporal_review.activities
import temporal_review.gateway
import temporal_review.worker
import temporal_review.workflows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("temporal_review-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_wheel_holds_only_the_temporal_review_namespace(wheel_names: list[str]) -> None:
    tops = {name.split("/")[0] for name in wheel_names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"temporal_review"}
    for part in ("workflows", "activities", "worker", "gateway"):
        assert f"temporal_review/{part}/__init__.py" in wheel_names
    assert "temporal_review/__init__.py" not in wheel_names  # no root package
    assert not [
        n for n in wheel_names if n.startswith(("temporal_review/tests", "temporal_review/bench"))
    ]


def test_wheel_declares_the_console_script(wheel_names: list[str]) -> None:
    assert any(n.endswith("entry_points.txt") for n in wheel_names)


@pytest.mark.parametrize(
    "module",
    [
        temporal_review.workflows,
        temporal_review.activities,
        temporal_review.worker,
        temporal_review.gateway,
    ],
)
def test_public_names_exist_and_are_documented(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))
    for name in names:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__, f"{module.__name__}.{name} has no docstring"  # type: ignore[attr-defined]


def test_console_script_help() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "temporal-review"), "--help"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert all(c in result.stdout for c in ("dev", "worker", "gateway"))
