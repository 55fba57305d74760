#!/usr/bin/env sh
# Re-extract the messages from the code and merge them into every catalogue.
set -e
cd "$(dirname "$0")/.."
pybabel extract -F locales/babel.cfg -k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2 \
    --add-comments=TRANSLATORS: --no-location --sort-output --omit-header \
    -o locales/messages.pot .
for lang in da en; do
    if [ -f "locales/$lang/LC_MESSAGES/messages.po" ]; then
        pybabel update -i locales/messages.pot -d locales -l "$lang" --no-fuzzy-matching --ignore-obsolete
    else
        pybabel init -i locales/messages.pot -d locales -l "$lang"
    fi
done
