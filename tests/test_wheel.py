"""The built wheel runs anywhere: installed in a fresh venv, used from a folder outside the repository.

Builds the wheel with pip (`pip wheel --no-deps`), installs it with its dependencies into a new
venv under `tmp_path` (pip's cache makes the second run quick), then runs `ler-issuer init`,
`issue` and `verify` with the working directory outside the repository: contexts, schemas and
the example seeds must come from the package, the database and keys go to `./instance` and
`./keys`.
"""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

from issuer.paths import PROJECT_ROOT, seed_files


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_installed_wheel_inits_issues_and_verifies_outside_the_repository(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ISSUER_", "PYTHON", "VIRTUAL"))
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(dist),
            str(PROJECT_ROOT),
        ],
        tmp_path,
        env,
    )
    (wheel,) = dist.glob("ler_issuer-*.whl")

    prefix = tmp_path / "venv"
    venv.create(prefix, with_pip=True)
    python = prefix / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)], tmp_path, env)

    work = tmp_path / "work"
    work.mkdir()
    cli = str(prefix / "bin" / "ler-issuer")
    where = _run(
        [str(python), "-c", "import issuer.paths as p; print(p.CONTEXTS, p.INSTANCE_DIR)"],
        work,
        env,
    )
    assert str(prefix) in where.split()[0] and str(PROJECT_ROOT) not in where
    assert where.split()[1] == str(work / "instance")

    init = _run([cli, "init"], work, env)
    for seed in seed_files():
        export = json.loads(seed.read_text(encoding="utf-8"))
        assert export["occupation"]["soc"] in init, init
    assert (work / "instance" / "issuer.sqlite3").is_file()
    assert any((work / "keys").iterdir())

    issued = json.loads(
        _run(
            [
                cli,
                "issue",
                "-f",
                "43-4021.00",
                "-l",
                "Emerging",
                "--email",
                "a@example.org",
                "--json",
            ],
            work,
            env,
        )
    )
    credential = work / "credential.json"
    credential.write_text(json.dumps(issued["credentials"][-1]), encoding="utf-8")
    verified = json.loads(_run([cli, "verify", str(credential), "--json"], work, env))
    assert verified["verified"] is True, verified


def test_init_prefers_a_local_seeds_folder(tmp_path: Path) -> None:
    from issuer.paths import EXAMPLE_SEEDS, seeds_dir

    assert seeds_dir(None, tmp_path) == EXAMPLE_SEEDS
    (tmp_path / "seeds").mkdir()
    assert seeds_dir(None, tmp_path) == tmp_path / "seeds"
    assert seeds_dir(Path("/elsewhere"), tmp_path) == Path("/elsewhere")
