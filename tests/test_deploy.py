"""The deployment files: compose wiring, and the Dockerfile installing what the tests install."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

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
