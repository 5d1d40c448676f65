# The bot image: offline embedding model installed at build time, non-root, index in /data.
# The default corpus is indexed on first start (into the /data volume), not at build time,
# so a mounted corpus or a changed BOT_CORPUS_DIR is indexed the same way.
# The documents in the image (/app/docs_corpus, owned by root) are the seed of the corpus the
# bot serves and writes, /data/corpus: docker-entrypoint.sh copies them there at each start,
# so admin uploads (/data/corpus/uploads) are writable by uid 10001 and kept in the volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ANONYMIZED_TELEMETRY=False \
    BOT_DATA_DIR=/data \
    BOT_CORPUS_DIR=/data/corpus \
    BOT_CORPUS_SEED=/app/docs_corpus

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY config ./config
COPY retrieval ./retrieval
COPY bot ./bot
RUN pip install -c constraints.txt .
COPY docs_corpus ./docs_corpus
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

RUN groupadd --gid 10001 bot && useradd --create-home --uid 10001 --gid 10001 bot \
    && mkdir -p /data && chown bot:bot /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 3000

# /healthz is served by `serve` beside the chat adapters (BOT_HEALTH_PORT, default 8080).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["sh", "/usr/local/bin/docker-entrypoint.sh"]
CMD ["python", "-m", "bot", "serve", "--host", "0.0.0.0"]
