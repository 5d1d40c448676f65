"""The deployment files: compose wiring, and the Dockerfile installing what the tests install."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest
import yaml

from tests.conftest import write_documents

ROOT = Path(__file__).resolve().parent.parent


def test_compose_wires_the_bot_to_a_chroma_server() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"bot", "chroma"}
    bot, chroma = services["bot"], services["chroma"]
    assert bot["build"] == "."
    url = bot["environment"]["BOT_CHROMA_URL"]
    assert re.fullmatch(r"http://chroma:8000", url)
    assert "chroma" in bot["depends_on"]
    assert chroma["image"].startswith("chromadb/chroma:")
    # Named volumes for both stateful services, declared at the top level.
    for service, mount in ((bot, "/data"), (chroma, "/data")):
        volume = next(v.split(":")[0] for v in service["volumes"] if v.endswith(":" + mount))
        assert volume in compose["volumes"]
    assert bot["environment"]["BOT_DATA_DIR"] == "/data"


def test_chroma_server_version_matches_the_pinned_client() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    pinned = re.search(r'"chromadb==([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pinned and compose["services"]["chroma"]["image"].endswith(":" + pinned.group(1))


def test_dockerfile_installs_from_the_constraints_file_as_non_root() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert "pip install -c constraints.txt ." in text
    assert re.search(r"^USER 10001", text, re.M)
    assert 'VOLUME ["/data"]' in text
    assert "BOT_DATA_DIR=/data" in text
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", text, re.M)


# Uploads in the image: the corpus the bot writes is in the /data volume ---------------------
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments left out."""
    joined = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = (line.strip() for line in joined.splitlines())
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, args in dockerfile():
        if instruction == "ENV":
            env.update(token.split("=", 1) for token in shlex.split(args))  # type: ignore[misc]
    return env


def image_copies() -> dict[str, str]:
    """Source in the build context -> absolute path in the image."""
    workdir, copies = "/", {}
    for instruction, args in dockerfile():
        if instruction == "WORKDIR":
            workdir = args
        elif instruction == "COPY":
            *sources, dest = [a for a in args.split() if not a.startswith("--")]
            for source in sources:
                copies[source] = posixpath.normpath(posixpath.join(workdir, dest))
    return copies


def entrypoint() -> list[str]:
    (args,) = [args for instruction, args in dockerfile() if instruction == "ENTRYPOINT"] or ["[]"]
    return list(json.loads(args))


def test_uploads_go_to_a_corpus_in_the_data_volume_seeded_from_the_image() -> None:
    env, copies = image_env(), image_copies()
    data = env["BOT_DATA_DIR"]
    assert PurePosixPath(env["BOT_CORPUS_DIR"]).is_relative_to(data)  # uploads land in /data
    assert env["BOT_CORPUS_SEED"] == copies["docs_corpus"]  # the image's documents
    script = copies["docker-entrypoint.sh"]
    assert entrypoint() == ["sh", script]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["bot"]["environment"]["BOT_CORPUS_DIR"] == env["BOT_CORPUS_DIR"]


def run_entrypoint(seed: Path, corpus: Path) -> None:
    env = {**os.environ, "BOT_CORPUS_SEED": str(seed), "BOT_CORPUS_DIR": str(corpus)}
    subprocess.run(["sh", str(ROOT / "docker-entrypoint.sh"), "true"], env=env, check=True)


def test_the_entrypoint_seeds_and_refreshes_the_corpus_and_keeps_uploads(tmp_path: Path) -> None:
    seed = write_documents(tmp_path / "image", {"a.md": "# A\n", "b.md": "# B\n"})
    write_documents(seed / "sub", {"c.md": "# C\n"})
    corpus = tmp_path / "data" / "corpus"

    run_entrypoint(seed, corpus)  # first start: the volume has no corpus yet
    assert sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.md")) == [
        "a.md",
        "b.md",
        "sub/c.md",
    ]
    write_documents(corpus / "uploads", {"notes.md": "# Notes\n"})

    # A newer image: a.md changed, b.md gone, d.md new. Uploads are kept.
    (seed / "a.md").write_text("# A, revised\n")
    (seed / "b.md").unlink()
    (seed / "d.md").write_text("# D\n")
    run_entrypoint(seed, corpus)

    assert sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.md")) == [
        "a.md",
        "d.md",
        "sub/c.md",
        "uploads/notes.md",
    ]
    assert (corpus / "a.md").read_text() == "# A, revised\n"


def test_the_entrypoint_leaves_a_corpus_of_your_own_alone(tmp_path: Path) -> None:
    seed = write_documents(tmp_path / "image", {"a.md": "# A\n"})
    own = write_documents(tmp_path / "mine", {"mine.md": "# Mine\n"})

    run_entrypoint(seed, own)

    assert sorted(p.name for p in own.iterdir()) == ["mine.md"]


UPLOAD_AS_THE_BOT_USER = """
import json
from config import load_settings
from bot.wiring import build_service
from tests.conftest import HASH_THRESHOLDS, admin
from tests.fakes.embedder import HashEmbedder

service = build_service(load_settings(**HASH_THRESHOLDS), embedder=HashEmbedder())
service.ensure_index()
stored, stats = service.add_upload(
    admin("slack", "U1"), "railway.md", b"# Railway\\n\\nThe railway opened on 31 May 2017.\\n"
)
print(json.dumps({"path": str(stored.path), "added": stats.added}))
"""


def as_user(uid: int, gid: int) -> Callable[[], None]:
    def drop() -> None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        os.umask(0o022)

    return drop


def python_for(uid: int, gid: int, env: dict[str, str], cwd: Path) -> list[str] | None:
    """An interpreter with this project's dependencies that `uid` can run: this one, or
    (when it lives in a folder only root can enter) the system's same-version Python
    with this environment's packages on its path."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    packages = os.pathsep.join({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")})
    for python, path in ((sys.executable, ""), (f"/usr/bin/python{version}", packages)):
        if not Path(python).exists():
            continue
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), path) if p)
        try:
            probe = subprocess.run(
                [python, "-c", "import chromadb, bot.wiring, tests.fakes.embedder"],
                env=env,
                cwd=cwd,
                preexec_fn=as_user(uid, gid),
                capture_output=True,
            )
        except PermissionError:  # e.g. a virtualenv whose Python is under /root
            continue
        if probe.returncode == 0:
            return [python]
    return None


@pytest.mark.slow  # subprocesses, one of them indexing
@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root to switch uid")
def test_an_upload_works_as_the_images_user_with_the_corpus_laid_out_as_in_the_image() -> None:
    """The image's files are root's (COPY), /data is the bot user's (RUN chown); the bot
    runs as USER 10001 through the image's entry point. Paths of the image are mapped
    into a scratch folder."""
    (user,) = [args for instruction, args in dockerfile() if instruction == "USER"]
    uid, gid = (int(n) for n in user.split(":"))
    image = Path(tempfile.mkdtemp(prefix="image-"))
    try:
        os.chmod(image, 0o755)

        def inside(path: str) -> Path:
            return image / path.lstrip("/")

        copies = image_copies()
        corpus_in_image = inside(copies["docs_corpus"])
        # Two of the image's documents are enough; modes as COPY leaves them (owner root).
        write_documents(
            corpus_in_image,
            {p.name: p.read_text() for p in sorted((ROOT / "docs_corpus").glob("*.md"))[:2]},
        )
        os.chmod(corpus_in_image, 0o755)
        if "docker-entrypoint.sh" in copies:
            script = inside(copies["docker-entrypoint.sh"])
            script.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "docker-entrypoint.sh", script)
        for folder in (image / "app", image / "usr", image / "usr/local", image / "usr/local/bin"):
            if folder.exists():
                os.chmod(folder, 0o755)
        env = image_env()
        data = inside(env["BOT_DATA_DIR"])
        data.mkdir(mode=0o755)
        os.chown(data, uid, gid)
        home = image / "home"
        home.mkdir(mode=0o755)
        os.chown(home, uid, gid)

        child_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "PYTHONDONTWRITEBYTECODE": "1",
            "ANONYMIZED_TELEMETRY": "False",
            **{k: str(inside(v)) if v.startswith("/") else v for k, v in env.items()},
        }
        python = python_for(uid, gid, child_env, home)
        if python is None:
            pytest.skip(f"no Python with the dependencies that uid {uid} can run")
        command = [str(inside(a)) if inside(a).is_file() else a for a in entrypoint()]
        done = subprocess.run(
            [*command, *python, "-c", UPLOAD_AS_THE_BOT_USER],
            env=child_env,
            cwd=home,
            preexec_fn=as_user(uid, gid),
            capture_output=True,
            text=True,
            timeout=300,
        )

        assert done.returncode == 0, done.stderr[-3000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        stored = Path(result["path"])
        assert result["added"] == 1
        assert stored.is_relative_to(inside(env["BOT_CORPUS_DIR"]) / "uploads")
        assert stored.is_relative_to(data) and stored.stat().st_uid == uid
        assert not (corpus_in_image / "uploads").exists()  # the image's files are untouched
    finally:
        shutil.rmtree(image, ignore_errors=True)
