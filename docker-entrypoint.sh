#!/bin/sh
# The image's entry point: bring the writable corpus in the data volume
# (BOT_CORPUS_DIR, /data/corpus) up to date with the documents shipped in the image
# (BOT_CORPUS_SEED, /app/docs_corpus, owned by root), then run the command.
#
# Admin uploads land in BOT_CORPUS_DIR/uploads/, inside the volume: they are
# writable by the bot's user (uid 10001) and survive new images. The image's
# documents are copied again at every start (a newer image brings newer text), and
# the ones a newer image no longer ships are removed; `.seeded` lists them. A corpus
# folder without `.seeded` that already exists (your own mount) is never touched.
set -eu

seed="${BOT_CORPUS_SEED:-}"
corpus="${BOT_CORPUS_DIR:-}"

if [ -n "$seed" ] && [ -n "$corpus" ] && [ -d "$seed" ] && [ "$seed" != "$corpus" ] \
    && { [ ! -e "$corpus" ] || [ -f "$corpus/.seeded" ]; }; then
    mkdir -p "$corpus"
    if [ -f "$corpus/.seeded" ]; then
        while IFS= read -r name; do
            if [ -n "$name" ] && [ ! -e "$seed/$name" ]; then
                rm -f "$corpus/$name"
            fi
        done <"$corpus/.seeded"
    fi
    cp -R "$seed/." "$corpus/"
    (cd "$seed" && find . -type f | sed 's|^\./||') >"$corpus/.seeded.new"
    mv "$corpus/.seeded.new" "$corpus/.seeded"
fi

exec "$@"
